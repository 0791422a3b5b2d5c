/**
 * Inbox search at scale, against the built hub as `npm start` runs it.
 *
 *   npm run bench:search                     # 1,000,000 tickets (about 4 minutes to seed on 2 cores)
 *   npm run bench:search -- --tickets 100000 # a quicker run
 *
 * Starts the hub (API role) on a throw-away database, seeds one tenant's tickets with set-based SQL
 * (`generate_series` over reason templates whose search lexemes come from the hub's own tokenizer), then
 * times `GET /v1/tickets?q=…` one request at a time over HTTP: `q` alone and `q` with a selective filter
 * (`platform=woocommerce`, 5 % of the tickets). Prints p50/p95/max per kind of query and the plan of the
 * slowest one.
 */
import { parseArgs } from 'node:util';
import { searchQuery, searchTokens } from '../src/tickets/search-tokens';
import { HubProcess } from '../scripts/hub-process';
import { json, summary } from './latency';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '20' },
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

/** Share of tickets per platform, in percent (sums to 100). */
const PLATFORM_SHARES: [string, number][] = [
  ['taobao', 40],
  ['jd', 20],
  ['pinduoduo', 15],
  ['douyin', 10],
  ['shopify', 7],
  ['woocommerce', 5],
  ['generic', 3],
];

const PROBLEMS = [
  '收到的杯子有破损',
  '鞋底开胶，穿了两天就坏了',
  '快递一直没收到',
  '物流太慢了',
  '尺码不合适，想换大一号',
  '颜色和图片不一样',
  '质量太差，用了一次就坏',
  '少发了一件',
  '客服态度很差',
  '重复扣款了',
  '包装破了，里面的东西也碎了',
  '不想要了，七天无理由退货',
  '胶水漏了一地',
  '屏幕有划痕',
  '电池鼓包',
  '账号被盗刷',
  'The blender arrived broken',
  'Wrong size, need an exchange',
  'Package never arrived',
  'Charged twice for one order',
  'The zipper broke after a week',
  'Colour does not match the photos',
  'Item missing from the parcel',
  'Screen cracked on arrival',
];
const PRODUCTS = [
  '陶瓷马克杯 330ml 白色',
  '纯棉T恤 L 黑色',
  '运动鞋 42码',
  '无线蓝牙耳机',
  '不锈钢保温杯',
  '手机壳 iPhone 15',
  'Stainless steel blender 1.5L',
  'Leather wallet brown',
  'Running shoes size 10',
  '儿童积木玩具',
  '羽绒服 M 藏青',
  '电动牙刷',
];

interface Template {
  reason: string;
  title: string;
  sku: string;
}

function templates(): Template[] {
  const out: Template[] = [];
  PROBLEMS.forEach((problem, p) =>
    PRODUCTS.forEach((title, t) => out.push({ reason: problem, title, sku: `SKU-${p}-${t}` })),
  );
  return out;
}

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

