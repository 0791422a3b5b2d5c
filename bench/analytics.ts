/**
 * Indicators and the inbox at scale, against the built hub as `npm start` runs it.
 *
 *   npm run bench:analytics                      # 1,000,000 tickets in one tenant
 *   npm run bench:analytics -- --tickets 100000  # a quicker run
 *
 * Starts the hub (API role) on a throw-away database, seeds one tenant with set-based SQL (`generate_series`,
 * secondary indexes rebuilt once after the load): a year of cases over 7 platforms and 500 SKUs, with SLA
 * clocks, first responses, resolutions, refunds in three currencies, satisfaction, agent touches and reopens,
 * and a working-hours SLA calendar for normal cases so business time is exercised. Then times, one request at
 * a time over HTTP: the overview for the last 7 and 30 days (and grouped by platform), problem SKUs, the inbox
 * list, and search. Prints one JSON document on stdout (progress on stderr).
 */
import { parseArgs } from 'node:util';
import { HubProcess } from '../scripts/hub-process';
import { searchTokens } from '../src/tickets/search-tokens';
import { json, summary } from './latency';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '30' },
    /** Leave the seeded database in place (its URL is printed) to look at plans afterwards. */
    keep: { type: 'boolean', default: false },
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
const DAY_SECONDS = 86_400;

const PLATFORMS = ['taobao', 'jd', 'pinduoduo', 'douyin', 'shopify', 'woocommerce', 'generic'];
const REASONS = [
  '收到的杯子有破损',
  '快递一直没收到',
  '质量太差，用了一次就坏',
  '尺码不合适，想换大一号',
  '客服态度很差',
  '重复扣款了',
  'The blender arrived broken',
  'Package never arrived',
  'Wrong size, need an exchange',
  'Charged twice for one order',
];
const SKUS = 500;

