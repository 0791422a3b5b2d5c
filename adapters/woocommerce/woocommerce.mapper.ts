import {
  AdapterError,
  AdapterErrorCode,
  type MinorMoney,
  type NormalizedCase,
  type TicketStage,
} from '../contract';
import { idString } from '../shared/lossless-json';
import { money, moneyFromDecimal, decimalToMinor } from '../shared/money';
import type { WooOrder } from './woocommerce.types';

/**
 * Core order `status` → stage, for orders that already carry refunds.
 * https://woocommerce.com/document/managing-orders/order-statuses/
 * WooCommerce has no request step: an order becomes a case when money goes back. A partly refunded
 * order keeps its fulfilment status, so those statuses all mean "refunded in part".
 */
export const WOO_ORDER_STATUS_STAGE: Readonly<Record<string, TicketStage>> = {
  refunded: 'refunded',
  cancelled: 'cancelled',
  failed: 'closed',
  completed: 'refunded',
  processing: 'refunded',
  'on-hold': 'refunded',
  pending: 'refunded',
};

/**
 * [U] The order field read as its delivery time. WooCommerce core keeps no delivery or sign-for time; the nearest
 * it has is `date_completed` ("the date the order was completed"), and `completed` means "order fulfilled and
 * complete – requires no further action" (the order-status guide). A store that completes orders when they ship
 * counts the fast-refund window from the shipment, the stricter reading.
 */
export const WOO_DELIVERED_AT_FIELD = 'date_completed_gmt' as const;

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

/** `*_gmt` fields are UTC without a zone designator ("2024-05-01T08:30:00"). */
export function parseWooGmt(value: unknown, field: string): Date {
  const text = typeof value === 'string' ? value.trim() : '';
  const date = new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? text : `${text}Z`);
  if (!text || Number.isNaN(date.getTime()))
    throw invalid(`WooCommerce ${field} is not a date-time: ${String(value)}`);
  return date;
}

/** Orders refunded in part or in full are the after-sales cases. */
export function isWooCase(order: WooOrder): boolean {
  return order.status === 'refunded' || (Array.isArray(order.refunds) && order.refunds.length > 0);
}

function orderMoney(value: string | number, currency: string, field: string): MinorMoney {
  try {
    return moneyFromDecimal(value, currency);
  } catch (error) {
    throw invalid(`WooCommerce ${field}: ${(error as Error).message}`);
  }
}

/** Refund summaries carry negative totals; the sum of their magnitudes is what went back. */
export function wooRefundedAmount(order: WooOrder): MinorMoney | null {
  const refunds = Array.isArray(order.refunds) ? order.refunds : [];
  if (refunds.length === 0) {
    return order.status === 'refunded' ? orderMoney(order.total, order.currency, 'total') : null;
  }
  const minor = refunds.reduce(
    (total, refund, index) =>
      total + Math.abs(orderMoney(refund.total, order.currency, `refunds[${index}].total`).amountMinor),
    0,
  );
  return money(minor, order.currency);
}

export function wooRemainingMinor(order: WooOrder): number {
  return decimalToMinor(order.total, order.currency) - (wooRefundedAmount(order)?.amountMinor ?? 0);
}

/** One ticket per order: the external id is the order id, and every refund on it belongs to that case. */
export function mapWooOrder(order: WooOrder): NormalizedCase {
  const externalId = idString(order?.id);
  if (!externalId) throw invalid('a WooCommerce order needs an id');
  if (typeof order.currency !== 'string' || !/^[A-Za-z]{3}$/.test(order.currency)) {
    throw invalid(`WooCommerce order ${externalId} has no currency`);
  }
  const reasons = [
    ...new Set((order.refunds ?? []).map((refund) => refund.reason?.trim()).filter((reason) => !!reason)),
  ];
  const customerId = idString(order.customer_id);
  const firstName = order.billing?.first_name?.trim() || null;
  return {
    externalId,
    externalOrderId: externalId,
    kind: 'refund_only',
    stage: WOO_ORDER_STATUS_STAGE[order.status] ?? 'refunded',
    reason: reasons.length > 0 ? reasons.join(' / ') : null,
    reasonCode: null,
    category: null,
    // There is no buyer's request on WooCommerce: what may go back, across all its refunds, is the order total.
    requestedAmount: orderMoney(order.total, order.currency, 'total'),
    refundedAmount: wooRefundedAmount(order),
    // Guests have customer_id 0; only the first name is kept, as the hub keeps buyer data minimal.
    buyer: {
      externalId: customerId && customerId !== '0' ? customerId : null,
      displayName: firstName,
      vip: false,
    },
    items: (order.line_items ?? []).map((line, index) => ({
      sku: line.sku || null,
      title: line.name,
      quantity: line.quantity,
      unitPrice: orderMoney(
        typeof line.price === 'number' ? line.price : String(line.price),
        order.currency,
        `line_items[${index}].price`,
      ),
    })),
    evidence: [],
    platformDeadlineAt: null,
    deliveredAt: order[WOO_DELIVERED_AT_FIELD]
      ? parseWooGmt(order[WOO_DELIVERED_AT_FIELD], WOO_DELIVERED_AT_FIELD)
      : null,
    externalCreatedAt: parseWooGmt(order.date_created_gmt, 'date_created_gmt'),
    externalUpdatedAt: parseWooGmt(order.date_modified_gmt, 'date_modified_gmt'),
    platformVersion: null,
    raw: order,
  };
}
