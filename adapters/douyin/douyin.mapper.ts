import {
  AdapterError,
  AdapterErrorCode,
  type MinorMoney,
  type NormalizedCase,
  type NormalizedItem,
  type TicketKind,
  type TicketStage,
} from '../contract';
import { fromUnixSeconds } from '../shared/china-time';
import { idString } from '../shared/lossless-json';
import { moneyFromFen } from '../shared/money';
import type { DouyinDetailData, DouyinListItem } from './douyin.types';

/**
 * `aftersale_status` (List, = `standard_aftersale_status`) and `after_sale_status` (Detail): the same codes.
 * https://op.jinritemai.com/docs/api-docs/17/1816 (afterSale/List) and /17/1815 (afterSale/Detail)
 * 11 means the buyer has sent the parcel back and the merchant's second approval is awaited.
 */
export const DOUYIN_STATUS_STAGES: Readonly<Record<number, TicketStage>> = {
  3: 'exchange_shipped',
  6: 'requested',
  7: 'awaiting_return',
  8: 'return_received',
  11: 'return_shipped',
  12: 'refunded',
  13: 'exchange_shipped',
  14: 'closed',
  27: 'refused',
  28: 'closed',
  29: 'refused',
  51: 'refunded',
  53: 'closed',
};

/**
 * `aftersale_type` (List) / `after_sale_type` (Detail; 4 and 5 are system and buyer cancellations there).
 * https://op.jinritemai.com/docs/api-docs/17/1816 — 6 is 价保 (price protection), paid out as a refund.
 */
export const DOUYIN_TYPE_KINDS: Readonly<Record<number, TicketKind>> = {
  0: 'return_refund',
  1: 'refund_only',
  2: 'refund_only',
  3: 'exchange',
  4: 'refund_only',
  5: 'refund_only',
  6: 'refund_only',
  7: 'reissue',
  8: 'repair',
};

/** `arbitrate_status` values while customer service is deciding: 1 仲裁中, 4 待商家举证, 5 协商期. */
export const DOUYIN_ARBITRATION_OPEN: ReadonlySet<number> = new Set([1, 4, 5]);

/** `refund_status` 3 = 退款成功. */
const REFUND_SUCCEEDED = 3;

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

function lookup<T>(table: Readonly<Record<number, T>>, value: unknown, field: string): T {
  const found = table[Number(value)];
  if (found === undefined) throw invalid(`unknown Douyin ${field} ${JSON.stringify(value)}`);
  return found;
}

function stageOf(status: unknown, arbitrateStatus: number | null | undefined): TicketStage {
  const stage = lookup(DOUYIN_STATUS_STAGES, status, 'aftersale_status');
  return DOUYIN_ARBITRATION_OPEN.has(Number(arbitrateStatus)) ? 'arbitration' : stage;
}

function fen(value: number | null | undefined): MinorMoney | null {
  return value === null || value === undefined ? null : moneyFromFen(value);
}

function unixTime(value: number | null | undefined, field: string): Date {
  if (!Number.isInteger(value) || Number(value) <= 0) throw invalid(`Douyin ${field} is not unix seconds`);
  return fromUnixSeconds(Number(value));
}

function optionalUnixTime(value: number | null | undefined): Date | null {
  return Number.isInteger(value) && Number(value) > 0 ? fromUnixSeconds(Number(value)) : null;
}

function requireId(value: unknown, field: string): string {
  const id = idString(value);
  if (!id) throw invalid(`Douyin ${field} is missing`);
  return id;
}

/** An `afterSale/List` item: the after-sales info, the order lines it covers and display texts. */
export function mapDouyinListItem(item: DouyinListItem): NormalizedCase {
  const info = item.aftersale_info;
  if (!info) throw invalid('Douyin list item has no aftersale_info');
  // `refund_amount` (售后退款金额) excludes the shipping refund (售后退运费金额, `refund_post_amount`): the detail
  // answers both beside `refund_total_amount` (售后总金额（含运费）), their sum, per the afterSale/Detail field list.
  const requestedAmount =
    info.refund_amount === null || info.refund_amount === undefined
      ? null
      : moneyFromFen(info.refund_amount + (info.refund_post_amount ?? 0));
  const items: NormalizedItem[] = (item.order_info?.related_order_info ?? []).map((line) => ({
    sku: line.shop_sku_code || idString(line.product_id),
    title: line.product_name ?? '',
    quantity: Number(line.aftersale_item_num ?? line.item_num ?? 1),
    unitPrice: fen(line.price),
  }));
  const updatedAt = unixTime(info.update_time, 'update_time');
  return {
    externalId: requireId(info.aftersale_id, 'aftersale_id'),
    externalOrderId: idString(item.order_info?.shop_order_id) ?? idString(info.related_id),
    kind: lookup(DOUYIN_TYPE_KINDS, info.aftersale_type, 'aftersale_type'),
    stage: stageOf(info.aftersale_status, info.arbitrate_status),
    reason: item.text_part?.reason_text || null,
    reasonCode: info.reason_second_labels?.[0] ? String(info.reason_second_labels[0].code) : null,
    category: null,
    requestedAmount,
    refundedAmount: info.refund_status === REFUND_SUCCEEDED ? requestedAmount : null,
    buyer: null,
    items,
    evidence: [],
    platformDeadlineAt: optionalUnixTime(info.status_deadline),
    externalCreatedAt: optionalUnixTime(info.create_time) ?? optionalUnixTime(info.apply_time) ?? updatedAt,
    externalUpdatedAt: updatedAt,
    platformVersion: String(info.update_time),
    raw: item,
  };
}

/** `afterSale/Detail` data: the buyer's reason code, evidence and the amount actually refunded. */
export function mapDouyinDetail(data: DouyinDetailData): NormalizedCase {
  const info = data.process_info?.after_sale_info;
  if (!info) throw invalid('Douyin detail has no process_info.after_sale_info');
  const items: NormalizedItem[] = (data.order_info?.sku_order_infos ?? []).map((line) => {
    const quantity = Number(line.after_sale_item_count || line.item_quantity || 1);
    return {
      sku: line.shop_sku_code || idString(line.sku_id),
      title: line.product_name ?? '',
      quantity,
      unitPrice:
        typeof line.sku_pay_amount === 'number'
          ? moneyFromFen(Math.round(line.sku_pay_amount / quantity))
          : null,
    };
  });
  const updatedAt = unixTime(info.update_time, 'update_time');
  const requestedAmount = fen(info.refund_total_amount);
  return {
    externalId: requireId(info.after_sale_id, 'after_sale_id'),
    externalOrderId: idString(data.order_info?.shop_order_id),
    kind: lookup(DOUYIN_TYPE_KINDS, info.after_sale_type, 'after_sale_type'),
    stage: stageOf(info.after_sale_status, data.process_info.arbitrate_info?.arbitrate_status),
    reason: [info.reason, info.reason_remark].filter((part) => part).join('：') || null,
    reasonCode: info.reason_code === null || info.reason_code === undefined ? null : String(info.reason_code),
    category: null,
    requestedAmount,
    refundedAmount:
      info.refund_status === REFUND_SUCCEEDED ? (fen(info.real_refund_amount) ?? requestedAmount) : null,
    buyer: null,
    items,
    evidence: (info.evidence ?? []).filter((url) => typeof url === 'string'),
    platformDeadlineAt: optionalUnixTime(info.status_deadline),
    externalCreatedAt: optionalUnixTime(info.apply_time) ?? updatedAt,
    externalUpdatedAt: updatedAt,
    platformVersion: String(info.update_time),
    raw: data,
  };
}
