import {
  AdapterError,
  AdapterErrorCode,
  type MinorMoney,
  type NormalizedCase,
  type NormalizedItem,
  type TicketCategory,
  type TicketStage,
} from '../contract';
import { moneyFromDecimal } from '../shared/money';
import { legacyIdOf } from './shopify.client';
import type { ShopifyMoney, ShopifyReturn, ShopifyReturnLineItem } from './shopify.types';

/**
 * `ReturnStatus` → stage. https://shopify.dev/docs/api/admin-graphql/latest/enums/returnstatus
 * Webhook bodies carry the same values in lower case ("requested"), so lookups upper-case first.
 * A CLOSED return with refunds is reported as refunded (see `returnStage`).
 */
export const SHOPIFY_RETURN_STATUS_STAGE: Readonly<Record<string, TicketStage>> = {
  REQUESTED: 'requested',
  OPEN: 'awaiting_return',
  CLOSED: 'closed',
  DECLINED: 'refused',
  CANCELED: 'cancelled',
};

/**
 * `ReturnReason` → category. https://shopify.dev/docs/api/admin-graphql/latest/enums/ReturnReason
 * OTHER and UNKNOWN stay unmapped so the hub classifies the buyer's note instead.
 */
export const SHOPIFY_RETURN_REASON_CATEGORY: Readonly<Record<string, TicketCategory>> = {
  DEFECTIVE: 'quality',
  NOT_AS_DESCRIBED: 'quality',
  WRONG_ITEM: 'logistics',
  SIZE_TOO_LARGE: 'other',
  SIZE_TOO_SMALL: 'other',
  COLOR: 'other',
  STYLE: 'other',
  UNWANTED: 'other',
};

/** The labels Shopify shows for each `ReturnReason`, used when the buyer left no note. */
export const SHOPIFY_RETURN_REASON_LABEL: Readonly<Record<string, string>> = {
  COLOR: 'Color',
  DEFECTIVE: 'Damaged or defective',
  NOT_AS_DESCRIBED: 'Item not as described',
  OTHER: 'Other',
  SIZE_TOO_LARGE: 'Size was too large',
  SIZE_TOO_SMALL: 'Size was too small',
  STYLE: 'Style',
  UNKNOWN: 'Unknown',
  UNWANTED: 'Customer changed their mind',
  WRONG_ITEM: 'Received the wrong item',
};

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

function requireDate(value: unknown, field: string): Date {
  const date = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime()))
    throw invalid(`Shopify return ${field} is not a date-time: ${String(value)}`);
  return date;
}

function toMoney(value: ShopifyMoney | null | undefined, field: string): MinorMoney | null {
  if (!value) return null;
  try {
    return moneyFromDecimal(value.amount, value.currencyCode);
  } catch (error) {
    throw invalid(`Shopify ${field}: ${(error as Error).message}`);
  }
}

function sum(amounts: MinorMoney[]): MinorMoney | null {
  if (amounts.length === 0) return null;
  const currency = amounts[0].currency;
  if (amounts.some((amount) => amount.currency !== currency)) throw invalid('Shopify amounts mix currencies');
  return { amountMinor: amounts.reduce((total, amount) => total + amount.amountMinor, 0), currency };
}

export function returnStage(status: string, refundCount: number): TicketStage {
  const stage = SHOPIFY_RETURN_STATUS_STAGE[status.toUpperCase()];
  if (!stage) throw invalid(`unknown Shopify return status ${JSON.stringify(status)}`);
  return stage === 'closed' && refundCount > 0 ? 'refunded' : stage;
}

/**
 * The reason as the `ReturnReason` value the category table knows. 2026-01 deprecates that enum for
 * `returnReasonDefinition`, whose `handle` is the same name in kebab case (`size-too-small`) [U: handles of
 * merchant-defined reasons are free text and stay unmapped, so the hub classifies the note instead].
 */
function reasonCodeOf(line: ShopifyReturnLineItem): string | null {
  const handle = line.returnReasonDefinition?.handle;
  if (handle) return handle.toUpperCase().replace(/-/g, '_');
  return line.returnReason ?? null;
}

/** Every returned item confirmed by `returnProcess`: the goods are back with the merchant. */
function allProcessed(lines: ShopifyReturnLineItem[]): boolean {
  return lines.length > 0 && lines.every((line) => (line.processedQuantity ?? 0) >= line.quantity);
}

