import type { AutoRefundPolicy } from '../src/auto-refund/auto-refund.policy';

/** Off until a merchant turns it on; when on, it starts in dry run so its decisions can be read first. */
export const DEFAULT_AUTO_REFUND_POLICY: AutoRefundPolicy = {
  enabled: false,
  dryRun: true,
  maxAmounts: [
    { amount: '50.00', currency: 'CNY' },
    { amount: '10.00', currency: 'USD' },
    { amount: '10.00', currency: 'EUR' },
  ],
  kinds: ['refund_only'],
  withinDaysOfDelivery: 7,
  excludeCategories: ['quality', 'payment', 'account'],
  excludeFlaggedBuyers: true,
  flaggedBuyerIds: [],
};
