import { Process, Processor } from '@nestjs/bull';
import { JobName, QueueName } from '../queue/queue.constants';
import { IndicatorCheckService } from './indicator-check.service';

@Processor(QueueName.Indicators)
export class IndicatorCheckProcessor {
  constructor(private readonly checks: IndicatorCheckService) {}

  /** Idempotent: a crossing is announced only by the run that moves the stored state. */
  @Process({ name: JobName.CheckIndicators, concurrency: 1 })
  async process(): Promise<void> {
    await this.checks.checkAll();
  }
}
