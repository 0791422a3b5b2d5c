/**
 * Classification, routing and SLA computation per new ticket, in process and without the database: the
 * work the ingest path adds to each case on top of its SQL.
 *
 *   npm run bench:routing -- --cases 100000
 *
 * Generates cases (Chinese and English reasons, threats, VIPs, amounts, SKUs), then times, per case, what
 * `RoutingService` computes before writing: the routing decision, the assignee, the SLA clock and the SQL
 * values of the clock. Two tenants: the defaults, and a busy one with 40 rules and business hours.
 */
import { parseArgs } from 'node:util';
import type { Platform, TicketKind, TicketStage } from '../adapters/contract';
import { DEFAULT_ROUTING } from '../config/routing.defaults';
import { DEFAULT_SLA_POLICIES } from '../config/sla.defaults';
import { CaseRouter, resolveAssignee, type CaseFacts } from '../src/routing/case-router';
import type { RoutingRule, RoutingSettings } from '../src/routing/routing-rule.types';
import { SlaPolicyBook } from '../src/sla/sla-clock';
import type { BusinessHours, SlaPolicySet } from '../src/sla/sla-policy.types';
import { clockValues, freshClock, planClock } from '../src/sla/ticket-clock';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
  },
});
const CASES = Number(values.cases);
const ROUNDS = Number(values.rounds);

const REASONS = [
  '收到的杯子有破损',
  '质量太差，用了两天就坏了',
  '快递一直没收到，物流三天没更新',
  '同一笔订单扣款两次',
  '账号被盗了，不是我下的单',
  '客服态度很差，一直不回复',
  '尺码不合适，想换大一码',
  '不想要了',
  '再不退款我就打12315投诉',
  '我已经联系了律师和媒体',
  'The blender arrived broken',
  'Package not received and tracking has not moved in a week',
  'I was charged twice for this order',
  'The agent was rude and unhelpful',
  'Changed my mind, please refund',
  'If this is not fixed I will file a chargeback',
  null,
];
const KINDS: TicketKind[] = ['refund_only', 'return_refund', 'exchange', 'complaint', 'inquiry', 'repair'];
const STAGES: TicketStage[] = ['requested', 'requested', 'awaiting_return', 'arbitration'];
const PLATFORMS: Platform[] = ['taobao', 'jd', 'pinduoduo', 'douyin', 'shopify', 'woocommerce'];

/** A small deterministic generator, so every run routes the same cases. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function generate(count: number): { facts: CaseFacts; deadline: Date | null }[] {
  const next = random(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  return Array.from({ length: count }, () => ({
    facts: {
      platform: pick(PLATFORMS),
      connectionId: `c-${Math.floor(next() * 8)}`,
      kind: pick(KINDS),
      stage: pick(STAGES),
      reason: pick(REASONS),
      platformCategory: next() < 0.3 ? 'quality' : null,
      amount: { amountMinor: Math.floor(next() * 800_000), currency: next() < 0.8 ? 'CNY' : 'USD' },
      vip: next() < 0.1,
      skus: [`SKU-${Math.floor(next() * 5_000)}`],
      incident: false,
    },
    deadline: next() < 0.5 ? new Date(Date.now() + next() * 72 * 3_600_000) : null,
  }));
}

function busyTenant(): { routing: RoutingSettings; policies: SlaPolicySet } {
  const extra: RoutingRule[] = Array.from({ length: 32 }, (_, index) => ({
    name: `rule ${index}`,
    when:
      index % 4 === 0
        ? { keywords: [`关键词${index}`, `keyword-${index}`] }
        : index % 4 === 1
          ? { sku: [`SKU-${index}*`], platform: ['taobao', 'jd'] }
          : index % 4 === 2
            ? { amount: { currency: 'CNY', min: String(index * 100), max: String(index * 200) }, vip: true }
            : { connectionId: [`c-${index % 8}`], kind: ['exchange'] },
    then: index % 2 === 0 ? { tags: [`t${index}`] } : { assignee: { roundRobin: ['a', 'b', 'c'] } },
  }));
  const hours: BusinessHours = {
    timezone: 'Asia/Shanghai',
    weekdays: [1, 2, 3, 4, 5],
    start: '09:00',
    end: '18:00',
  };
  const policies = DEFAULT_SLA_POLICIES.policies;
  return {
    routing: { ...DEFAULT_ROUTING, rules: [...extra, ...DEFAULT_ROUTING.rules] },
    policies: {
      ...DEFAULT_SLA_POLICIES,
      holidays: ['2026-01-01', '2026-02-16', '2026-02-17', '2026-02-18', '2026-05-01', '2026-10-01'],
      policies: {
        critical: policies.critical,
        high: { ...policies.high, businessHours: hours },
        normal: { ...policies.normal, businessHours: hours },
        low: { ...policies.low, businessHours: hours },
      },
    },
  };
}

function run(
  cases: { facts: CaseFacts; deadline: Date | null }[],
  router: CaseRouter,
  book: SlaPolicyBook,
): number {
  let number = 0;
  const started = performance.now();
  for (const { facts, deadline } of cases) {
    const decision = router.decide(facts);
    resolveAssignee(decision.assignee, ++number);
    clockValues(planClock(freshClock(facts.stage, deadline), book, decision.severity, 1, Date.now()));
  }
  return Math.round(cases.length / ((performance.now() - started) / 1000));
}

function main(): void {
  const cases = generate(CASES);
  const busy = busyTenant();
  const tenants = [
    {
      name: 'defaults (8 rules, around the clock)',
      router: new CaseRouter(DEFAULT_ROUTING),
      book: new SlaPolicyBook(DEFAULT_SLA_POLICIES),
    },
    {
      name: 'busy tenant (40 rules, business hours, holidays)',
      router: new CaseRouter(busy.routing),
      book: new SlaPolicyBook(busy.policies),
    },
  ];
  console.log(`classification + routing + SLA computation, ${CASES} generated cases, best of ${ROUNDS}`);
  for (const tenant of tenants) {
    run(cases.slice(0, Math.min(CASES, 5_000)), tenant.router, tenant.book);
    let best = 0;
    for (let round = 0; round < ROUNDS; round++)
      best = Math.max(best, run(cases, tenant.router, tenant.book));
    console.log(`  ${tenant.name}: ${best.toLocaleString('en-US')} tickets/s`);
  }
}

main();
