import {
  AdapterError,
  AdapterErrorCode,
  type MinorMoney,
  type NormalizedCase,
  type TicketCategory,
  type TicketKind,
  type TicketStage,
} from '../contract';
import { parseGmt8 } from '../shared/china-time';
import { idString } from '../shared/lossless-json';
import { moneyFromDecimal } from '../shared/money';
import type { TopRefund, TopRefundStatus } from './taobao.types';

/**
 * Refund `status` → stage.
 * https://open.taobao.com/api.htm?docId=53&docType=2 (taobao.refund.get, status)
 * The three exchange statuses are accepted only as list filters; their stages are our reading of the names.
 */
export const TOP_STATUS_STAGES: Readonly<Record<TopRefundStatus, TicketStage>> = {
  WAIT_SELLER_AGREE: 'requested',
  WAIT_BUYER_RETURN_GOODS: 'awaiting_return',
  WAIT_SELLER_CONFIRM_GOODS: 'return_shipped',
  SELLER_REFUSE_BUYER: 'refused',
  CLOSED: 'closed',
  SUCCESS: 'refunded',
  WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS: 'exchange_shipped',
  EXCHANGE_TRANSFORM_TO_REFUND: 'requested',
  WAIT_SELLER_CONSIGN_GOODS: 'return_received',
};

/**
 * `dispute_type` → kind; without it, `has_good_return` tells a return from a plain refund.
 * https://open.taobao.com/api.htm?docId=53&docType=2 (dispute_type)
 */
export const TOP_DISPUTE_TYPE_KINDS: Readonly<Record<string, TicketKind>> = {
  REFUND: 'refund_only',
  REFUND_AND_RETURN: 'return_refund',
  TMALL_EXCHANGE: 'exchange',
  TAOBAO_EXCHANGE: 'exchange',
  REPAIR: 'repair',
  RESHIPPING: 'reissue',
};

/**
 * `cs_status` values meaning customer service (小二) is involved: 2 needs CS, 3 CS joined, 4 first review done,
 * 5 supervisor review done, 10 evidence requested, 11 appeal open. [U] 2–5 are from the live doc, not the metadata.
 * https://open.taobao.com/api.htm?docId=53&docType=2 (cs_status)
 */
export const TOP_CS_ARBITRATION: readonly number[] = [2, 3, 4, 5, 10, 11];

/** Open stages during which CS involvement turns the case into an arbitration. */
const ARBITRABLE_STAGES: readonly TicketStage[] = [
  'requested',
  'awaiting_return',
  'return_shipped',
  'refused',
];

/**
 * The buyer picks `reason` from TOP's fixed list; its text is the only reason code there is.
 * https://open.taobao.com/api.htm?docId=53&docType=2 (reason); the list itself is shown in the buyer UI.
 */
export const TOP_REASON_CATEGORIES: readonly { match: string; category: TicketCategory }[] = [
  { match: '质量问题', category: 'quality' },
  { match: '破损', category: 'quality' },
  { match: '描述不符', category: 'quality' },
  { match: '假冒', category: 'quality' },
  { match: '少件', category: 'logistics' },
  { match: '漏发', category: 'logistics' },
  { match: '未收到货', category: 'logistics' },
  { match: '物流', category: 'logistics' },
  { match: '快递', category: 'logistics' },
  { match: '未按约定时间发货', category: 'logistics' },
  { match: '多拍', category: 'payment' },
  { match: '拍错', category: 'payment' },
  { match: '重复', category: 'payment' },
  { match: '协商一致', category: 'service' },
  { match: '七天无理由', category: 'other' },
  { match: '不想要', category: 'other' },
];

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

function date(value: string | undefined, field: string): Date {
  if (!value) throw invalid(`refund.${field} is missing`);
  try {
    return parseGmt8(value);
  } catch {
    throw invalid(`refund.${field} is not a GMT+8 time: ${value}`);
  }
}

function yuan(value: string | undefined, field: string): MinorMoney | null {
  if (value === undefined || value === null || value === '') return null;
  try {
    return moneyFromDecimal(value, 'CNY');
  } catch (error) {
    throw invalid(`refund.${field}: ${(error as Error).message}`);
  }
}

export function topStage(refund: Pick<TopRefund, 'status' | 'cs_status'>): TicketStage {
  const stage = TOP_STATUS_STAGES[refund.status as TopRefundStatus];
  if (!stage) throw invalid(`unknown TOP refund status ${refund.status}`);
  const cs = Number(refund.cs_status);
  return ARBITRABLE_STAGES.includes(stage) && TOP_CS_ARBITRATION.includes(cs) ? 'arbitration' : stage;
}

export function topKind(refund: Pick<TopRefund, 'dispute_type' | 'has_good_return'>): TicketKind {
  const kind = refund.dispute_type ? TOP_DISPUTE_TYPE_KINDS[refund.dispute_type] : undefined;
  return kind ?? (refund.has_good_return ? 'return_refund' : 'refund_only');
}

export function topCategory(reason: string | undefined): TicketCategory | null {
  if (!reason) return null;
  return TOP_REASON_CATEGORIES.find((entry) => reason.includes(entry.match))?.category ?? null;
}

/** One TOP refund (one sub-order) → one case; `raw` keeps the refund as parsed, big ids as strings. */
export function mapTopRefund(refund: TopRefund): NormalizedCase {
  const externalId = idString(refund.refund_id);
  if (!externalId) throw invalid('refund.refund_id is missing');
  const stage = topStage(refund);
  const requested = yuan(refund.refund_fee, 'refund_fee');
  const timeout = refund.refund_remind_timeout;
  return {
    externalId,
    externalOrderId: idString(refund.tid),
    kind: topKind(refund),
    stage,
    reason: refund.desc || refund.reason || null,
    reasonCode: refund.reason || null,
    category: topCategory(refund.reason),
    requestedAmount: requested,
    refundedAmount: refund.status === 'SUCCESS' ? requested : null,
    buyer:
      refund.buyer_nick || refund.buyer_open_uid
        ? { externalId: refund.buyer_open_uid ?? null, displayName: refund.buyer_nick ?? null, vip: false }
        : null,
    items: refund.title
      ? [
          {
            sku: refund.outer_id || refund.sku || null,
            title: refund.title,
            quantity: Number(refund.num ?? 1),
            unitPrice: yuan(refund.price, 'price'),
          },
        ]
      : [],
    evidence: [],
    platformDeadlineAt:
      timeout?.exist_timeout && timeout.timeout
        ? date(timeout.timeout, 'refund_remind_timeout.timeout')
        : null,
    externalCreatedAt: date(refund.created, 'created'),
    externalUpdatedAt: date(refund.modified, 'modified'),
    platformVersion: idString(refund.refund_version),
    raw: refund,
  };
}
