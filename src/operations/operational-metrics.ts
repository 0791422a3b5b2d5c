import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { Gauge, register } from 'prom-client';
import { QueueName } from '../queue/queue.constants';
import { httpRequestDuration, queueJobOutcomes } from './hub-metrics';

/** Times every request by its route pattern (`/v1/tickets/:id`), so ids do not explode the label set. */
export function httpMetrics(request: Request, response: Response, next: NextFunction): void {
  const started = process.hrtime.bigint();
  response.once('finish', () => {
    const pattern = (request.route as { path?: string } | undefined)?.path;
    const route = pattern ? `${request.baseUrl}${pattern}` : request.baseUrl || 'unmatched';
    httpRequestDuration.observe(
      { method: request.method, route, status: `${Math.floor(response.statusCode / 100)}xx` },
      Number(process.hrtime.bigint() - started) / 1e9,
    );
  });
  next();
}

/**
 * Queue depth per queue and state, read from Redis when Prometheus scrapes, and the outcome of every job
 * this process finishes.
 */
export function registerQueueMetrics(app: INestApplication): void {
  const queues = Object.values(QueueName).map((name) => app.get<Queue>(getQueueToken(name)));
  for (const queue of queues) {
    queue.on('completed', () => queueJobOutcomes.inc({ queue: queue.name, outcome: 'completed' }));
    queue.on('failed', () => queueJobOutcomes.inc({ queue: queue.name, outcome: 'failed' }));
    queue.on('stalled', () => queueJobOutcomes.inc({ queue: queue.name, outcome: 'stalled' }));
  }
  register.removeSingleMetric('hub_queue_jobs');
  new Gauge({
    name: 'hub_queue_jobs',
    help: 'jobs in each queue by state (waiting, active, delayed, failed), read at scrape time',
    labelNames: ['queue', 'state'] as const,
    async collect() {
      this.reset();
      await Promise.all(
        queues.map(async (queue) => {
          const counts = await queue.getJobCounts().catch(() => null);
          if (!counts) return;
          for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) {
            this.set({ queue: queue.name, state }, counts[state]);
          }
        }),
      );
    },
  });
}
