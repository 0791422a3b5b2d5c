import { Injectable, Logger } from '@nestjs/common';
import { OutboxService } from '../webhooks/outbox.service';
import { AnalyticsRepository } from './analytics.repository';
import { AnalyticsService } from './analytics.service';
import { IndicatorPolicyService } from './indicator-policy.service';
import { transitionOf } from './indicators';

/**
 * The periodic early-warning check: each active tenant's indicators over its rolling window, compared with
 * the last state stored; a move into or out of `breached` is written to the outbox in the same transaction
 * as the new state, so the webhook goes out once per crossing however many workers run the check.
 */
@Injectable()
export class IndicatorCheckService {
  private readonly logger = new Logger(IndicatorCheckService.name);

  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly analytics: AnalyticsService,
    private readonly policies: IndicatorPolicyService,
    private readonly outbox: OutboxService,
  ) {}

  /** Returns how many crossings and recoveries were announced. */
  async checkAll(now = new Date()): Promise<number> {
    const longestWindow = 24 * 31 * 3_600_000;
    const tenants = await this.repository.activeTenants(new Date(now.getTime() - longestWindow));
    let announced = 0;
    for (const tenantId of tenants) {
      try {
        announced += await this.check(tenantId);
      } catch (error) {
        this.logger.warn(
          `indicator check of tenant ${tenantId} failed, next run retries: ${(error as Error).message}`,
        );
      }
    }
    return announced;
  }

  async check(tenantId: string): Promise<number> {
    const [readings, policy] = await Promise.all([
      this.analytics.currentIndicators(tenantId),
      this.policies.get(tenantId),
    ]);
    let announced = 0;
    for (const reading of readings) {
      await this.repository.transaction(async (manager) => {
        const moved = await this.repository.moveState(
          manager,
          tenantId,
          reading.key,
          reading.state,
          reading.value,
          reading.threshold,
        );
        const transition = moved ? transitionOf(moved.previous, reading.state) : null;
        if (!moved || !transition) return;
        announced++;
        await this.outbox.emit(
          [
            {
              tenantId,
              type: `indicator.${transition}`,
              data: {
                indicator: reading.key,
                value: reading.value,
                threshold: reading.threshold,
                comparator: reading.comparator,
                unit: reading.unit,
                state: reading.state,
                previousState: moved.previous,
                windowHours: policy.windowHours,
                checkedAt: new Date().toISOString(),
              },
            },
          ],
          manager,
        );
      });
    }
    return announced;
  }
}