async function seed(hub: HubProcess, tenantId: string): Promise<number> {
  const connections: string[] = [];
  for (const platform of PLATFORMS) {
    // Paused connections with placeholder credentials: never polled, only there for the tickets to point at.
    const [row] = await hub.sql<{ id: string }>(
      `INSERT INTO connections (tenant_id, platform, name, shop_id, credentials_encrypted, status, poll_interval_seconds)
       VALUES ($1, $2, $2, $2, 'unused', 'paused', 300) RETURNING id`,
      [tenantId, platform],
    );
    connections.push(row.id);
  }
  await hub.sql(
    `CREATE TABLE bench_reasons AS
     SELECT i - 1 AS i, reason, ARRAY(SELECT json_array_elements_text(tokens::json)) AS tokens
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(reason, tokens, i)`,
    [REASONS, REASONS.map((reason) => JSON.stringify(searchTokens(reason)))],
  );
  await hub.sql(
    `CREATE TABLE bench_platforms AS SELECT i - 1 AS i, connection_id::uuid, platform
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(connection_id, platform, i)`,
    [connections, PLATFORMS],
  );
  const indexes = await hub.sql<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE tablename = 'tickets' AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'tickets'::regclass)`,
  );
  for (const index of indexes) await hub.sql(`DROP INDEX ${index.name}`);
  const started = Date.now();
  const batch = 250_000;
  // A year of cases, newest last; the SKU is skewed (g² mod 500) so a few SKUs lead, as in a real catalogue.
  // About a third of the last two weeks' cases are still open, and one older case in 300.
  for (let from = 1; from <= TICKETS; from += batch) {
    const to = Math.min(TICKETS, from + batch - 1);
    await hub.sql(
      `INSERT INTO tickets (tenant_id, number, connection_id, platform, external_id, external_order_id, kind, stage,
         status, category, severity, severity_rank, department, reason, items, refunded_amount_minor, refunded_currency,
         sla_policy, sla_started_at, sla_first_responded_at, sla_resolved_at, solved_at, sla_first_response_alert,
         sla_resolution_alert, sla_state, csat_score, external_created_at, external_updated_at, search_text,
         search_vector, created_at, updated_at)
       SELECT $1, g, p.connection_id, p.platform, 'B-' || g, 'O-' || (g::bigint * 7919 % 1000000),
         (ARRAY['refund_only','return_refund','exchange','complaint'])[1 + g % 4],
         (ARRAY['requested','awaiting_return','return_shipped','refunded','closed'])[1 + g % 5],
         st.status,
         (ARRAY['quality','logistics','service','payment','other'])[1 + g % 5],
         sv.severity, sv.rank,
         (ARRAY['customer_care','logistics','quality','finance'])[1 + g % 4],
         r.reason,
         jsonb_build_array(jsonb_build_object('sku', 'SKU-' || (g::bigint * g % ${SKUS}), 'title', 'Product ' || (g::bigint * g % ${SKUS}), 'quantity', 1, 'unitPriceMinor', 12900, 'currency', 'CNY')),
         CASE WHEN g % 3 = 0 THEN 990 + (g % 500) * 100 END,
         CASE WHEN g % 3 = 0 THEN (ARRAY['CNY','CNY','CNY','USD','EUR'])[1 + g % 5] END,
         sv.severity, ts,
         CASE WHEN g % 10 <> 0 THEN ts + make_interval(secs => (g::bigint * 7919) % 14400) END,
         CASE WHEN st.status IN ('solved','closed') THEN ts + make_interval(secs => 3600 + (g::bigint * 104729) % 172800) END,
         CASE WHEN st.status IN ('solved','closed') THEN ts + make_interval(secs => 3600 + (g::bigint * 104729) % 172800) END,
         CASE WHEN g % 50 = 0 THEN 'breached' WHEN g % 17 = 0 THEN 'warning' ELSE 'none' END,
         CASE WHEN g % 70 = 0 THEN 'breached' ELSE 'none' END,
         CASE WHEN g % 50 = 0 OR g % 70 = 0 THEN 'breached' WHEN g % 17 = 0 THEN 'warning' ELSE 'ok' END,
         CASE WHEN g % 4 = 0 THEN (ARRAY[5,5,4,5,3,4,5,2,5,4])[1 + g % 10] END,
         ts, ts, concat_ws(' • ', r.reason, 'O-' || (g::bigint * 7919 % 1000000), 'B-' || g),
         array_to_tsvector(r.tokens || ARRAY['o', (g::bigint * 7919 % 1000000)::text, 'b', g::text]),
         ts, ts
       FROM generate_series($2::int, $3::int) AS g
       JOIN bench_reasons r ON r.i = g % ${REASONS.length}
       JOIN bench_platforms p ON p.i = (g / 3) % ${PLATFORMS.length}
       CROSS JOIN LATERAL (SELECT now() - make_interval(secs => ($4::int - g)::float8 * ${365 * DAY_SECONDS} / $4::int) AS ts) t
       CROSS JOIN LATERAL (SELECT CASE
                                     WHEN ts > now() - interval '14 days' AND g % 7 = 0 THEN 'open'
                                     WHEN ts > now() - interval '14 days' AND g % 11 = 0 THEN 'new'
                                     WHEN ts > now() - interval '14 days' AND g % 13 = 0 THEN 'pending'
                                     WHEN g % 300 = 0 THEN 'open'
                                     WHEN g % 2 = 0 THEN 'closed' ELSE 'solved' END AS status) st
       CROSS JOIN LATERAL (SELECT (ARRAY['low','normal','normal','normal','high','critical'])[1 + g % 6] AS severity,
                                  (ARRAY[0,1,1,1,2,3])[1 + g % 6] AS rank) sv`,
      [tenantId, from, to, TICKETS],
    );
    console.error(
      `seeded ${to.toLocaleString('en-US')} tickets (${Math.round((Date.now() - started) / 1000)} s)`,
    );
  }
  // Agent touches on solved cases (one, sometimes two) and a reopen now and then, for first-contact resolution.
  await hub.sql(
    `INSERT INTO ticket_events (tenant_id, ticket_id, type, actor_type, actor_id, data, created_at)
     SELECT t.tenant_id, t.id, 'action.requested', 'agent', 'bench', '{}'::jsonb, t.sla_first_responded_at
       FROM tickets t CROSS JOIN generate_series(1, 2) AS n
      WHERE t.tenant_id = $1 AND t.status IN ('solved', 'closed') AND t.sla_first_responded_at IS NOT NULL
        AND (n = 1 OR t.number % 5 = 0)
     UNION ALL
     SELECT t.tenant_id, t.id, 'ticket.status_changed', 'agent', 'bench', '{"from":"solved","to":"open"}'::jsonb, t.solved_at
       FROM tickets t WHERE t.tenant_id = $1 AND t.number % 40 = 0 AND t.solved_at IS NOT NULL`,
    [tenantId],
  );
  console.error(`seeded ticket events (${Math.round((Date.now() - started) / 1000)} s)`);
  for (const index of indexes) await hub.sql(index.definition);
  await hub.sql(`DROP TABLE bench_reasons; DROP TABLE bench_platforms`);
  await hub.sql('VACUUM ANALYZE tickets');
  await hub.sql('VACUUM ANALYZE ticket_events');
  const seconds = Math.round((Date.now() - started) / 1000);
  console.error(`seeded and indexed in ${seconds} s`);
  return seconds;
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
    const headers = {
      authorization: `Bearer ${tenant.apiKey.key}`,
      'content-type': 'application/json',
    };
    // Normal cases count working hours only, so the overview's business-time path is what is measured.
    await json(`${hub.url}/v1/sla-policies`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({
        policies: {
          critical: { firstResponseMinutes: 60, resolutionMinutes: 120, businessHours: null },
          high: { firstResponseMinutes: 120, resolutionMinutes: 1440, businessHours: null },
          normal: {
            firstResponseMinutes: 120,
            resolutionMinutes: 1440,
            businessHours: {
              timezone: 'Asia/Shanghai',
              weekdays: [1, 2, 3, 4, 5],
              start: '09:00',
              end: '18:00',
            },
          },
          low: { firstResponseMinutes: 1440, resolutionMinutes: 4320, businessHours: null },
        },
        holidays: ['2026-10-01', '2026-10-02', '2026-10-03'],
      }),
    });
    const seedSeconds = await seed(hub, tenant.tenant.id);
    const now = Date.now();
    const period = (days: number) => ({
      from: new Date(now - days * DAY_SECONDS * 1000).toISOString(),
      to: new Date(now).toISOString(),
    });
    const cases: Record<string, Record<string, string>> = {
      'overview, 7 days': { path: '/v1/analytics/overview', ...period(7) },
      'overview, 7 days, by platform': { path: '/v1/analytics/overview', ...period(7), groupBy: 'platform' },
      'overview, 30 days': { path: '/v1/analytics/overview', ...period(30) },
      'problem SKUs, 7 days': { path: '/v1/analytics/problem-skus', ...period(7) },
      'timeseries, 30 days by day': {
        path: '/v1/analytics/timeseries',
        metric: 'first_response',
        interval: 'day',
        ...period(30),
      },
      'inbox list': { path: '/v1/tickets' },
      'inbox list, open, by SLA due': { path: '/v1/tickets', status: 'new,open', sort: 'slaDue' },
      'search 破损': { path: '/v1/tickets', q: '破损' },
      'search "blender broken"': { path: '/v1/tickets', q: 'blender broken' },
    };
    const time = async ({ path, ...query }: Record<string, string>): Promise<number> => {
      const started = performance.now();
      await json(`${hub.url}${path}?${new URLSearchParams(query)}`, { headers });
      return performance.now() - started;
    };
    for (const query of Object.values(cases)) for (let i = 0; i < 3; i++) await time(query);
    const results: Record<string, ReturnType<typeof summary>> = {};
    for (const [name, query] of Object.entries(cases)) {
      const samples: number[] = [];
      for (let round = 0; round < ROUNDS; round++) samples.push(await time(query));
      results[name] = summary(samples);
      console.error(`${name}: p50 ${results[name].p50} ms, p95 ${results[name].p95} ms`);
    }
    const [{ inPeriod }] = await hub.sql<{ inPeriod: number }>(
      `SELECT count(*)::int AS "inPeriod" FROM tickets WHERE created_at >= now() - interval '7 days'`,
    );
    console.log(
      JSON.stringify(
        {
          tickets: TICKETS,
          ticketsInLast7Days: inPeriod,
          seedSeconds,
          concurrency: 1,
          rounds: ROUNDS,
          results,
        },
        null,
        2,
      ),
    );
  } finally {
    if (values.keep) {
      await hub.stop();
      console.error(`kept ${hub.databaseUrl}`);
    } else {
      await hub.close();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
