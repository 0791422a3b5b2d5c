import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, QueueName } from '../queue/queue.constants';
import { IngestionService, type ProcessEventJob } from './ingestion.service';

@Processor(QueueName.Ingest)
export class IngestProcessor {
  constructor(private readonly ingestion: IngestionService) {}

  /** Idempotent: keyed by the stored event, which is skipped once processed. */
  @Process({ name: JobName.ProcessInboundEvent, concurrency: 16 })
  async process(job: Job<ProcessEventJob>): Promise<void> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.ingestion.processEvent(job.data.eventId, finalAttempt);
  }
}
