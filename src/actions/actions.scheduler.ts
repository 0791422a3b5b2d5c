import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { ActionsService } from './actions.service';

/** Re-queues actions whose job vanished (Redis lost it), in worker processes. */
@Injectable()
export class ActionsScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ActionsScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly actions: ActionsService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = true;
      this.actions
        .sweep(Math.max(30_000, this.config.sweepIntervalMs * 4))
        .catch((error: unknown) => this.logger.warn(`action sweep failed: ${(error as Error).message}`))
        .finally(() => (this.running = false));
    }, this.config.sweepIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
