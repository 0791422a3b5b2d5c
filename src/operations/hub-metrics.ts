import { Counter, Histogram } from 'prom-client';

/**
 * The hub's own Prometheus series, in one place so every name is found here; modules record through the
 * functions below. Labels are bounded sets (platforms, queue names, error codes, route patterns).
 */

export const httpRequestDuration = new Histogram({
  name: 'hub_http_request_duration_seconds',
  help: 'HTTP request latency by method, route pattern and status class',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

export const queueJobOutcomes = new Counter({
  name: 'hub_queue_jobs_total',
  help: 'jobs finished by this process, per queue and outcome (completed, failed, stalled)',
  labelNames: ['queue', 'outcome'] as const,
});

const inboundEvents = new Counter({
  name: 'hub_inbound_events_total',
  help: 'marketplace events per platform: stored, duplicate (acknowledged, nothing new), failed (kept for a retry)',
  labelNames: ['platform', 'outcome'] as const,
});

const ingestBatchSize = new Histogram({
  name: 'hub_ingest_batch_size',
  help: 'stored events claimed per batch by the ingest workers of this process',
  buckets: [1, 5, 20, 50, 100, 200, 500],
});

const ingestEvents = new Counter({
  name: 'hub_ingest_events_total',
  help: 'claimed events by outcome: processed, ignored, failed, or retrying (a passing failure, tried again later)',
  labelNames: ['outcome'] as const,
});

const pushback = new Counter({
  name: 'hub_pushback_calls_total',
  help: 'decisions sent upstream per platform, action and outcome code (OK or the adapter error code)',
  labelNames: ['platform', 'action', 'code'] as const,
});

const rateLimitWaits = new Histogram({
  name: 'hub_rate_limit_wait_seconds',
  help: "time calls waited for their connection's rate budget, per platform",
  labelNames: ['platform'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
});

const slaAlerts = new Counter({
  name: 'hub_sla_alerts_total',
  help: 'SLA warnings and breaches raised, per target (first_response, resolution)',
  labelNames: ['target', 'kind'] as const,
});

const webhookDeliveries = new Counter({
  name: 'hub_webhook_deliveries_total',
  help: 'outbound webhook delivery attempts by outcome (succeeded, retrying, failed)',
  labelNames: ['outcome'] as const,
});

const webhookLag = new Histogram({
  name: 'hub_webhook_delivery_lag_seconds',
  help: 'from the domain event being written to its successful delivery',
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
});

/** One claimed batch: its size and how each of its events ended. */
export function recordIngestBatch(statuses: string[]): void {
  ingestBatchSize.observe(statuses.length);
  const counts = new Map<string, number>();
  for (const status of statuses) {
    const outcome = status === 'received' ? 'retrying' : status;
    counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  }
  for (const [outcome, count] of counts) ingestEvents.inc({ outcome }, count);
}

export function recordInboundEvents(platform: string, stored: number, duplicates: number): void {
  if (stored > 0) inboundEvents.inc({ platform, outcome: 'stored' }, stored);
  if (duplicates > 0) inboundEvents.inc({ platform, outcome: 'duplicate' }, duplicates);
}

export function recordInboundEventFailed(platform: string, count = 1): void {
  inboundEvents.inc({ platform, outcome: 'failed' }, count);
}

export function recordPushback(platform: string, action: string, code: string): void {
  pushback.inc({ platform, action, code });
}

export function recordRateLimitWait(platform: string, waitMs: number): void {
  if (waitMs > 0) rateLimitWaits.observe({ platform }, waitMs / 1000);
}

export function recordSlaAlert(target: string, kind: 'warning' | 'breach'): void {
  slaAlerts.inc({ target, kind });
}

export function recordWebhookDelivery(outcome: string, eventCreatedAt?: Date): void {
  webhookDeliveries.inc({ outcome });
  if (outcome === 'succeeded' && eventCreatedAt)
    webhookLag.observe(Math.max(0, Date.now() - eventCreatedAt.getTime()) / 1000);
}
