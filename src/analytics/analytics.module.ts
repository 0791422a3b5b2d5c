import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { SlaModule } from '../sla/sla.module';
import { AnalyticsController } from './analytics.controller';
import { AnalyticsRepository } from './analytics.repository';
import { AnalyticsService } from './analytics.service';
import { IndicatorCheckProcessor } from './indicator-check.processor';
import { IndicatorCheckScheduler } from './indicator-check.scheduler';
import { IndicatorCheckService } from './indicator-check.service';
import { IndicatorPolicyController } from './indicator-policy.controller';
import { IndicatorPolicyService } from './indicator-policy.service';

/** Indicators for supervisors, their thresholds, and (in workers) the periodic early-warning check. */
@Module({})
export class AnalyticsModule {
  static register(options: { worker: boolean }): DynamicModule {
    const workerProviders: Provider[] = options.worker
      ? [IndicatorCheckService, IndicatorCheckProcessor, IndicatorCheckScheduler]
      : [];
    return {
      module: AnalyticsModule,
      imports: [SlaModule],
      controllers: [AnalyticsController, IndicatorPolicyController],
      providers: [AnalyticsRepository, AnalyticsService, IndicatorPolicyService, ...workerProviders],
    };
  }
}
