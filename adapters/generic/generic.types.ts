/** What a custom storefront pushes: a canonical case, signed with Standard Webhooks. */
export interface GenericMoney {
  amount: string;
  currency: string;
}

export interface GenericCaseData {
  externalId: string | number;
  externalOrderId?: string | number | null;
  kind: string;
  stage: string;
  reason?: string | null;
  reasonCode?: string | null;
  requestedAmount?: GenericMoney | null;
  refundedAmount?: GenericMoney | null;
  buyer?: { externalId?: string | number | null; displayName?: string | null; vip?: boolean } | null;
  items?: { sku?: string | null; title: string; quantity: number; unitPrice?: GenericMoney | null }[];
  evidence?: string[];
  platformDeadlineAt?: string | null;
  deliveredAt?: string | null;
  externalCreatedAt: string;
  externalUpdatedAt: string;
}

export interface GenericPushBody {
  type: 'case.upserted';
  data: GenericCaseData;
}

export const GENERIC_EVENT_TYPES = ['case.upserted'] as const;
