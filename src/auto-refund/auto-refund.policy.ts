import type { TicketCategory, TicketKind, TicketStage } from '../../adapters/contract';
import { decimalToMinor } from '../../adapters/shared/money';

export interface AutoRefundPolicy {
  enabled: boolean;
  /** Decide and write down what would have happened, but push nothing upstream. */
  dryRun: boolean;
  /** The most refunded automatically, per currency; a currency not listed is never auto-refunded. */
  maxAmounts: { amount: string; currency: string }[];
  kinds: TicketKind[];
  /** Null: no delivery window. Otherwise a case whose delivery time is unknown is not eligible. */
  withinDaysOfDelivery: number | null;
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

export type AutoRefundVerdict =
  { eligible: true; amountMinor: number; currency: string } | { eligible: false; reason: string };

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whether a fast refund applies, and if not, the first reason why; pure so every rule is tested on its own. */
export function evaluateAutoRefund(policy: AutoRefundPolicy, ticket: AutoRefundCandidate): AutoRefundVerdict {
  if (!policy.enabled) return { eligible: false, reason: 'the policy is off' };
  if (ticket.alreadyDecided) return { eligible: false, reason: 'the ticket already has a decision' };
  if (ticket.stage !== 'requested')
    return { eligible: false, reason: `the case is ${ticket.stage}, not requested` };
  if (!policy.kinds.includes(ticket.kind))
    return { eligible: false, reason: `${ticket.kind} is not a fast-refund kind` };
  if (policy.excludeCategories.includes(ticket.category))
    return { eligible: false, reason: `${ticket.category} cases are excluded` };
  if (ticket.requestedAmountMinor === null || ticket.requestedCurrency === null) {
    return { eligible: false, reason: 'the requested amount is unknown' };
  }
  const limit = policy.maxAmounts.find((entry) => entry.currency === ticket.requestedCurrency);
  if (!limit) return { eligible: false, reason: `no fast-refund limit for ${ticket.requestedCurrency}` };
  if (ticket.requestedAmountMinor > decimalToMinor(limit.amount, limit.currency)) {
    return { eligible: false, reason: `the amount is above the ${limit.amount} ${limit.currency} limit` };
  }
  if (policy.withinDaysOfDelivery !== null) {
    if (!ticket.deliveredAt) return { eligible: false, reason: 'the delivery time is unknown' };
    if (
      ticket.externalCreatedAt.getTime() - ticket.deliveredAt.getTime() >
      policy.withinDaysOfDelivery * DAY_MS
    ) {
      return {
        eligible: false,
        reason: `requested more than ${policy.withinDaysOfDelivery} days after delivery`,
      };
    }
  }
  if (
    policy.excludeFlaggedBuyers &&
    ticket.buyerExternalId &&
    policy.flaggedBuyerIds.includes(ticket.buyerExternalId)
  ) {
    return { eligible: false, reason: 'the buyer is flagged' };
  }
  return { eligible: true, amountMinor: ticket.requestedAmountMinor, currency: ticket.requestedCurrency };
}
