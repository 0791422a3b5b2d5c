/** Raw Shopify Admin GraphQL and webhook shapes, as selected by `shopify.queries.ts`. */

export interface ShopifyMoney {
  amount: string;
  currencyCode: string;
}

export interface ShopifyMoneyBag {
  shopMoney: ShopifyMoney;
}

export interface ShopifyReturnLineItem {
  id: string;
  quantity: number;
  processedQuantity?: number;
  processableQuantity?: number;
  /** Replaces the `ReturnReason` enum, deprecated in 2026-01. */
  returnReasonDefinition?: { handle: string; name: string } | null;
  /** Only in payloads of older API versions and webhooks; not selected any more. */
  returnReason?: string | null;
  returnReasonNote: string | null;
  customerNote: string | null;
  fulfillmentLineItem: {
    lineItem: {
      id: string;
      sku: string | null;
      title: string;
      discountedUnitPriceSet: ShopifyMoneyBag | null;
    };
  } | null;
}

export interface ShopifyReturnRefund {
  id: string;
  createdAt: string;
  totalRefundedSet: ShopifyMoneyBag;
}

export interface ShopifyReturn {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  requestApprovedAt: string | null;
  closedAt: string | null;
  totalQuantity: number;
  decline: { reason: string; note: string | null } | null;
  order: {
    id: string;
    name: string;
    updatedAt: string;
    customer: { id: string } | null;
    /** `Fulfillment.deliveredAt`: when the carrier reported the parcel delivered, if it did. */
    fulfillments?: { deliveredAt: string | null }[];
  };
  /** Unverified return line items come back as empty objects through the `... on ReturnLineItem` fragment. */
  returnLineItems: { nodes: Partial<ShopifyReturnLineItem>[] };
  exchangeLineItems: { nodes: { id: string }[] };
  refunds: { nodes: ShopifyReturnRefund[] };
}

export interface ShopifyPageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface ShopifyOrdersPage {
  orders: {
    pageInfo: ShopifyPageInfo;
    nodes: { id: string; updatedAt: string; returns: { nodes: ShopifyReturn[] } }[];
  };
}

export interface ShopifyReturnQuery {
  return: ShopifyReturn | null;
}

export interface ShopifyOrderTransaction {
  id: string;
  kind: string;
  status: string;
  gateway: string;
  amountSet: { presentmentMoney: ShopifyMoney };
}

export interface ShopifyOrderTransactionsQuery {
  order: { id: string; transactions: ShopifyOrderTransaction[] } | null;
}

export interface ShopifyUserError {
  field: string[] | null;
  message: string;
  code?: string | null;
}

export interface ShopifyReturnMutationPayload {
  return: ShopifyReturn | null;
  userErrors: ShopifyUserError[];
}

export interface ShopifyRefundCreatePayload {
  refund: { id: string; createdAt: string; totalRefundedSet: ShopifyMoneyBag } | null;
  userErrors: ShopifyUserError[];
}

export interface ShopifyThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface ShopifyCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ShopifyThrottleStatus;
}

export interface ShopifyGraphqlError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
  path?: (string | number)[];
}

export interface ShopifyGraphqlResponse<T> {
  data?: T | null;
  errors?: ShopifyGraphqlError[];
  extensions?: { cost?: ShopifyCost };
}

/** What `verifyWebhook` stores per delivery: the topic and trigger time beside the untouched body. */
export interface ShopifyWebhookEnvelope {
  topic: string;
  triggeredAt: string | null;
  body: unknown;
}

/** The fields of `returns/*` and `refunds/create` bodies the adapter reads (REST ids, may exceed 2^53). */
export interface ShopifyReturnWebhookBody {
  id?: string | number;
  admin_graphql_api_id?: string;
  status?: string;
}

export interface ShopifyRefundWebhookBody {
  id?: string | number;
  order_id?: string | number;
  return?: { id?: string | number; admin_graphql_api_id?: string } | null;
}
