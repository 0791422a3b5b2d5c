import { DEFAULT_ROUTING } from '../../config/routing.defaults';
import { CaseRouter, resolveAssignee, type CaseFacts } from './case-router';
import type { RoutingRule, RoutingSettings } from './routing-rule.types';

const facts = (overrides: Partial<CaseFacts> = {}): CaseFacts => ({
  platform: 'taobao',
  connectionId: 'c-1',
  kind: 'refund_only',
  stage: 'requested',
  reason: null,
  platformCategory: null,
  amount: { amountMinor: 12_900, currency: 'CNY' },
  vip: false,
  skus: ['CUP-330-WHT'],
  incident: false,
  ...overrides,
});

const withRules = (rules: RoutingRule[]): CaseRouter =>
  new CaseRouter({ rules, thresholds: DEFAULT_ROUTING.thresholds } satisfies RoutingSettings);

describe('CaseRouter with the default rules', () => {
  const router = new CaseRouter(DEFAULT_ROUTING);
  const route = (overrides: Partial<CaseFacts>) => router.decide(facts(overrides));

  it.each([
    ['收到的杯子有破损', 'quality', 'quality'],
    ['快递一直没收到', 'logistics', 'logistics'],
    ['charged twice', 'payment', 'finance'],
    ['账号被盗', 'account', 'tech'],
    ['客服态度很差', 'service', 'complaints'],
  ])('sends "%s" (%s) to %s', (reason, category, department) => {
    const decision = route({ reason });
    expect(decision.category).toBe(category);
    expect(decision.categorySource).toBe('keywords');
    expect(decision.department).toBe(department);
  });

  it("trusts the adapter's reason-code category over the text", () => {
    const decision = route({ reason: '快递一直没收到', platformCategory: 'quality' });
    expect(decision).toMatchObject({
      category: 'quality',
      categorySource: 'platform',
      department: 'quality',
    });
  });

  it('sends complaints and every critical case to the complaints desk, whatever the category', () => {
    expect(route({ kind: 'complaint', reason: '尺码不合适' }).department).toBe('complaints');
    const critical = route({ reason: '杯子破损，不处理就打12315' });
    expect(critical).toMatchObject({ category: 'quality', severity: 'critical', department: 'complaints' });
    expect(critical.matched).toEqual([{ index: 0, name: 'critical cases', set: ['department'] }]);
  });

  it('sends uncategorised returns and exchanges to customer care, and anything else there too', () => {
    const exchange = route({ kind: 'exchange', reason: '尺码不合适' });
    expect(exchange).toMatchObject({
      category: 'other',
      categorySource: 'none',
      department: 'customer_care',
    });
    expect(exchange.matched.map((rule) => rule.name)).toEqual(['returns and exchanges']);
    const other = route({ kind: 'reissue', reason: null });
    expect(other).toMatchObject({ department: 'customer_care', matched: [] });
  });
});

describe('rule matching', () => {
  it('requires every condition of a rule, and any value of each list', () => {
    const router = withRules([
      {
        name: 'tmall quality refunds',
        when: { platform: ['taobao', 'jd'], kind: ['refund_only'], category: ['quality'] },
        then: { department: 'warehouse' },
      },
    ]);
    expect(router.decide(facts({ reason: '破损' })).department).toBe('warehouse');
    expect(router.decide(facts({ reason: '破损', platform: 'shopify' })).department).toBe('customer_care');
    expect(router.decide(facts({ reason: '破损', kind: 'exchange' })).department).toBe('customer_care');
  });

  it('matches an amount range only in its own currency, bounds included', () => {
    const router = withRules([
      {
        name: 'mid',
        when: { amount: { currency: 'CNY', min: '100.00', max: '200' } },
        then: { tags: ['mid'] },
      },
    ]);
    const tags = (amountMinor: number, currency = 'CNY') =>
      router.decide(facts({ amount: { amountMinor, currency } })).tags;
    expect(tags(10_000)).toEqual(['mid']);
    expect(tags(20_000)).toEqual(['mid']);
    expect(tags(9_999)).toEqual([]);
    expect(tags(20_001)).toEqual([]);
    expect(tags(15_000, 'USD')).toEqual([]);
    expect(router.decide(facts({ amount: null })).tags).toEqual([]);
  });

  it('matches keywords case-insensitively, VIP, SKUs exactly or by prefix, and connections', () => {
    const router = withRules([
      { name: 'kw', when: { keywords: ['Refund NOW'] }, then: { tags: ['angry'] } },
      { name: 'vip', when: { vip: true }, then: { tags: ['vip'] } },
      { name: 'not vip', when: { vip: false }, then: { tags: ['regular'] } },
      { name: 'cups', when: { sku: ['CUP-*'] }, then: { tags: ['cups'] } },
      { name: 'one sku', when: { sku: ['PLATE-1'] }, then: { tags: ['plate'] } },
      { name: 'shop', when: { connectionId: ['c-2'] }, then: { tags: ['shop-2'] } },
    ]);
    expect(router.decide(facts({ reason: 'please refund now!', vip: true })).tags).toEqual([
      'angry',
      'vip',
      'cups',
    ]);
    expect(router.decide(facts({ skus: ['PLATE-1', 'PLATE-10'], connectionId: 'c-2' })).tags).toEqual([
      'regular',
      'plate',
      'shop-2',
    ]);
    expect(router.decide(facts({ skus: ['PLATE-10'] })).tags).toEqual(['regular']);
  });

  it('gives each field to the first matching rule that sets it, collects tags, and records who set what', () => {
    const router = withRules([
      { name: 'vip tag', when: { vip: true }, then: { tags: ['vip'] } },
      { name: 'vip quality', when: { vip: true, category: ['quality'] }, then: { severity: 'critical' } },
      {
        name: 'critical',
        when: { severity: ['critical'] },
        then: { department: 'complaints', tags: ['hot'] },
      },
      { name: 'quality', when: { category: ['quality'] }, then: { department: 'quality', severity: 'low' } },
    ]);
    const decision = router.decide(facts({ reason: 'broken', vip: true }));
    expect(decision).toMatchObject({ severity: 'critical', department: 'complaints', tags: ['vip', 'hot'] });
    expect(decision.severityReasons).toEqual(['vip', 'rule']);
    expect(decision.matched).toEqual([
      { index: 0, name: 'vip tag', set: ['tags'] },
      { index: 1, name: 'vip quality', set: ['severity'] },
      { index: 2, name: 'critical', set: ['department', 'tags'] },
    ]);
  });

  it('lets a rule with no conditions catch everything', () => {
    const router = withRules([{ name: 'all', when: {}, then: { assignee: 'agent-1' } }]);
    expect(router.decide(facts()).assignee).toBe('agent-1');
  });
});

describe('resolveAssignee', () => {
  it('takes a fixed agent as is and deals round-robin agents by ticket number', () => {
    expect(resolveAssignee(null, 1)).toBeNull();
    expect(resolveAssignee('agent-9', 5)).toBe('agent-9');
    const spec = { roundRobin: ['a', 'b', 'c'] };
    expect([1, 2, 3, 4, 5].map((number) => resolveAssignee(spec, number))).toEqual(['a', 'b', 'c', 'a', 'b']);
  });
});
