/**
 * Inbox search at scale, against the built hub as `npm start` runs it.
 *
 *   npm run bench:search                     # 1,000,000 tickets (about 4 minutes to seed on 2 cores)
 *   npm run bench:search -- --tickets 100000 # a quicker run
 *   npm run bench:search -- --keep           # leaves the seeded database and prints its URL
 *   npm run bench:search -- --reuse <url>    # times again on that database (same tickets), no seeding
 *
 * Starts the hub (API role) on a throw-away database, seeds one tenant with `bench/seed-tickets.ts` (reason
 * and product templates whose search lexemes come from the hub's own tokenizer, shared with the indicators
 * benchmark), then times `GET /v1/tickets?q=…` one request at a time over HTTP: `q` alone and `q` with a selective filter
 * (`platform=woocommerce`, 5 % of the tickets). Prints p50/p95/max per kind of query and the plan of the
 * slowest one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { searchQuery } from '../src/tickets/search-tokens';
import { HubProcess } from '../scripts/hub-process';
import { json, summary } from './latency';
import { seedTickets } from './seed-tickets';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '20' },
    /** Leave the seeded database in place (its URL is printed) to look at plans afterwards. */
    keep: { type: 'boolean', default: false },
    /** A database kept by `--keep`: the hub boots on it (applying newer migrations) and nothing is seeded. */
    reuse: { type: 'string' },
    database: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const TICKETS = Number(values.tickets);
const ROUNDS = Number(values.rounds);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

/** The queries agents type, by kind; each is run `rounds` times, alone and with the platform filter. */
const QUERIES: Record<string, string[]> = {
  'no q (baseline: the plain inbox page)': [''],
  'one word': ['blender', 'broken', 'parcel', 'zipper'],
  'two words, any order': ['blender broken', 'arrived broken', 'twice charged', 'size exchange'],
  'Chinese run': ['破损', '鞋底开胶', '没收到', '态度'],
  'Chinese runs, any order': ['开胶 鞋底', '扣款 重复', '碎了 包装'],
  'one character': ['胶', '坏', '碎', '鞋'],
  'mixed Chinese and English': ['iphone 手机壳', 'blender 不锈钢'],
  'order id': ['3300012345', '3300777777'],
  'nothing matches': ['冰箱 blender', 'unicorn'],
};

async function main(): Promise<void> {
  const options = {
    baseDatabaseUrl: values.database,
    redisUrl: values.redis,
    adminToken: ADMIN_TOKEN,
    env: { HUB_ROLE: 'api' },
  };
  const hub = values.reuse ? await HubProcess.attach(values.reuse, options) : await HubProcess.start(options);
  try {
    const tenant = values.reuse
      ? await reusedTenant(hub)
      : await json<{ tenant: { id: string }; apiKey: { key: string } }>(`${hub.url}/v1/tenants`, {
          method: 'POST',
          body: JSON.stringify({ name: 'Bench' }),
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        });
    if (!values.reuse) await seedTickets(hub, tenant.tenant.id, TICKETS);
    else await hub.sql('ANALYZE tickets');
    const auth = { authorization: `Bearer ${tenant.apiKey.key}` };
    const time = async (query: Record<string, string>): Promise<[number, number]> => {
      const started = performance.now();
      const page = await json<{ data: unknown[] }>(`${hub.url}/v1/tickets?${new URLSearchParams(query)}`, {
        headers: auth,
      });
      return [performance.now() - started, page.data.length];
    };
    // Warm the caches the way a running inbox has them warm.
    for (const q of Object.values(QUERIES).flat()) await time(q ? { q } : {});
    const results: Record<string, unknown> = {};
    const all: Record<'q' | 'q+platform', number[]> = { q: [], 'q+platform': [] };
    let slowest = { ms: 0, query: {} as Record<string, string> };
    for (const [kind, queries] of Object.entries(QUERIES)) {
      const samples: Record<'q' | 'q+platform', number[]> = { q: [], 'q+platform': [] };
      const found: Record<string, number> = {};
      for (let round = 0; round < ROUNDS; round += 1) {
        for (const q of queries) {
          const search: Record<string, string> = q ? { q } : {};
          for (const [label, query] of [
            ['q', search],
            ['q+platform', { ...search, platform: 'woocommerce' }],
          ] as const) {
            const [ms, rows] = await time(query);
            samples[label].push(ms);
            if (q) all[label].push(ms);
            found[`${label}: ${q}`] = rows;
            if (ms > slowest.ms) slowest = { ms, query };
          }
        }
      }
      results[kind] = { q: summary(samples.q), 'q+platform': summary(samples['q+platform']), found };
    }
    const plan = await hub.sql<{ 'QUERY PLAN': string }>(
      `EXPLAIN ANALYZE SELECT id FROM tickets t WHERE t.tenant_id = $1 AND t.search_vector @@ CAST($2 AS tsquery)
       ${slowest.query.platform ? `AND t.platform = 'woocommerce'` : ''}
       ORDER BY t.created_at DESC, t.id DESC LIMIT 51`,
      [tenant.tenant.id, searchQuery(slowest.query.q ?? '')],
    );
    console.log(
      JSON.stringify(
        {
          tickets: values.reuse
            ? Number((await hub.sql<{ n: string }>('SELECT count(*) AS n FROM tickets'))[0].n)
            : TICKETS,
          concurrency: 1,
          limit: 50,
          overall: { q: summary(all.q), 'q+platform': summary(all['q+platform']) },
          byKind: results,
          slowest: { ...slowest, plan: plan.map((row) => row['QUERY PLAN']) },
        },
        null,
        2,
      ),
    );
  } finally {
    if (values.keep || values.reuse) {
      await hub.stop();
      console.error(`kept ${hub.databaseUrl}`);
    } else {
      await hub.close();
    }
  }
}

/** The one tenant of a kept database, with a fresh admin key stored as the hub stores keys (SHA-256). */
async function reusedTenant(hub: HubProcess): Promise<{ tenant: { id: string }; apiKey: { key: string } }> {
  const [{ id }] = await hub.sql<{ id: string }>('SELECT id FROM tenants ORDER BY created_at LIMIT 1');
  const key = `mah_${randomBytes(32).toString('base64url')}`;
  await hub.sql(
    `INSERT INTO api_keys (tenant_id, role, name, prefix, key_hash) VALUES ($1, 'admin', 'bench', $2, $3)`,
    [id, key.slice(0, 12), createHash('sha256').update(key).digest('hex')],
  );
  return { tenant: { id }, apiKey: { key } };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
