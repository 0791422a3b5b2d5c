/**
 * One tenant's tickets at scale, with set-based SQL, for the read benchmarks (`bench/analytics.ts`,
 * `bench/search.ts`): a year of cases, newest last, over the seven platforms with uneven shares, reasons in
 * Chinese and English crossed with product titles (their search lexemes from the hub's own tokenizer), SKUs
 * skewed so a few lead as in a real catalogue, SLA clocks with first responses, resolutions, warnings and
 * breaches, refunds in three currencies, satisfaction scores, agent touches and reopens. Secondary indexes
 * are dropped for the load and rebuilt once after it, then the tables are vacuumed and analysed.
 */
import type { HubProcess } from '../scripts/hub-process';
import { searchTokens } from '../src/tickets/search-tokens';

const DAY_SECONDS = 86_400;

/** Share of tickets per platform, in percent (sums to 100). */
export const PLATFORM_SHARES: [string, number][] = [
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

/** The order id of ticket number `g` (SQL): ten digits, as agents type them. */
const ORDER_ID = `(3300000000 + g::bigint * 7919 % 1000000)::text`;

export interface SeedResult {
  tickets: number;
  seconds: number;
}

/** Seeds `count` tickets (numbers 1…count) into the tenant; progress on stderr. */
export async function seedTickets(hub: HubProcess, tenantId: string, count: number): Promise<SeedResult> {
  const slots: { id: string; platform: string }[] = [];
  for (const [platform, share] of PLATFORM_SHARES) {
    // Paused connections with placeholder credentials: never polled, only there for the tickets to point at.
    const [row] = await hub.sql<{ id: string }>(
      `INSERT INTO connections (tenant_id, platform, name, shop_id, credentials_encrypted, status, poll_interval_seconds)
       VALUES ($1, $2, $2, $2, 'unused', 'paused', 300) RETURNING id`,
      [tenantId, platform],
    );
    // One slot per percent, so `g % 100` picks a platform with its share.
    for (let i = 0; i < share; i += 1) slots.push({ id: row.id, platform });
  }
  const templates = PROBLEMS.flatMap((reason, p) =>
    PRODUCTS.map((title, t) => ({ reason, title, sku: `SKU-${p}-${t}` })),
  );
  await hub.sql(
    `CREATE TABLE bench_templates AS
     SELECT i - 1 AS i, reason, title, sku, ARRAY(SELECT json_array_elements_text(tokens_json::json)) AS tokens
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(reason, title, sku, tokens_json, i)`,
    [
      templates.map((t) => t.reason),
      templates.map((t) => t.title),
      templates.map((t) => t.sku),
      templates.map((t) => JSON.stringify(searchTokens([t.reason, t.sku, t.title].join(' \u2022 ')))),
    ],
  );
  await hub.sql(
    `CREATE TABLE bench_slots AS SELECT slot - 1 AS slot, connection_id::uuid, platform
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS x(connection_id, platform, slot)`,
    [slots.map((slot) => slot.id), slots.map((slot) => slot.platform)],
  );
  const indexes = await hub.sql<{ name: string; definition: string }>(
    `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
     WHERE tablename IN ('tickets', 'ticket_events')
       AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid IN ('tickets'::regclass, 'ticket_events'::regclass))`,
  );
  for (const index of indexes) await hub.sql(`DROP INDEX ${index.name}`);
  const started = Date.now();
  const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
  const batch = 250_000;
  // A fifth of the cases take a template (and so a SKU) from the quadratic residues, so a few SKUs lead.
  // About a third of the last two weeks' cases are still open, and one older case in 300.
  for (let from = 1; from <= count; from += batch) {
    const to = Math.min(count, from + batch - 1);
    await hub.sql(
      `INSERT INTO tickets (tenant_id, number, connection_id, platform, external_id, external_order_id, kind, stage,
         status, category, severity, severity_rank, department, reason, items, refunded_amount_minor, refunded_currency,
         sla_policy, sla_started_at, sla_first_responded_at, sla_resolved_at, solved_at, sla_first_response_alert,
         sla_resolution_alert, sla_state, csat_score, external_created_at, external_updated_at, search_text,
         search_vector, created_at, updated_at)
       SELECT $1, g, s.connection_id, s.platform, g::text, ${ORDER_ID},
         (ARRAY['refund_only','return_refund','exchange','complaint'])[1 + g % 4],
         (ARRAY['requested','awaiting_return','return_shipped','refunded','closed'])[1 + g % 5],
         st.status,
         (ARRAY['quality','logistics','service','payment','other'])[1 + g % 5],
         sv.severity, sv.rank,
         (ARRAY['customer_care','logistics','quality','finance'])[1 + g % 4],
         tpl.reason,
         jsonb_build_array(jsonb_build_object('sku', tpl.sku, 'title', tpl.title, 'quantity', 1, 'unitPriceMinor', 12900, 'currency', 'CNY')),
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
         ts, ts,
         concat_ws(' • ', tpl.reason, ${ORDER_ID}, g::text, tpl.sku, tpl.title),
         array_to_tsvector(tpl.tokens || ARRAY[${ORDER_ID}, g::text]),
         ts, ts
       FROM generate_series($2::int, $3::int) AS g
       JOIN bench_templates tpl
         ON tpl.i = CASE WHEN g % 5 = 0 THEN (g::bigint * g) % $5 ELSE (g::bigint * 31) % $5 END
       JOIN bench_slots s ON s.slot = g % 100
       CROSS JOIN LATERAL (SELECT now() - make_interval(secs => ($4::int - g)::float8 * ${365 * DAY_SECONDS} / $4::int) AS ts) t
       CROSS JOIN LATERAL (SELECT CASE
                                     WHEN ts > now() - interval '14 days' AND g % 7 = 0 THEN 'open'
                                     WHEN ts > now() - interval '14 days' AND g % 11 = 0 THEN 'new'
                                     WHEN ts > now() - interval '14 days' AND g % 13 = 0 THEN 'pending'
                                     WHEN g % 300 = 0 THEN 'open'
                                     WHEN g % 2 = 0 THEN 'closed' ELSE 'solved' END AS status) st
       CROSS JOIN LATERAL (SELECT (ARRAY['low','normal','normal','normal','high','critical'])[1 + g % 6] AS severity,
                                  (ARRAY[0,1,1,1,2,3])[1 + g % 6] AS rank) sv`,
      [tenantId, from, to, count, templates.length],
    );
    console.error(`seeded ${to.toLocaleString('en-US')} tickets (${elapsed()})`);
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
  console.error(`seeded ticket events (${elapsed()})`);
  for (const index of indexes) {
    const at = Date.now();
    await hub.sql(index.definition);
    console.error(`rebuilt ${index.name} (${Math.round((Date.now() - at) / 1000)} s)`);
  }
  await hub.sql(`DROP TABLE bench_templates; DROP TABLE bench_slots`);
  await hub.sql('VACUUM ANALYZE tickets');
  await hub.sql('VACUUM ANALYZE ticket_events');
  const seconds = Math.round((Date.now() - started) / 1000);
  console.error(`seeded and indexed in ${seconds} s`);
  return { tickets: count, seconds };
}
