/**
 * Push-back throughput per connection against the platform's limit, and outbound webhook delivery lag.
 *
 *   npm run bench:pushback -- --platform taobao --cases 300
 *
 * Starts the hub and the platform's sandbox, pulls the cases in, subscribes a local receiver to every
 * event, then approves the refund of every requested case at once. Reports how many decisions per second
 * reached the platform against its documented limit (and the busiest second), and the lag between an
 * event being recorded and its webhook arriving.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import type { MarketplaceSandbox } from '../adapters/contract';
import { createSandboxes } from '../adapters/sandboxes';
import { eventually, HubProcess } from '../scripts/hub-process';

const { values } = parseArgs({
  options: {
    platform: { type: 'string', default: 'taobao' },
    cases: { type: 'string', default: '300' },
    database: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const DECISION: Record<string, string> = {
  taobao: 'approve_refund',
  pinduoduo: 'approve_refund',
  douyin: 'approve_refund',
  jd: 'refuse_refund',
  shopify: 'approve_return',
  woocommerce: 'approve_refund',
};

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN);
}

async function api<T>(
  hub: HubProcess,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${hub.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function main(): Promise<void> {
  const sandbox = createSandboxes().find((candidate) => candidate.platform === values.platform) as
    MarketplaceSandbox | undefined;
  if (!sandbox) throw new Error(`no sandbox for ${values.platform}`);
  const received: { at: number; type: string; timestamp: string }[] = [];
  const receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const envelope = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        type: string;
        timestamp: string;
      };
      received.push({ at: Date.now(), type: envelope.type, timestamp: envelope.timestamp });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const hub = await HubProcess.start({
    baseDatabaseUrl: values.database,
    redisUrl: values.redis,
    adminToken: ADMIN_TOKEN,
    env: { HUB_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'error' },
    echo: true,
  });
  try {
    await sandbox.start();
    const tenant = await fetch(`${hub.url}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench' }),
    }).then((response) => response.json() as Promise<{ apiKey: { key: string } }>);
    const key = tenant.apiKey.key;
    await api(hub, 'POST', '/v1/webhook-subscriptions', key, {
      url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
      events: ['ticket.created', 'action.succeeded'],
    });
    const connection = await api<{ id: string; sync: { rateBudget: { requestsPerSecond: number } } }>(
      hub,
      'POST',
      '/v1/connections',
      key,
      {
        platform: sandbox.platform,
        name: 'bench',
        shopId: sandbox.shopId,
        credentials: sandbox.credentials,
        apiBaseUrl: sandbox.url,
      },
    );
    const ids = await sandbox.generateCases(Number(values.cases));
    const tickets = await eventually(
      async () => {
        await api(hub, 'POST', `/v1/connections/${connection.body.id}/sync`, key);
        const all: { id: string; externalId: string; stage: string }[] = [];
        let cursor: string | null = null;
        do {
          const page: { body: { data: typeof all; nextCursor: string | null } } = await api(
            hub,
            'GET',
            `/v1/tickets?connectionId=${connection.body.id}&limit=200${cursor ? `&cursor=${cursor}` : ''}`,
            key,
          );
          all.push(...page.body.data);
          cursor = page.body.nextCursor;
        } while (cursor);
        return all.length >= ids.length ? all : undefined;
      },
      300_000,
      'cases in the inbox',
    );
    const type = DECISION[sandbox.platform];
    const candidates = tickets.filter((ticket) => ticket.stage === 'requested');
    const started = Date.now();
    const actionIds: string[] = [];
    for (const ticket of candidates) {
      const body: Record<string, unknown> = { type };
      if (type.startsWith('refuse')) body.reason = '商品已影响二次销售';
      const requested = await api<{ id: string }>(hub, 'POST', `/v1/tickets/${ticket.id}/actions`, key, body);
      if (requested.status === 202) actionIds.push(requested.body.id);
    }
    await eventually(
      async () => {
        const [row] = await hub.sql<{ open: string }>(
          `SELECT count(*) AS open FROM actions WHERE status IN ('pending', 'running')`,
        );
        return Number(row.open) === 0;
      },
      600_000,
      'every action to finish',
    );
    const [{ succeeded, failed, last }] = await hub.sql<{ succeeded: string; failed: string; last: Date }>(
      `SELECT count(*) FILTER (WHERE status = 'succeeded') AS succeeded, count(*) FILTER (WHERE status = 'failed') AS failed,
              max(completed_at) AS last FROM actions`,
    );
    const seconds = (new Date(last).getTime() - started) / 1000;
    const upstream = sandbox.calls().filter((call) => call.at.getTime() >= started);
    const perSecond = new Map<number, number>();
    for (const call of upstream)
      perSecond.set(
        Math.floor(call.at.getTime() / 1000),
        (perSecond.get(Math.floor(call.at.getTime() / 1000)) ?? 0) + 1,
      );
    const throttled = upstream.filter((call) => call.status === 429).length;
    await eventually(
      async () => received.filter((item) => item.type === 'action.succeeded').length >= Number(succeeded),
      120_000,
      'webhooks',
    );
    const lags = received.map((item) => item.at - new Date(item.timestamp).getTime());
    console.log(
      JSON.stringify(
        {
          platform: sandbox.platform,
          decision: type,
          actions: actionIds.length,
          succeeded: Number(succeeded),
          failed: Number(failed),
          decisionsPerSecond: Math.round((Number(succeeded) / seconds) * 100) / 100,
          upstreamRequests: upstream.length,
          busiestSecond: Math.max(...perSecond.values()),
          budgetPerSecond: connection.body.sync.rateBudget.requestsPerSecond,
          http429: throttled,
          webhooks: {
            delivered: received.length,
            lagMs: { p50: percentile(lags, 50), p99: percentile(lags, 99), max: Math.max(...lags) },
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await hub.close();
    await sandbox.stop();
    receiver.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
