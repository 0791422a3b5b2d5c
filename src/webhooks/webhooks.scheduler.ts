import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';

const DISPATCH_INTERVAL_MS = 200;

/** In worker processes: moves outbox events into deliveries and re-queues lost deliveries. */
@Injectable()
export class WebhooksScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhooksScheduler.name);
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly deliveries: WebhookDeliveryService,
    private readonly subscriptions: WebhookSubscriptionsService,
  ) {}

  onApplicationBootstrap(): void {
    this.every(DISPATCH_INTERVAL_MS, 'dispatch', async () => {
      let total = 0;
      for (;;) {
        const ids = await this.deliveries.dispatch();
        for (const id of ids) await this.subscriptions.enqueue(id, 0, 0);
        total += ids.length;
        if (ids.length === 0) return total;
      }
    });
    this.every(this.config.sweepIntervalMs, 'delivery sweep', () =>
      this.deliveries.sweep(Math.max(30_000, this.config.sweepIntervalMs * 2)),
    );
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  private every(intervalMs: number, name: string, task: () => Promise<number>): void {
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      task()
        .catch((error: unknown) => this.logger.warn(`${name} failed: ${(error as Error).message}`))
        .finally(() => (running = false));
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }
}
