import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { SyncService } from './sync.service';

/**
 * Runs in worker processes: queues connections due for polling. Safe to run in several processes at once
 * (rows are claimed, job ids dedupe). Stored events need no sweep: the ingest workers poll for them.
 */
@Injectable()
export class IngestionScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IngestionScheduler.name);
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sync: SyncService,
  ) {}

  onApplicationBootstrap(): void {
    this.every(this.config.schedulerIntervalMs, 'polling', () => this.sync.enqueueDue());
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
        .then((count) => {
          if (count > 0) this.logger.debug(`${name}: ${count} queued`);
        })
        .catch((error: unknown) => this.logger.warn(`${name} failed: ${(error as Error).message}`))
        .finally(() => {
          running = false;
        });
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }
}
