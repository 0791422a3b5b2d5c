import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { SlaService } from './sla.service';

/**
 * Runs in worker processes: raises warnings and breaches whose timers were lost, at start-up (timers may
 * have fired while no worker was up) and then periodically. Safe in several processes at once.
 */
@Injectable()
export class SlaScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SlaScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sla: SlaService,
  ) {}

  onApplicationBootstrap(): void {
    this.tick();
    this.timer = setInterval(() => this.tick(), this.config.slaSweepIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private tick(): void {
    if (this.running) return;
    this.running = true;
    this.sla
      .sweep()
      .then((count) => {
        if (count > 0) this.logger.debug(`SLA sweep: ${count} clocks checked`);
      })
      .catch((error: unknown) => this.logger.warn(`SLA sweep failed: ${(error as Error).message}`))
      .finally(() => {
        this.running = false;
      });
  }
}
