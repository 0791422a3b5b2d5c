import { evaluateAutoRefund, type AutoRefundCandidate, type AutoRefundPolicy } from './auto-refund.policy';

const policy: AutoRefundPolicy = {
  enabled: true,
  dryRun: false,
  maxAmounts: [{ amount: '50.00', currency: 'CNY' }],
  kinds: ['refund_only'],
  withinDaysOfDelivery: 7,
  whenDeliveryUnknown: 'skip',
  excludeCategories: ['quality'],
  excludeFlaggedBuyers: true,
  flaggedBuyerIds: ['bad-1'],
};

const delivered = new Date('2026-11-20T00:00:00Z');
const ticket: AutoRefundCandidate = {
  kind: 'refund_only',
  stage: 'requested',
  category: 'logistics',
  requestedAmountMinor: 3990,
  requestedCurrency: 'CNY',
  buyerExternalId: 'b-1',
  deliveredAt: delivered,
  externalCreatedAt: new Date('2026-11-23T00:00:00Z'),
  alreadyDecided: false,
};

describe('evaluateAutoRefund', () => {
  it('approves a small refund-only case within the window', () => {
    expect(evaluateAutoRefund(policy, ticket)).toEqual({
      eligible: true,
      amountMinor: 3990,
      currency: 'CNY',
      rules: [
        { rule: 'max_amount', limit: '50.00 CNY' },
        { rule: 'within_days_of_delivery', limit: '7 days' },
      ],
    });
  });

  it.each([
    [{ enabled: false }, {}, 'the policy is off'],
    [{}, { alreadyDecided: true }, 'already has a decision'],
    [{}, { stage: 'refunded' as const }, 'not requested'],
    [{}, { kind: 'return_refund' as const }, 'not a fast-refund kind'],
    [{}, { category: 'quality' as const }, 'quality cases are excluded'],
    [{}, { requestedAmountMinor: 5001 }, 'above the 50.00 CNY limit'],
    [{}, { requestedCurrency: 'USD' }, 'no fast-refund limit for USD'],
    [{}, { deliveredAt: null }, 'delivery time is unknown'],
    [{}, { externalCreatedAt: new Date('2026-11-28T00:00:01Z') }, 'more than 7 days after delivery'],
    [{}, { buyerExternalId: 'bad-1' }, 'buyer is flagged'],
  ])('refuses with %o / %o: %s', (policyChange, ticketChange, reason) => {
    const verdict = evaluateAutoRefund({ ...policy, ...policyChange }, { ...ticket, ...ticketChange });
    expect(verdict).toMatchObject({ eligible: false, reason: expect.stringContaining(reason) });
  });

  it('names the rule and the limit that refused', () => {
    expect(evaluateAutoRefund(policy, { ...ticket, requestedAmountMinor: 9000 })).toMatchObject({
      rule: { rule: 'max_amount', limit: '50.00 CNY' },
    });
    expect(evaluateAutoRefund(policy, { ...ticket, deliveredAt: null })).toMatchObject({
      rule: { rule: 'when_delivery_unknown', limit: 'skip' },
    });
  });

  it('without a delivery time, applies what the policy says instead of the window', () => {
    expect(
      evaluateAutoRefund({ ...policy, whenDeliveryUnknown: 'no_window' }, { ...ticket, deliveredAt: null }),
    ).toMatchObject({
      eligible: true,
      rules: [
        { rule: 'max_amount', limit: '50.00 CNY' },
        { rule: 'when_delivery_unknown', limit: 'no_window' },
      ],
    });
  });

  it('takes the amount limit inclusively and lets flagged buyers through when told to', () => {
    expect(evaluateAutoRefund(policy, { ...ticket, requestedAmountMinor: 5000 }).eligible).toBe(true);
    expect(
      evaluateAutoRefund({ ...policy, excludeFlaggedBuyers: false }, { ...ticket, buyerExternalId: 'bad-1' })
        .eligible,
    ).toBe(true);
    expect(
      evaluateAutoRefund({ ...policy, withinDaysOfDelivery: null }, { ...ticket, deliveredAt: null })
        .eligible,
    ).toBe(true);
  });
});
