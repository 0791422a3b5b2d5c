import {
  AdapterError,
  AdapterErrorCode,
  type MinorMoney,
  type NormalizedCase,
  type TicketKind,
  type TicketStage,
} from '../contract';
import { parseGmt8 } from '../shared/china-time';
import { idString } from '../shared/lossless-json';
import { moneyFromDecimal, moneyFromFen } from '../shared/money';
import type { JdRefundApply, JdServiceOrder } from './jd.types';

/** Refund applications share the connection with service orders; their ids get this prefix so the two never clash. */
export const JD_REFUND_APPLY_PREFIX = 'RA-';

/**
 * `serviceStatus` → stage. https://jos.jd.com/apilistnewdetail?apiCateId=241 (jingdong.asc.query.list, serviceStatus)
 * [C-3p] codes from OMS code; 10010 (完成) depends on what the buyer expected, see `jdServiceStage`.
 */
export const JD_SERVICE_STATUS_STAGES: Readonly<Record<number, TicketStage>> = {
  10000: 'requested',
  10001: 'requested',
  10002: 'requested',
  10012: 'requested',
  10013: 'requested',
  10004: 'refused',
  10005: 'awaiting_return',
  10006: 'return_received',
  10007: 'return_received',
  10009: 'return_received',
  1100: 'return_received',
  12000: 'return_received',
  14000: 'return_received',
  13000: 'return_received',
  10041: 'refunding',
  10010: 'refunded',
  10011: 'cancelled',
};

/**
 * `customerExpect` → kind. https://jos.jd.com/apilistnewdetail?apiCateId=241 (customerExpect)
 * 40/50/60 (installation, relocation, value-added services) are requests rather than disputes.
 */
export const JD_CUSTOMER_EXPECT_KINDS: Readonly<Record<number, TicketKind>> = {
  1: 'refund_only',
  10: 'return_refund',
  11: 'refund_only',
  20: 'exchange',
  30: 'repair',
  40: 'inquiry',
  50: 'inquiry',
  60: 'inquiry',
  70: 'repair',
  80: 'reissue',
  90: 'refund_only',
  100: 'return_refund',
};

const REFUND_KINDS: readonly TicketKind[] = ['refund_only', 'return_refund'];

/**
 * Refund application `status` → stage. https://jos.jd.com/apilistnewdetail?apiCateId=71 (queryPageList status)
 * 0 not audited, 1 approved, 2 refused, 3 JD finance approved, 4 JD finance refused, 5 approved by hand,
 * 6 approved with JD intercepting the parcel, 7 intercept succeeded, 8 intercept failed, 9 force-closed and
 * refunded, 10 logistics to follow (intercepted offline), 11 cancelled by the buyer. Four OMS code bases that run
 * against JD agree on 0–11 [C-3p]; two also list 16 refund after refusal to sign, 17 negotiated return,
 * 18 negotiated close, 19 dispute and 27 JD promised to intercept, mapped here so they never stop a pull.
 * The shared reference listed only 1, 2, 6, 9, 10 (the replyRefund inputs).
 */
export const JD_REFUND_APPLY_STAGES: Readonly<Record<number, TicketStage>> = {
  0: 'requested',
  1: 'refunding',
  2: 'refused',
  3: 'refunded',
  4: 'refused',
  5: 'refunding',
  6: 'refunded',
  7: 'awaiting_return',
  8: 'requested',
  9: 'refunded',
  10: 'awaiting_return',
  11: 'cancelled',
  16: 'refunded',
  17: 'awaiting_return',
  18: 'closed',
  19: 'arbitration',
  27: 'awaiting_return',
};

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

/** JOS answers `yyyy-MM-dd HH:mm:ss` (GMT+8) on most calls and epoch milliseconds on some. */
export function jdTime(value: string | number | undefined, field: string): Date | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number' || /^\d{12,}$/.test(value)) return new Date(Number(value));
  try {
    return parseGmt8(value);
  } catch {
    throw invalid(`${field} is not a JOS time: ${value}`);
  }
}

