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
  // Taobao, JD, Pinduoduo and Douyin after-sales records carry no sign-for time; without this every case on
  // them would be skipped. The amount limit and the refund-only kind carry the risk instead.
  whenDeliveryUnknown: 'no_window',
  excludeCategories: ['quality', 'payment', 'account'],
  excludeFlaggedBuyers: true,
  flaggedBuyerIds: [],
};
