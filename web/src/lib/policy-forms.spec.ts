import {
  autoRefundBody,
  autoRefundDraft,
  emptyRule,
  moveRule,
  problemsByField,
  routingBody,
  routingDraft,
  routingFields,
  ruleDraft,
  ruleJson,
  splitList,
  problemText,
  unplacedProblems,
  type RoutingSettingsJson,
} from './policy-forms';

const settings: RoutingSettingsJson = {
  rules: [
    {
      name: 'VIP quality',
      when: {
        category: ['quality'],
        vip: true,
        amount: { currency: 'CNY', min: '100.00' },
        keywords: ['12315', '律师'],
      },
      then: { department: 'complaints', severity: 'high', assignee: { roundRobin: ['a-1', 'a-2'] } },
    },
    { name: 'everything else', when: {}, then: { tags: ['rest'], assignee: 'a-3' } },
  ],
  thresholds: {
    criticalAmounts: [{ amount: '5000.00', currency: 'CNY' }],
    incident: { tickets: 5, windowMinutes: 60 },
  },
};

describe('routing rules form', () => {
  it('gives back the same JSON it was loaded from', () => {
    const body = routingBody(routingDraft(settings));
    expect(body).toEqual(settings);
  });

  it('leaves out conditions that say nothing, and sends numbers it cannot read as typed', () => {
    const rule = {
      ...emptyRule(),
      name: ' 物流 ',
      category: ['logistics'],
      department: 'logistics',
      vip: 'false' as const,
    };
    expect(ruleJson(rule)).toEqual({
      name: '物流',
      when: { category: ['logistics'], vip: false },
      then: { department: 'logistics' },
    });
    const draft = { ...routingDraft(settings), incidentTickets: 'five' };
    expect((routingBody(draft).thresholds as { incident: unknown }).incident).toEqual({
      tickets: 'five',
      windowMinutes: 60,
    });
  });

  it('reads an assignee as one agent or a round-robin', () => {
    expect(ruleDraft(settings.rules[0])).toMatchObject({ assigneeMode: 'roundRobin', assignee: 'a-1, a-2' });
    expect(ruleDraft(settings.rules[1])).toMatchObject({ assigneeMode: 'agent', assignee: 'a-3' });
  });

  it('moves a rule up or down and ignores moves off the ends', () => {
    expect(moveRule(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveRule(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveRule(['a', 'b'], 0, -1)).toEqual(['a', 'b']);
  });

  it('places server problems on the fields it shows, and lists the others', () => {
    const problems = problemsByField([
      {
        field: 'rules.1.then',
        problems: ['must set at least one of department, severity, tags or assignee'],
      },
      { field: 'rules.0.when.amount.min', problems: ['must be a decimal string'] },
      { field: 'somethingNew', problems: ['is wrong'] },
    ]);
    expect(problems.get('rules.0.when.amount.min')).toEqual(['must be a decimal string']);
    expect(unplacedProblems(problems, routingFields(routingDraft(settings)))).toEqual([
      'somethingNew: is wrong',
    ]);
    expect(problemsByField('nope').size).toBe(0);
  });

  it('splits lists on Chinese and Latin commas and new lines', () => {
    expect(splitList('a, b，c、d\n\n e ')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

describe('auto-refund form', () => {
  const policy = {
    enabled: true,
    dryRun: true,
    maxAmounts: [{ amount: '50.00', currency: 'CNY' }],
    kinds: ['refund_only'],
    withinDaysOfDelivery: 7,
    whenDeliveryUnknown: 'no_window',
    excludeCategories: ['quality'],
    excludeFlaggedBuyers: true,
    flaggedBuyerIds: ['b-1', 'b-2'],
  };

  it('gives back the same JSON it was loaded from', () => {
    expect(autoRefundBody(autoRefundDraft(policy))).toEqual(policy);
  });

  it('turns the window off as null and upper-cases currencies', () => {
    const draft = {
      ...autoRefundDraft(policy),
      windowOn: false,
      maxAmounts: [{ amount: ' 9.5 ', currency: 'usd' }],
    };
    expect(autoRefundBody(draft)).toMatchObject({
      withinDaysOfDelivery: null,
      maxAmounts: [{ amount: '9.5', currency: 'USD' }],
    });
    expect(
      autoRefundBody({ ...draft, windowOn: true, withinDaysOfDelivery: '3.5' }).withinDaysOfDelivery,
    ).toBe('3.5');
  });
});

describe('problems beside their field', () => {
  it('drops the field name and says known problems in Chinese', () => {
    expect(
      problemText('withinDaysOfDelivery', 'withinDaysOfDelivery must not be greater than 365', 'zh'),
    ).toBe('不能大于 365');
    expect(problemText('rules.0.name', 'name should not be empty', 'en')).toBe('should not be empty');
    expect(problemText('maxAmounts.0.amount', 'amount must be a decimal string such as "50.00"', 'zh')).toBe(
      '须为金额，如 50.00',
    );
    expect(
      problemText('rules.1.then', 'must set at least one of department, severity, tags or assignee', 'zh'),
    ).toBe('至少设置部门、严重度、标签或处理人中的一项');
    expect(problemText('x', 'something new', 'zh')).toBe('something new');
  });
});
