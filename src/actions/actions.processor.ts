import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, QueueName } from '../queue/queue.constants';
import { ActionsService, type PerformActionJob } from './actions.service';

@Processor(QueueName.Actions)
export class ActionsProcessor {
  constructor(private readonly actions: ActionsService) {}

  /** Idempotent through the action ledger: a finished action is skipped, a possibly-sent one is checked upstream first. */
  @Process({ name: JobName.PerformAction, concurrency: 8 })
  async process(job: Job<PerformActionJob>): Promise<void> {
    const finalAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await this.actions.perform(job.data.actionId, finalAttempt);
  }
}
