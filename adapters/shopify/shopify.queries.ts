/**
 * The GraphQL documents the adapter sends. Operation names double as the sandbox's dispatch key and
 * the recorded `apiMethod`. Costs are upper-bound estimates per Shopify's calculated-cost rules
 * (https://shopify.dev/docs/apps/build/graphql-admin/rate-limits): the client acquires them before a
 * call, then reports the bucket Shopify actually returned, so an estimate only has to be in the right range.
 */

/** 2026-01 is the first version with `@idempotent` on `refundCreate` (changelog, Dec 2025). */
export const SHOPIFY_API_VERSION = '2026-01';

/** Sizes chosen to keep the pull query below the 1,000-point single-query cap. */
export const SHOPIFY_PAGE_SIZES = {
  orders: 10,
  returnsPerOrder: 5,
  lineItemsPerReturn: 10,
  refundsPerReturn: 5,
};

const RETURN_FIELDS = `
fragment ReturnFields on Return {
  id
  name
  status
  createdAt
  requestApprovedAt
  closedAt
  totalQuantity
  decline { reason note }
  order { id name updatedAt customer { id } fulfillments(first: 5) { deliveredAt } }
  returnLineItems(first: ${SHOPIFY_PAGE_SIZES.lineItemsPerReturn}) {
    nodes {
      ... on ReturnLineItem {
        id
        quantity
        processedQuantity
        processableQuantity
        returnReasonDefinition { handle name }
        returnReasonNote
        customerNote
        fulfillmentLineItem {
          lineItem { id sku title discountedUnitPriceSet { shopMoney { amount currencyCode } } }
        }
      }
    }
  }
  exchangeLineItems(first: 1) { nodes { id } }
  refunds(first: ${SHOPIFY_PAGE_SIZES.refundsPerReturn}) {
    nodes { id createdAt totalRefundedSet { shopMoney { amount currencyCode } } }
  }
}`;

export interface ShopifyOperation {
  name: string;
  document: string;
  estimatedCost: number;
}

export const SHOPIFY_OPERATIONS = {
  pullOrders: {
    name: 'PullOrders',
    document: `query PullOrders($first: Int!, $after: String, $query: String!) {
  orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes { id updatedAt returns(first: ${SHOPIFY_PAGE_SIZES.returnsPerOrder}) { nodes { ...ReturnFields } } }
  }
}
${RETURN_FIELDS}`,
    estimatedCost: 900,
  },
  fetchReturn: {
    name: 'FetchReturn',
    document: `query FetchReturn($id: ID!) {
  return(id: $id) { ...ReturnFields }
}
${RETURN_FIELDS}`,
    estimatedCost: 80,
  },
  orderTransactions: {
    name: 'OrderTransactions',
    document: `query OrderTransactions($id: ID!) {
  order(id: $id) {
    id
    transactions(first: 20) { id kind status gateway amountSet { presentmentMoney { amount currencyCode } } }
  }
}`,
    estimatedCost: 10,
  },
  approveReturn: {
    name: 'ApproveReturn',
    document: `mutation ApproveReturn($input: ReturnApproveRequestInput!) {
  returnApproveRequest(input: $input) { return { ...ReturnFields } userErrors { code field message } }
}
${RETURN_FIELDS}`,
    estimatedCost: 90,
  },
  declineReturn: {
    name: 'DeclineReturn',
    document: `mutation DeclineReturn($input: ReturnDeclineRequestInput!) {
  returnDeclineRequest(input: $input) { return { ...ReturnFields } userErrors { code field message } }
}
${RETURN_FIELDS}`,
    estimatedCost: 90,
  },
  closeReturn: {
    name: 'CloseReturn',
    document: `mutation CloseReturn($id: ID!) {
  returnClose(id: $id) { return { ...ReturnFields } userErrors { code field message } }
}
${RETURN_FIELDS}`,
    estimatedCost: 90,
  },
  /**
   * `returnProcess` (2025-07+) confirms returned items and, with `financialTransfer.issueRefund`, refunds them
   * on the Return itself, so the Return lists the refund (refundCreate's refund is booked on the order only).
   * https://shopify.dev/docs/api/admin-graphql/2026-01/mutations/returnProcess
   */
  processReturn: {
    name: 'ProcessReturn',
    document: `mutation ProcessReturn($input: ReturnProcessInput!) {
  returnProcess(input: $input) { return { ...ReturnFields } userErrors { code field message } }
}
${RETURN_FIELDS}`,
    estimatedCost: 90,
  },
  createRefund: {
    name: 'CreateRefund',
    document: `mutation CreateRefund($input: RefundInput!, $idempotencyKey: String!) {
  refundCreate(input: $input) @idempotent(key: $idempotencyKey) {
    refund { id createdAt totalRefundedSet { shopMoney { amount currencyCode } } }
    userErrors { field message }
  }
}`,
    estimatedCost: 10,
  },
} as const satisfies Record<string, ShopifyOperation>;
