import type { TicketCategory, TicketKind, TicketStage } from './ticket-vocabulary.type';

/** Money inside the hub: an integer number of minor units (fen, cents) and an ISO 4217 currency. */
export interface MinorMoney {
  amountMinor: number;
  currency: string;
}

export interface NormalizedBuyer {
  externalId: string | null;
  /** Kept exactly as the platform masks it (e.g. "t**1"). */
  displayName: string | null;
  vip: boolean;
}

export interface NormalizedItem {
  sku: string | null;
  title: string;
  quantity: number;
  unitPrice: MinorMoney | null;
}

/** One after-sales case as every adapter hands it to the hub. External ids are always strings. */
export interface NormalizedCase {
  externalId: string;
  externalOrderId: string | null;
  kind: TicketKind;
  stage: TicketStage;
  reason: string | null;
  reasonCode: string | null;
  /** Set when the platform's reason code maps to a category; otherwise the hub classifies the text. */
  category: TicketCategory | null;
  requestedAmount: MinorMoney | null;
  refundedAmount: MinorMoney | null;
  buyer: NormalizedBuyer | null;
  items: NormalizedItem[];
  evidence: string[];
  platformDeadlineAt: Date | null;
  /** When the goods reached the buyer, where the platform says (auto-refund windows count from it). */
  deliveredAt?: Date | null;
  externalCreatedAt: Date;
  externalUpdatedAt: Date;
  /**
   * The platform's own version of the case when it has one (TOP refund_version, JD sysVersion,
   * Douyin update_time), as a decimal string; used for optimistic locks on push-back.
   */
  platformVersion: string | null;
  /** The case as the platform sent it, lossless (big ids kept as strings). */
  raw: unknown;
}
