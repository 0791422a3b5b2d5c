/**
 * Webhook ingress, drain rate and event-to-ticket latency of the batched pipeline, against the built hub:
 * one `HUB_ROLE=api` process and 1 or 2 `HUB_ROLE=worker` processes on one throw-away database.
 *
 *   npm run bench:ingest                                   # short: 5,000-event bursts, 500/s for 10 s
 *   npm run bench:ingest -- --events 20000 --seconds 60    # the full sizes
 *
 * Cases: a backlog (`--backlog` events over 500 SKUs, stored before the workers start: their drain rate
 * alone), a burst over 500 SKUs (1 and 2 workers), a burst on a single SKU (1 worker), and a sustained
 * rate (`--rate`, default 500/s) for `--seconds`. Pre-signed generic pushes go out at `--concurrency`
 * over keep-alive connections. Event → ticket is read from the hub's own timestamps: `received_at` (the
 * push was stored and acknowledged) to `processed_at` (stamped just before the batch commits its tickets).
 * The bare-route and bare-insert baselines with the same generator and concurrency come from
 * `bench/baseline.ts`, run first (`--baseline-seconds`, 0 to skip).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';
import { generateWebhookSecret, signStandardWebhook } from '../adapters/shared/standard-webhooks';
import { eventually, HubProcess } from '../scripts/hub-process';
import { tailSummary as summary } from './latency';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '5000' },
    concurrency: { type: 'string', default: '64' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '10' },
    workers: { type: 'string', default: '1,2' },
    backlog: { type: 'string', default: '5000' },
    'baseline-seconds': { type: 'string', default: '5' },
    database: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const EVENTS = Number(values.events);
const CONCURRENCY = Number(values.concurrency);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const WORKERS = values.workers.split(',').map(Number);
const BACKLOG = Number(values.backlog);
const BASELINE_SECONDS = Number(values['baseline-seconds']);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

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

interface Push {
  body: string;
  headers: Record<string, string>;
}

/** Signed generic pushes of new cases, spread over `skus` SKUs. */
function pushes(secret: string, count: number, skus: number, prefix: string): Push[] {
  const timestamp = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, index) => {
    const id = `msg_${randomUUID()}`;
    const now = new Date().toISOString();
    const body = JSON.stringify({
      type: 'case.upserted',
      data: {
        externalId: `${prefix}-${index}`,
        externalOrderId: `O-${index}`,
        kind: 'return_refund',
        stage: 'requested',
        reason: '收到的杯子有破损',
        requestedAmount: { amount: '129.00', currency: 'CNY' },
        items: [
          {
            sku: `SKU-${index % skus}`,
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
}

/** Sends every push at `concurrency`, or paced at `rate` per second when given. */
async function send(
  target: URL,
  list: Push[],
  rate: number | null,
): Promise<{ perSecond: number; latencyMs: ReturnType<typeof summary>; non200: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < list.length) {
        const index = next++;
        if (rate !== null) {
          const due = started + (index / rate) * 1000;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        const sent = performance.now();
        const status = await post(agent, target, list[index].body, list[index].headers);
        latencies.push(performance.now() - sent);
        if (status !== 200) failures += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { perSecond: Math.round(list.length / elapsed), latencyMs: summary(latencies), non200: failures };
}

/** Waits for the given events to be processed; the drain rate and event → ticket latency from the hub. */
async function drained(hub: HubProcess, prefix: string): Promise<Record<string, unknown>> {
  await eventually(
    async () => {
      const [row] = await hub.sql<{ pending: string }>(
        `SELECT count(*) AS pending FROM inbound_events WHERE status = 'received'`,
      );
      return Number(row.pending) === 0;
    },
    900_000,
    'every event to be processed',
  );
  const rows = await hub.sql<{ ms: number }>(
    `SELECT extract(epoch FROM (processed_at - received_at)) * 1000 AS ms FROM inbound_events
     WHERE external_id LIKE $1 AND status = 'processed'`,
    [`${prefix}-%`],
  );
  const [span] = await hub.sql<{ seconds: number; tickets: string; failed: string }>(
    `SELECT extract(epoch FROM (max(processed_at) - min(received_at))) AS seconds,
       count(*) FILTER (WHERE status = 'processed') AS tickets, count(*) FILTER (WHERE status = 'failed') AS failed
     FROM inbound_events WHERE external_id LIKE $1`,
    [`${prefix}-%`],
  );
  return {
    tickets: Number(span.tickets),
    failed: Number(span.failed),
    drainPerSecond: Math.round(Number(span.tickets) / Number(span.seconds)),
    eventToTicketMs: summary(rows.map((row) => Number(row.ms))),
  };
}

/** Drain of a backlog stored before the workers started: from its first ticket to its last. */
async function backlogDrained(hub: HubProcess, prefix: string): Promise<Record<string, unknown>> {
  await drained(hub, prefix);
  const [span] = await hub.sql<{ seconds: number; tickets: string }>(
    `SELECT extract(epoch FROM (max(processed_at) - min(processed_at))) AS seconds,
       count(*) FILTER (WHERE status = 'processed') AS tickets
     FROM inbound_events WHERE external_id LIKE $1`,
    [`${prefix}-%`],
  );
  return {
    tickets: Number(span.tickets),
    drainPerSecond: Math.round(Number(span.tickets) / Number(span.seconds)),
  };
}

function baselines(): unknown {
  if (BASELINE_SECONDS <= 0) return null;
  const run = spawnSync(
    process.execPath,
    [
      join(__dirname, 'baseline.js'),
      '--seconds',
      String(BASELINE_SECONDS),
      '--concurrency',
      String(CONCURRENCY),
    ],
    { encoding: 'utf8', env: process.env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const text = run.stdout.trim();
  try {
    return JSON.parse(text.slice(text.indexOf('{')));
  } catch {
    return { error: `baseline run failed (${run.status ?? 'signal'})` };
  }
}

async function scenario(workers: number): Promise<Record<string, unknown>> {
  const api = await HubProcess.start({
    baseDatabaseUrl: values.database,
    redisUrl: values.redis,
    adminToken: ADMIN_TOKEN,
    env: { HUB_ROLE: 'api', LOG_LEVEL: 'warn' },
  });
  const started: HubProcess[] = [];
  try {
    const tenant = await json<{ apiKey: { key: string } }>(
      `${api.url}/v1/tenants`,
      'POST',
      { name: 'Bench' },
      { authorization: `Bearer ${ADMIN_TOKEN}` },
    );
    const auth = { authorization: `Bearer ${tenant.apiKey.key}` };
    const secret = generateWebhookSecret();
    const connection = await json<{ webhookUrl: string }>(
      `${api.url}/v1/connections`,
      'POST',
      { platform: 'generic', name: 'Bench shop', shopId: 'bench', credentials: { webhookSecret: secret } },
      auth,
    );
    const target = new URL(connection.webhookUrl);
    const result: Record<string, unknown> = { workers };
    // A stored backlog first, with no worker running: the drain rate of the workers alone, not bounded by
    // the rate at which the pushes come in.
    if (BACKLOG > 0) await send(target, pushes(secret, BACKLOG, 500, 'K'), null);
    for (let index = 0; index < workers; index += 1) started.push(await api.sibling({ HUB_ROLE: 'worker' }));
    if (BACKLOG > 0) result.backlog = { events: BACKLOG, skus: 500, ...(await backlogDrained(api, 'K')) };
    const burst = await send(target, pushes(secret, EVENTS, 500, 'B'), null);
    result.burst = { events: EVENTS, skus: 500, ingress: burst, ...(await drained(api, 'B')) };
    if (workers === 1) {
      const single = await send(target, pushes(secret, EVENTS, 1, 'S'), null);
      result.singleSkuBurst = { events: EVENTS, skus: 1, ingress: single, ...(await drained(api, 'S')) };
    }
    const sustained = await send(target, pushes(secret, RATE * SECONDS, 500, 'R'), RATE);
    result.sustained = { rate: RATE, seconds: SECONDS, ingress: sustained, ...(await drained(api, 'R')) };
    return result;
  } finally {
    for (const worker of started) await worker.stop();
    await api.close();
  }
}

async function main(): Promise<void> {
  const result: Record<string, unknown> = { concurrency: CONCURRENCY, baselines: baselines() };
  for (const workers of WORKERS) result[`workers${workers}`] = await scenario(workers);
  console.log(JSON.stringify(result, null, 2));
}
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
