import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { TicketWorkflowService } from './ticket-workflow.service';

/** How soon after a ticket is solved the buyer should be asked how it went. */
export const CSAT_REQUEST_AFTER_MS = 48 * 60 * 60 * 1000;

/** In worker processes: asks subscribers to survey buyers when due (claimed rows, safe in several processes). */
@Injectable()
export class CsatScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CsatScheduler.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly workflow: TicketWorkflowService,
  ) {}

  onApplicationBootstrap(): void {
    let running = false;
    this.timer = setInterval(() => {
      if (running) return;
      running = true;
      this.workflow
        .requestDueCsat(CSAT_REQUEST_AFTER_MS)
        .catch((error: unknown) => this.logger.warn(`csat requests failed: ${(error as Error).message}`))
        .finally(() => (running = false));
    }, this.config.sweepIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
