import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, QueueName } from '../queue/queue.constants';
import { SlaService, type SlaCheckJob } from './sla.service';

@Processor(QueueName.Sla)
export class SlaProcessor {
  constructor(private readonly sla: SlaService) {}

  /** Idempotent: raises only alerts that are due and not yet raised, through a conditional update. */
  @Process({ name: JobName.CheckSla, concurrency: 8 })
  process(job: Job<SlaCheckJob>): Promise<void> {
    return this.sla.evaluate(job.data.ticketId);
  }
}
