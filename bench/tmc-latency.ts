/**
 * Taobao TMC, consumed continuously per app key: how soon a case created upstream is a ticket.
 *
 *   npm run bench:tmc -- --rounds 30 --burst 400
 *
 * Starts the hub and the Taobao sandbox with two shops (sellers) on one app, each its own connection that
 * is not pulled again during the run (poll interval a day), so every case arrives through TMC. Rounds: one
 * case at a time, after a pause of 0–3 s (so the consumer is caught in every state of its idle back-off),
 * timed from its creation in the sandbox to the ticket listed by the API. Burst: as many cases at once over
 * both shops, timed until the last is listed.
 */
import { parseArgs } from 'node:util';
import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { eventually, HubProcess } from '../scripts/hub-process';
import { json, tailSummary } from './latency';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '30' },
    burst: { type: 'string', default: '400' },
    database: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const SECOND_SHOP = '第二家小店';

async function main(): Promise<void> {
  const sandbox = new TaobaoSandbox();
  await sandbox.start();
  const hub = await HubProcess.start({
    baseDatabaseUrl: values.database,
    redisUrl: values.redis,
    adminToken: ADMIN_TOKEN,
    env: { HUB_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'error', HUB_SCHEDULER_INTERVAL_MS: '1000' },
    echo: true,
  });
  try {
    const tenant = await json<{ apiKey: { key: string } }>(`${hub.url}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench' }),
    });
    const headers = { authorization: `Bearer ${tenant.apiKey.key}`, 'content-type': 'application/json' };
    const second = sandbox.addShop(SECOND_SHOP);
    const connections = new Map<string, string>();
    for (const [shopId, credentials] of [
      [sandbox.shopId, sandbox.credentials],
      [second.shopId, second.credentials],
    ] as const) {
      const created = await json<{ id: string }>(`${hub.url}/v1/connections`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          platform: 'taobao',
          name: shopId,
          shopId,
          credentials,
          apiBaseUrl: sandbox.url,
          pollIntervalSeconds: 86_400,
        }),
      });
      connections.set(shopId, created.id);
    }
    const listed = async (shopId: string): Promise<Set<string>> => {
      const ids = new Set<string>();
      let cursor: string | null = null;
      do {
        const query = `connectionId=${connections.get(shopId)}&limit=200${cursor ? `&cursor=${cursor}` : ''}`;
        const page: { data: { externalId: string }[]; nextCursor: string | null } = await json(
          `${hub.url}/v1/tickets?${query}`,
          { headers },
        );
        for (const ticket of page.data) ids.add(ticket.externalId);
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    };
    await eventually(async () => sandbox.pendingMessageIds().length === 0, 60_000, 'the queue drained');

    const latencies: number[] = [];
    for (let round = 0; round < Number(values.rounds); round += 1) {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 3_000));
      const shopId = round % 2 === 0 ? sandbox.shopId : SECOND_SHOP;
      const started = Date.now();
      const [id] = sandbox.generateCasesFor(shopId, 1);
      await eventually(async () => (await listed(shopId)).has(id), 60_000, `case ${id}`);
      latencies.push(Date.now() - started);
    }

    const burst = Number(values.burst);
    const started = Date.now();
    const expected = new Map<string, string[]>([
      [sandbox.shopId, sandbox.generateCasesFor(sandbox.shopId, Math.ceil(burst / 2))],
      [SECOND_SHOP, sandbox.generateCasesFor(SECOND_SHOP, Math.floor(burst / 2))],
    ]);
    await eventually(
      async () => {
        for (const [shopId, ids] of expected) {
          const seen = await listed(shopId);
          if (!ids.every((id) => seen.has(id))) return false;
        }
        return true;
      },
      600_000,
      'the burst in the inbox',
    );
    const burstMs = Date.now() - started;
    const tmcCalls = sandbox.calls().filter((call) => call.apiMethod === 'taobao.tmc.messages.consume');
    const result = {
      rounds: { n: latencies.length, ...tailSummary(latencies) },
      burst: {
        cases: burst,
        seconds: burstMs / 1000,
        ticketsPerSecond: Math.round(burst / (burstMs / 1000)),
      },
      consumeCalls: tmcCalls.length,
    };
    process.stdout.write(
      [
        '',
        `TMC case → ticket, one at a time (${latencies.length} rounds, 2 shops on one app key):`,
        `  p50 ${result.rounds.p50} ms, p90 ${result.rounds.p90} ms, max ${result.rounds.max} ms`,
        `burst of ${burst} over 2 shops: all in the inbox after ${result.burst.seconds} s (${result.burst.ticketsPerSecond} tickets/s)`,
        `taobao.tmc.messages.consume calls during the run: ${result.consumeCalls}`,
        JSON.stringify(result),
        '',
      ].join('\n'),
    );
  } finally {
    await hub.close();
    await sandbox.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
