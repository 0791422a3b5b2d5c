/**
 * Webhook ingress and event-to-ticket latency, against the built hub as `npm start` runs it.
 *
 *   npm run bench:ingest -- --events 20000 --concurrency 64
 *
 * Starts the hub on a throw-away database, creates a tenant and a generic (Standard Webhooks) connection,
 * fires pre-signed pushes at the given concurrency over keep-alive connections, then reads the hub's own
 * timestamps (inbound_events.received_at → tickets.created_at) for the event-to-ticket latency.
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { generateWebhookSecret, signStandardWebhook } from '../adapters/shared/standard-webhooks';
import { eventually, HubProcess } from '../scripts/hub-process';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    database: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: number[]): { p50: number; p90: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (value: number) => Math.round(value * 10) / 10;
  return {
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
  };
}

async function json<T>(
  url: string,
  method: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<T> {
  const response = await fetch(url, {
    method,
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
  if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function post(agent: Agent, url: URL, body: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function main(): Promise<void> {
  const hub = await HubProcess.start({
    baseDatabaseUrl: values.database,
    redisUrl: values.redis,
    adminToken: ADMIN_TOKEN,
    echo: true,
  });
  try {
    const tenant = await json<{ apiKey: { key: string } }>(
      `${hub.url}/v1/tenants`,
      'POST',
      { name: 'Bench' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    const auth = { authorization: `Bearer ${tenant.apiKey.key}` };
    const secret = generateWebhookSecret();
    const connection = await json<{ webhookUrl: string }>(
      `${hub.url}/v1/connections`,
      'POST',
      { platform: 'generic', name: 'Bench shop', shopId: 'bench', credentials: { webhookSecret: secret } },
      auth,
    );
    const target = new URL(connection.webhookUrl);
    const timestamp = Math.floor(Date.now() / 1000);
    const pushes = Array.from({ length: EVENTS }, (_, index) => {
      const id = `msg_${randomUUID()}`;
      const now = new Date().toISOString();
      const body = JSON.stringify({
        type: 'case.upserted',
        data: {
          externalId: `B-${index}`,
          externalOrderId: `O-${index}`,
          kind: 'return_refund',
          stage: 'requested',
          reason: '收到的杯子有破损',
          requestedAmount: { amount: '129.00', currency: 'CNY' },
          items: [
            {
              sku: `SKU-${index % 500}`,
              title: '陶瓷马克杯',
              quantity: 1,
              unitPrice: { amount: '129.00', currency: 'CNY' },
            },
          ],
          externalCreatedAt: now,
          externalUpdatedAt: now,
        },
      });
      return {
        body,
        headers: {
          'content-type': 'application/json',
          'webhook-id': id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signStandardWebhook(secret, id, timestamp, body),
        },
      };
    });

    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const latencies: number[] = [];
    let failures = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < pushes.length) {
          const push = pushes[next++];
          const sent = performance.now();
          const status = await post(agent, target, push.body, push.headers);
          latencies.push(performance.now() - sent);
          if (status !== 200) failures += 1;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    agent.destroy();

    await eventually(
      async () => {
        const [row] = await hub.sql<{ pending: string }>(
          `SELECT count(*) AS pending FROM inbound_events WHERE status = 'received'`,
        );
        return Number(row.pending) === 0;
      },
      600_000,
      'every event to be processed',
    );
    const rows = await hub.sql<{ ms: number }>(
      `SELECT extract(epoch FROM (t.created_at - e.received_at)) * 1000 AS ms
       FROM inbound_events e JOIN tickets t ON t.id = e.ticket_id`,
    );
    const [tickets] = await hub.sql<{ count: string }>('SELECT count(*) FROM tickets');
    const [drain] = await hub.sql<{ seconds: number }>(
      `SELECT extract(epoch FROM (max(t.created_at) - min(e.received_at))) AS seconds FROM inbound_events e JOIN tickets t ON t.id = e.ticket_id`,
    );
    const result = {
      events: EVENTS,
      concurrency: CONCURRENCY,
      ingress: {
        acknowledgedPerSecond: Math.round(EVENTS / elapsed),
        latencyMs: summary(latencies),
        non200: failures,
      },
      eventToTicket: {
        tickets: Number(tickets.count),
        ticketsPerSecond: Math.round(Number(tickets.count) / Number(drain.seconds)),
        latencyMs: summary(rows.map((row) => Number(row.ms))),
      },
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await hub.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
