import type { JobOptions } from 'bull';

export enum QueueName {
  Sync = 'sync',
  Actions = 'actions',
  Webhooks = 'webhooks',
  Sla = 'sla',
  Indicators = 'indicators',
}

export enum JobName {
  SyncConnection = 'sync-connection',
  PerformAction = 'perform-action',
  DeliverWebhook = 'deliver-webhook',
  CheckSla = 'check-sla',
  CheckIndicators = 'check-indicators',
}

/** Set once for every job: bounded retries with backoff, finished jobs removed, failures kept for a look. */
export const DEFAULT_JOB_OPTIONS: JobOptions = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: 1_000,
};

/** Waits what the platform asked for (`retryAfterMs` on a RATE_LIMITED error), else doubles from 2 s up to 5 min. */
export function adapterBackoff(attemptsMade: number, error: Error): number {
  const asked = (error as Error & { retryAfterMs?: number }).retryAfterMs;
  if (typeof asked === 'number' && asked >= 0) return Math.min(asked + 250, 15 * 60_000);
  return Math.min(2_000 * 2 ** Math.max(0, attemptsMade - 1), 5 * 60_000);
}
