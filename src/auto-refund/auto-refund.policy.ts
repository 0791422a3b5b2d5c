import type { TicketCategory, TicketKind, TicketStage } from '../../adapters/contract';
import { decimalToMinor } from '../../adapters/shared/money';

/**
 * What applies when a case carries no delivery time (most marketplaces' after-sales APIs say nothing about
 * when the parcel was signed for): `skip` leaves the case to an agent; `no_window` lets the amount, kind,
 * category and buyer rules decide alone.
 */
export const DELIVERY_UNKNOWN_RULES = ['skip', 'no_window'] as const;
export type DeliveryUnknownRule = (typeof DELIVERY_UNKNOWN_RULES)[number];

export interface AutoRefundPolicy {
  enabled: boolean;
  /** Decide and write down what would have happened, but push nothing upstream. */
  dryRun: boolean;
  /** The most refunded automatically, per currency; a currency not listed is never auto-refunded. */
  maxAmounts: { amount: string; currency: string }[];
  kinds: TicketKind[];
  /** Null: no delivery window. Otherwise counted from the case's delivery time, where the platform gives one. */
  withinDaysOfDelivery: number | null;
  whenDeliveryUnknown: DeliveryUnknownRule;
  excludeCategories: TicketCategory[];
  excludeFlaggedBuyers: boolean;
  flaggedBuyerIds: string[];
}

export interface AutoRefundCandidate {
  kind: TicketKind;
  stage: TicketStage;
  category: TicketCategory;
  requestedAmountMinor: number | null;
  requestedCurrency: string | null;
  buyerExternalId: string | null;
  deliveredAt: Date | null;
  externalCreatedAt: Date;
  alreadyDecided: boolean;
}

/** A rule of the policy and the limit it held the case to, as written on the timeline. */
export interface RuleApplied {
  rule: string;
  limit: string | null;
}

export type AutoRefundVerdict =
  | { eligible: true; amountMinor: number; currency: string; rules: RuleApplied[] }
  | { eligible: false; reason: string; rule: RuleApplied };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whether a fast refund applies, and if not, the first rule that says no; pure so every rule is tested on its own. */
export function evaluateAutoRefund(policy: AutoRefundPolicy, ticket: AutoRefundCandidate): AutoRefundVerdict {
  const no = (reason: string, rule: string, limit: string | null = null): AutoRefundVerdict => ({
    eligible: false,
    reason,
    rule: { rule, limit },
  });
  if (!policy.enabled) return no('the policy is off', 'enabled');
  if (ticket.alreadyDecided) return no('the ticket already has a decision', 'one_decision');
  if (ticket.stage !== 'requested')
    return no(`the case is ${ticket.stage}, not requested`, 'stage', 'requested');
  if (!policy.kinds.includes(ticket.kind))
    return no(`${ticket.kind} is not a fast-refund kind`, 'kinds', policy.kinds.join(', '));
  if (policy.excludeCategories.includes(ticket.category))
    return no(
      `${ticket.category} cases are excluded`,
      'exclude_categories',
      policy.excludeCategories.join(', '),
    );
  if (ticket.requestedAmountMinor === null || ticket.requestedCurrency === null) {
    return no('the requested amount is unknown', 'max_amount');
  }
  const limit = policy.maxAmounts.find((entry) => entry.currency === ticket.requestedCurrency);
  if (!limit) return no(`no fast-refund limit for ${ticket.requestedCurrency}`, 'max_amount');
  const amountLimit = `${limit.amount} ${limit.currency}`;
  if (ticket.requestedAmountMinor > decimalToMinor(limit.amount, limit.currency)) {
    return no(`the amount is above the ${amountLimit} limit`, 'max_amount', amountLimit);
  }
  const rules: RuleApplied[] = [{ rule: 'max_amount', limit: amountLimit }];
  if (policy.withinDaysOfDelivery !== null) {
    const window = `${policy.withinDaysOfDelivery} days`;
    if (!ticket.deliveredAt) {
      if (policy.whenDeliveryUnknown === 'skip') {
        return no('the delivery time is unknown', 'when_delivery_unknown', 'skip');
      }
      rules.push({ rule: 'when_delivery_unknown', limit: 'no_window' });
    } else if (
      ticket.externalCreatedAt.getTime() - ticket.deliveredAt.getTime() >
      policy.withinDaysOfDelivery * DAY_MS
    ) {
      return no(
        `requested more than ${policy.withinDaysOfDelivery} days after delivery`,
        'within_days_of_delivery',
        window,
      );
    } else {
      rules.push({ rule: 'within_days_of_delivery', limit: window });
    }
  }
  if (
    policy.excludeFlaggedBuyers &&
    ticket.buyerExternalId &&
    policy.flaggedBuyerIds.includes(ticket.buyerExternalId)
  ) {
    return no('the buyer is flagged', 'exclude_flagged_buyers');
  }
  return {
    eligible: true,
    amountMinor: ticket.requestedAmountMinor,
    currency: ticket.requestedCurrency,
    rules,
  };
}