async function seed(hub: HubProcess, tenantId: string): Promise<void> {
  const connections: { id: string; platform: string; share: number }[] = [];
  for (const [platform, share] of PLATFORM_SHARES) {
    // Paused connections with placeholder credentials: never polled, only there for the tickets to point at.
    const [row] = await hub.sql<{ id: string }>(
      `INSERT INTO connections (tenant_id, platform, name, shop_id, credentials_encrypted, status, poll_interval_seconds)
       VALUES ($1, $2, $2, $2, 'unused', 'paused', 300) RETURNING id`,
      [tenantId, platform],
    );
    connections.push({ id: row.id, platform, share });
  }
  // One slot per percent, so `g % 100` picks a platform with its share.
  const slots = connections.flatMap(
    (connection) => Array(connection.share).fill(connection) as typeof connections,
  );
  const all = templates();
  const tokenRows = all.map((template) =>
    searchTokens([template.reason, template.sku, template.title].join(' \u2022 ')),
  );
  await hub.sql(
    `CREATE TABLE bench_templates AS
     SELECT i - 1 AS i, reason, title, sku, tokens FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY
       AS x(reason, title, sku, tokens_json, i), LATERAL (SELECT ARRAY(SELECT json_array_elements_text(tokens_json::json)) AS tokens) t`,
    [
      all.map((t) => t.reason),
      all.map((t) => t.title),
      all.map((t) => t.sku),
      tokenRows.map((t) => JSON.stringify(t)),
    ],
  );
  await hub.sql(
    `CREATE TABLE bench_slots AS SELECT slot - 1 AS slot, connection_id::uuid, platform
     FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(connection_id, platform, slot)`,
    [slots.map((slot) => slot.id), slots.map((slot) => slot.platform)],
  );
  // Secondary indexes are rebuilt once after the load instead of maintained row by row.
  const indexes = await hub.sql<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE tablename = 'tickets' AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'tickets'::regclass)`,
  );
  for (const index of indexes) await hub.sql(`DROP INDEX ${index.name}`);
  const batch = 250_000;
  const started = Date.now();
  for (let from = 1; from <= TICKETS; from += batch) {
    const to = Math.min(TICKETS, from + batch - 1);
    await hub.sql(
      `INSERT INTO tickets (tenant_id, number, connection_id, platform, external_id, external_order_id, kind, stage,
         status, category, severity, severity_rank, department, reason, items, external_created_at, external_updated_at,
         search_text, search_vector, created_at, updated_at)
       SELECT $1, g, s.connection_id, s.platform, g::text, (3300000000 + g::bigint * 7919 % 1000000)::text,
         (ARRAY['refund_only','return_refund','exchange','complaint'])[1 + g % 4],
         (ARRAY['requested','awaiting_return','return_shipped','refunded','closed'])[1 + g % 5],
         (ARRAY['new','open','pending','solved','closed'])[1 + (g / 7) % 5],
         (ARRAY['quality','logistics','service','payment','other'])[1 + g % 5],
         (ARRAY['low','normal','high','critical'])[1 + (g % 13) % 4], (g % 13) % 4,
         (ARRAY['customer_care','logistics','quality','finance'])[1 + g % 4],
         tpl.reason, jsonb_build_array(jsonb_build_object('sku', tpl.sku, 'title', tpl.title, 'quantity', 1, 'unitPriceMinor', 12900, 'currency', 'CNY')),
         ts, ts,
         concat_ws(' • ', tpl.reason, (3300000000 + g::bigint * 7919 % 1000000)::text, g::text, tpl.sku, tpl.title),
         array_to_tsvector(tpl.tokens || ARRAY[(3300000000 + g::bigint * 7919 % 1000000)::text, g::text]),
         ts, ts
       FROM generate_series($2::int, $3::int) AS g
       JOIN bench_templates tpl ON tpl.i = (g * 31) % $4
       JOIN bench_slots s ON s.slot = g % 100
       CROSS JOIN LATERAL (SELECT now() - make_interval(secs => ($3::int - g) * 3) AS ts) AS t`,
      [tenantId, from, to, all.length],
    );
    console.error(`seeded ${to} tickets (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  for (const index of indexes) {
    const at = Date.now();
    await hub.sql(index.definition);
    console.error(`rebuilt ${index.name} (${Math.round((Date.now() - at) / 1000)} s)`);
  }
  await hub.sql(`DROP TABLE bench_templates; DROP TABLE bench_slots`);
  await hub.sql('VACUUM ANALYZE tickets');
  console.error(`seeded in ${Math.round((Date.now() - started) / 1000)} s`);
}

async function main(): Promise<void> {
  const hub = await HubProcess.start({
    baseDatabaseUrl: values.database,
    redisUrl: values.redis,
    adminToken: ADMIN_TOKEN,
    env: { HUB_ROLE: 'api' },
  });
  try {
    const tenant = await json<{ tenant: { id: string }; apiKey: { key: string } }>(`${hub.url}/v1/tenants`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Bench' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    await seed(hub, tenant.tenant.id);
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
          tickets: TICKETS,
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
    await hub.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
