import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, QueueName } from '../queue/queue.constants';
import { SyncService, type SyncConnectionJob, type SyncRunResult } from './sync.service';

@Processor(QueueName.Sync)
export class SyncProcessor {
  constructor(private readonly sync: SyncService) {}

  /** Idempotent: pulls from the stored cursor, and ticket writes ignore cases that are not newer. */
  @Process({ name: JobName.SyncConnection, concurrency: 4 })
  process(job: Job<SyncConnectionJob>): Promise<SyncRunResult> {
    return this.sync.run(job.data.connectionId);
  }
}