function yuan(value: string | number | undefined, field: string): MinorMoney | null {
  if (value === undefined || value === null || value === '') return null;
  try {
    return moneyFromDecimal(value, 'CNY');
  } catch (error) {
    throw invalid(`${field}: ${(error as Error).message}`);
  }
}

export function jdServiceKind(order: Pick<JdServiceOrder, 'customerExpect'>): TicketKind {
  return JD_CUSTOMER_EXPECT_KINDS[Number(order.customerExpect)] ?? 'return_refund';
}

export function jdServiceStage(order: Pick<JdServiceOrder, 'serviceStatus' | 'customerExpect'>): TicketStage {
  const stage = JD_SERVICE_STATUS_STAGES[Number(order.serviceStatus)];
  if (!stage) throw invalid(`unknown JD serviceStatus ${order.serviceStatus}`);
  if (stage === 'refunded' && !REFUND_KINDS.includes(jdServiceKind(order))) return 'closed';
  return stage;
}

export function mapJdServiceOrder(order: JdServiceOrder): NormalizedCase {
  const externalId = idString(order.serviceId);
  if (!externalId) throw invalid('serviceId is missing');
  const created = jdTime(order.applyTime, 'applyTime');
  const updated = jdTime(order.updateTime ?? order.updateDate, 'updateTime') ?? created;
  if (!created || !updated) throw invalid(`service order ${externalId} has no applyTime`);
  const paid = yuan(order.actualPayPrice, 'actualPayPrice');
  const stage = jdServiceStage(order);
  const quantity = Number(order.wareNum ?? 1);
  return {
    externalId,
    externalOrderId: idString(order.orderId),
    kind: jdServiceKind(order),
    stage,
    reason: order.questionDesc || null,
    reasonCode: null,
    category: null,
    requestedAmount: paid,
    refundedAmount: stage === 'refunded' ? paid : null,
    buyer:
      order.customerPin || order.customerName
        ? { externalId: order.customerPin ?? null, displayName: order.customerName ?? null, vip: false }
        : null,
    items: order.wareName
      ? [
          {
            sku: idString(order.skuId),
            title: order.wareName,
            quantity,
            unitPrice:
              paid && quantity > 0 ? { ...paid, amountMinor: Math.round(paid.amountMinor / quantity) } : null,
          },
        ]
      : [],
    evidence: [],
    platformDeadlineAt: null,
    externalCreatedAt: created,
    externalUpdatedAt: updated,
    platformVersion: idString(order.sysVersion),
    raw: order,
  };
}

export function jdRefundApplyStage(apply: Pick<JdRefundApply, 'status'>): TicketStage {
  const stage = JD_REFUND_APPLY_STAGES[Number(apply.status)];
  if (!stage) throw invalid(`unknown JD refund application status ${apply.status}`);
  return stage;
}

export function mapJdRefundApply(apply: JdRefundApply): NormalizedCase {
  const id = idString(apply.id);
  if (!id) throw invalid('refund application id is missing');
  const created = jdTime(apply.applyTime, 'applyTime');
  if (!created) throw invalid(`refund application ${id} has no applyTime`);
  const stage = jdRefundApplyStage(apply);
  const amount =
    apply.applyRefundSum === undefined || apply.applyRefundSum === ''
      ? null
      : moneyFromFen(apply.applyRefundSum);
  return {
    externalId: `${JD_REFUND_APPLY_PREFIX}${id}`,
    externalOrderId: idString(apply.orderId),
    kind: 'refund_only',
    stage,
    reason: apply.reason || null,
    reasonCode: null,
    category: null,
    requestedAmount: amount,
    refundedAmount: stage === 'refunded' ? amount : null,
    buyer:
      apply.buyerId || apply.buyerName
        ? { externalId: apply.buyerId ?? null, displayName: apply.buyerName ?? null, vip: false }
        : null,
    items: [],
    evidence: [],
    platformDeadlineAt: null,
    externalCreatedAt: created,
    externalUpdatedAt: jdTime(apply.checkTime, 'checkTime') ?? created,
    platformVersion: null,
    raw: apply,
  };
}
