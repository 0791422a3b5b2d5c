import type { JobOptions } from 'bull';

export enum QueueName {
  Ingest = 'ingest',
  Sync = 'sync',
}

export enum JobName {
  ProcessInboundEvent = 'process-inbound-event',
  SyncConnection = 'sync-connection',
}

/** Set once for every job: bounded retries with backoff, finished jobs removed, failures kept for a look. */
export const DEFAULT_JOB_OPTIONS: JobOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: 1_000,
};
