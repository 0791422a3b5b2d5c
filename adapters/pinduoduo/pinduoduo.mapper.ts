import {
  AdapterError,
  AdapterErrorCode,
  type MinorMoney,
  type NormalizedCase,
  type NormalizedItem,
  type TicketKind,
  type TicketStage,
} from '../contract';
import { fromUnixSeconds, parseGmt8 } from '../shared/china-time';
import { idString } from '../shared/lossless-json';
import { moneyFromDecimal, moneyFromFen } from '../shared/money';
import { PDD_DETAIL_AMOUNT_UNIT, type PddRefundInformation, type PddRefundListItem } from './pinduoduo.types';

/**
 * `after_sales_status`, the same codes in the list and the detail API.
 * https://open.pinduoduo.com/application/document/api?id=pdd.refund.list.increment.get
 * Status 3 is used both before the merchant decides and after the buyer has sent the parcel back;
 * a return tracking number tells the second case apart (see `stageOf`).
 */
export const PDD_STATUS_STAGES: Readonly<Record<number, TicketStage>> = {
  0: 'closed',
  2: 'requested',
  3: 'requested',
  4: 'refunding',
  5: 'refunding',
  6: 'refused',
  7: 'awaiting_return',
  8: 'arbitration',
  9: 'closed',
  10: 'refunded',
  11: 'cancelled',
  12: 'closed',
  13: 'closed',
  14: 'requested',
  15: 'awaiting_return',
  16: 'closed',
  17: 'closed',
  18: 'exchange_shipped',
  21: 'requested',
  22: 'awaiting_return',
  24: 'closed',
  25: 'closed',
  27: 'exchange_shipped',
  31: 'awaiting_return',
  32: 'requested',
  33: 'requested',
};

/**
 * `after_sales_type` in `pdd.refund.list.increment.get` (1 is the "all" filter value).
 * https://open.pinduoduo.com/application/document/api?id=pdd.refund.list.increment.get
 */
export const PDD_LIST_TYPE_KINDS: Readonly<Record<number, TicketKind>> = {
  2: 'refund_only',
  3: 'return_refund',
  4: 'exchange',
  5: 'reissue',
  6: 'repair',
  9: 'return_refund',
};

/**
 * `after_sales_type` in `pdd.refund.information.get`: numbered differently from the list API.
 * https://open.pinduoduo.com/application/document/api?id=pdd.refund.information.get
 */
export const PDD_DETAIL_TYPE_KINDS: Readonly<Record<number, TicketKind>> = {
  1: 'refund_only',
  2: 'return_refund',
  3: 'exchange',
  4: 'reissue',
  5: 'repair',
};

const PDD_STATUS_AWAITING_MERCHANT = 3;

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

function lookup<T>(table: Readonly<Record<number, T>>, value: unknown, field: string): T {
  const found = table[Number(value)];
  if (found === undefined) throw invalid(`unknown Pinduoduo ${field} ${JSON.stringify(value)}`);
  return found;
}

function stageOf(status: unknown, returnTracking: string | null | undefined): TicketStage {
  const stage = lookup(PDD_STATUS_STAGES, status, 'after_sales_status');
  return Number(status) === PDD_STATUS_AWAITING_MERCHANT && returnTracking ? 'return_shipped' : stage;
}

/** PDD sends times as GMT+8 `yyyy-MM-dd HH:mm:ss` text, or as unix seconds (milliseconds in pushes). */
export function parsePddTime(value: unknown, field: string): Date {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (/^\d+$/.test(text)) {
    const number = Number(text);
    return number > 1e12 ? new Date(number) : fromUnixSeconds(number);
  }
  try {
    return parseGmt8(text);
  } catch {
    throw invalid(`Pinduoduo ${field} is not a time: ${JSON.stringify(value)}`);
  }
}

function optionalTime(value: unknown, field: string): Date | null {
  return value === null || value === undefined || value === '' ? null : parsePddTime(value, field);
}

function yuan(value: string | null | undefined, field: string): MinorMoney | null {
  if (value === null || value === undefined || value === '') return null;
  try {
    return moneyFromDecimal(value, 'CNY');
  } catch (error) {
    throw invalid(`Pinduoduo ${field}: ${(error as Error).message}`);
  }
}

function detailAmount(value: number | null | undefined): MinorMoney | null {
  if (value === null || value === undefined) return null;
  return PDD_DETAIL_AMOUNT_UNIT === 'fen' ? moneyFromFen(value) : moneyFromDecimal(value, 'CNY');
}

function requireId(value: unknown, field: string): string {
  const id = idString(value);
  if (!id) throw invalid(`Pinduoduo ${field} is missing`);
  return id;
}

/** A row of the incremental list: yuan strings, one goods line, no evidence. */
export function mapPddListItem(item: PddRefundListItem): NormalizedCase {
  const stage = stageOf(item.after_sales_status, item.tracking_number);
  const requestedAmount = yuan(item.refund_amount, 'refund_amount');
  const items: NormalizedItem[] = item.goods_name
    ? [
        {
          sku: item.outer_id || idString(item.sku_id),
          title: item.goods_name,
          quantity: Number(item.goods_number ?? 1),
          unitPrice: yuan(item.goods_price, 'goods_price'),
        },
      ]
    : [];
  return {
    externalId: requireId(item.id, 'id'),
    externalOrderId: idString(item.order_sn),
    kind: lookup(PDD_LIST_TYPE_KINDS, item.after_sales_type, 'list after_sales_type'),
    stage,
    reason: item.after_sale_reason || null,
    reasonCode: null,
    category: null,
    requestedAmount,
    refundedAmount: stage === 'refunded' ? requestedAmount : null,
    buyer: null,
    items,
    evidence: [],
    platformDeadlineAt: null,
    externalCreatedAt: parsePddTime(item.created_time, 'created_time'),
    externalUpdatedAt: parsePddTime(item.updated_time, 'updated_time'),
    platformVersion: null,
    raw: item,
  };
}

/** The detail API: numeric amounts, evidence images, the merchant's deadline. */
export function mapPddRefundInformation(detail: PddRefundInformation): NormalizedCase {
  const stage = stageOf(detail.after_sales_status, detail.express_no);
  const requestedAmount = detailAmount(detail.refund_amount);
  const items: NormalizedItem[] = detail.goods_name
    ? [
        {
          sku: null,
          title: detail.goods_name,
          quantity: Number(detail.goods_number ?? 1),
          unitPrice: detailAmount(detail.goods_price),
        },
      ]
    : [];
  const updatedAt = parsePddTime(detail.updated_time, 'updated_time');
  return {
    externalId: requireId(detail.id, 'id'),
    externalOrderId: idString(detail.order_sn),
    kind: lookup(PDD_DETAIL_TYPE_KINDS, detail.after_sales_type, 'detail after_sales_type'),
    stage,
    reason: detail.after_sales_reason || null,
    reasonCode: null,
    category: null,
    requestedAmount,
    refundedAmount: stage === 'refunded' ? requestedAmount : null,
    buyer: null,
    items,
    evidence: Array.isArray(detail.images) ? detail.images.filter((url) => typeof url === 'string') : [],
    platformDeadlineAt: optionalTime(detail.expire_time, 'expire_time'),
    externalCreatedAt:
      optionalTime(detail.created_time, 'created_time') ??
      optionalTime(detail.recreated_at, 'recreated_at') ??
      updatedAt,
    externalUpdatedAt: updatedAt,
    platformVersion: null,
    raw: detail,
  };
}