function verifiedLines(ret: ShopifyReturn): ShopifyReturnLineItem[] {
  const nodes = Array.isArray(ret.returnLineItems?.nodes) ? ret.returnLineItems.nodes : [];
  return nodes.filter((line): line is ShopifyReturnLineItem => typeof line.id === 'string');
}

/**
 * A Shopify `Return` as one case. Returns have no `updatedAt`, so the newest of the order's
 * `updatedAt`, the return's own milestones, its refunds and the webhook's trigger time stands in.
 */
export function mapShopifyReturn(ret: ShopifyReturn, triggeredAt: Date | null = null): NormalizedCase {
  if (!ret || typeof ret.id !== 'string' || typeof ret.status !== 'string') {
    throw invalid('a Shopify return needs an id and a status');
  }
  const lines = verifiedLines(ret);
  const refunds = Array.isArray(ret.refunds?.nodes) ? ret.refunds.nodes : [];
  const items: NormalizedItem[] = lines.map((line, index) => {
    const lineItem = line.fulfillmentLineItem?.lineItem;
    return {
      sku: lineItem?.sku || null,
      title: lineItem?.title ?? `Return line ${index + 1}`,
      quantity: line.quantity,
      unitPrice: toMoney(lineItem?.discountedUnitPriceSet?.shopMoney, `returnLineItems[${index}] price`),
    };
  });
  const requested = sum(
    items.flatMap((item) =>
      item.unitPrice ? [{ ...item.unitPrice, amountMinor: item.unitPrice.amountMinor * item.quantity }] : [],
    ),
  );
  const refunded = sum(
    refunds.flatMap((refund, index) => {
      const amount = toMoney(refund.totalRefundedSet?.shopMoney, `refunds[${index}] total`);
      return amount ? [amount] : [];
    }),
  );
  const reasonCode = lines.map(reasonCodeOf).find((code) => code !== null) ?? null;
  const reasonName = lines.find((line) => line.returnReasonDefinition?.name)?.returnReasonDefinition?.name;
  const notes = [
    ...new Set(
      lines.flatMap((line) => [line.returnReasonNote, line.customerNote]).filter((note) => !!note?.trim()),
    ),
  ];
  const createdAt = requireDate(ret.createdAt, 'createdAt');
  const milestones = [
    createdAt,
    requireDate(ret.order?.updatedAt, 'order.updatedAt'),
    ...[ret.requestApprovedAt, ret.closedAt, ...refunds.map((refund) => refund.createdAt)]
      .filter((value): value is string => typeof value === 'string')
      .map((value) => requireDate(value, 'milestone')),
    ...(triggeredAt ? [triggeredAt] : []),
  ];
  // https://shopify.dev/docs/api/admin-graphql/latest/objects/Fulfillment#field-deliveredAt
  const deliveries = (ret.order?.fulfillments ?? [])
    .map((fulfillment) => fulfillment?.deliveredAt)
    .filter((value): value is string => typeof value === 'string')
    .map((value) => requireDate(value, 'fulfillments.deliveredAt').getTime());
  return {
    externalId: legacyIdOf(ret.id),
    externalOrderId: ret.order?.id ? legacyIdOf(ret.order.id) : null,
    kind: ret.exchangeLineItems?.nodes?.length ? 'exchange' : 'return_refund',
    stage:
      allProcessed(lines) && ret.status.toUpperCase() === 'OPEN'
        ? 'return_received'
        : returnStage(ret.status, refunds.length),
    reason:
      notes.length > 0
        ? notes.join(' / ')
        : reasonCode
          ? (reasonName ?? SHOPIFY_RETURN_REASON_LABEL[reasonCode] ?? reasonCode)
          : null,
    reasonCode,
    category: reasonCode ? (SHOPIFY_RETURN_REASON_CATEGORY[reasonCode] ?? null) : null,
    requestedAmount: requested,
    refundedAmount: refunded,
    buyer: ret.order?.customer
      ? { externalId: legacyIdOf(ret.order.customer.id), displayName: null, vip: false }
      : null,
    items,
    evidence: [],
    platformDeadlineAt: null,
    deliveredAt: deliveries.length > 0 ? new Date(Math.max(...deliveries)) : null,
    externalCreatedAt: createdAt,
    externalUpdatedAt: new Date(Math.max(...milestones.map((date) => date.getTime()))),
    platformVersion: null,
    raw: ret,
  };
}
