/**
 * Raw TOP wire shapes (non-simplified JSON). Ids above 2^53 arrive as bare JSON numbers and come out of the
 * lossless parser as strings, hence `string | number`.
 * https://open.taobao.com/api.htm?docId=52&docType=2 (taobao.refunds.receive.get)
 */
export type TopId = string | number;

export const TOP_METHODS = {
  refundsReceiveGet: 'taobao.refunds.receive.get',
  refundGet: 'taobao.refund.get',
  refundsAgree: 'taobao.rp.refunds.agree',
  refundRefuse: 'taobao.refund.refuse',
  returnGoodsAgree: 'taobao.rp.returngoods.agree',
  refundMessageAdd: 'taobao.refund.message.add',
  refundReview: 'taobao.rp.refund.review',
  tmcConsume: 'taobao.tmc.messages.consume',
  tmcConfirm: 'taobao.tmc.messages.confirm',
  logisticsTraceSearch: 'taobao.logistics.trace.search',
} as const;

export type TopMethod = (typeof TOP_METHODS)[keyof typeof TOP_METHODS];

export const TOP_SIGN_METHODS = ['md5', 'hmac', 'hmac-sha256'] as const;
export type TopSignMethod = (typeof TOP_SIGN_METHODS)[number];

/** `taobao.refund.get` → `refund_get_response`: drop the `taobao.` prefix, dots become underscores. */
export function topResponseKey(method: string): string {
  return `${method.replace(/^taobao\./, '').replace(/\./g, '_')}_response`;
}

/** The fields asked for on list and detail reads (`fields` is required by both). */
export const TOP_REFUND_FIELDS = [
  'refund_id',
  'tid',
  'oid',
  'status',
  'order_status',
  'good_status',
  'has_good_return',
  'refund_fee',
  'total_fee',
  'payment',
  'price',
  'reason',
  'desc',
  'title',
  'num',
  'num_iid',
  'sku',
  'outer_id',
  'company_name',
  'sid',
  'created',
  'modified',
  'good_return_time',
  'refund_phase',
  'refund_version',
  'operation_contraint',
  'cs_status',
  'dispute_type',
  'buyer_nick',
  'buyer_open_uid',
  'seller_nick',
  'refund_remind_timeout',
].join(',');

export type TopRefundStatus =
  | 'WAIT_SELLER_AGREE'
  | 'WAIT_BUYER_RETURN_GOODS'
  | 'WAIT_SELLER_CONFIRM_GOODS'
  | 'SELLER_REFUSE_BUYER'
  | 'CLOSED'
  | 'SUCCESS'
  | 'WAIT_BUYER_CONFIRM_EXCHANGE_SELLER_SEND_GOODS'
  | 'EXCHANGE_TRANSFORM_TO_REFUND'
  | 'WAIT_SELLER_CONSIGN_GOODS';

export interface TopRefund {
  refund_id: TopId;
  tid?: TopId;
  oid?: TopId;
  status: string;
  order_status?: string;
  good_status?: string;
  has_good_return?: boolean;
  /** Yuan with two decimals, e.g. "200.07". */
  refund_fee?: string;
  total_fee?: string;
  payment?: string;
  price?: string;
  reason?: string;
  desc?: string;
  title?: string;
  num?: number;
  num_iid?: TopId;
  sku?: string;
  outer_id?: string;
  company_name?: string;
  sid?: string;
  address?: string;
  created: string;
  modified: string;
  good_return_time?: string;
  refund_phase?: 'onsale' | 'aftersale' | string;
  /** Timestamp-like; Tmall write calls must echo it. */
  refund_version?: TopId;
  operation_contraint?: string;
  cs_status?: number;
  dispute_type?: string;
  buyer_nick?: string;
  buyer_open_uid?: string;
  seller_nick?: string;
  refund_remind_timeout?: { exist_timeout?: boolean; remind_type?: number; timeout?: string };
}

export interface TopErrorResponse {
  code: number | string;
  msg?: string;
  sub_code?: string;
  sub_msg?: string;
  request_id?: string;
}

export interface TopRefundsReceiveGetResponse {
  refunds?: { refund?: TopRefund[] };
  total_results?: number;
  has_next?: boolean;
  request_id?: string;
}

export interface TopRefundGetResponse {
  refund?: TopRefund;
  request_id?: string;
}

export interface TopRefundMappingResult {
  refund_id?: TopId;
  succ?: boolean;
  message?: string;
}

export interface TopRefundsAgreeResponse {
  succ?: boolean;
  message?: string;
  /** OP_SUCC | SOME_OP_SUCC | OP_FAILURE_UE */
  msg_code?: string;
  results?: { refund_mapping_result?: TopRefundMappingResult[] } | TopRefundMappingResult[];
}

export interface TopRefundRefuseResponse {
  refund?: { refund_id?: TopId; status?: string; modified?: string };
  is_success?: boolean;
}

/** `taobao.rp.refund.review` → `rp_refund_review_response`. */
export interface TopRefundReviewResponse {
  is_success?: boolean;
}

export interface TopReturnGoodsAgreeResponse {
  is_success?: boolean;
  msg?: string;
}

export interface TopRefundMessageAddResponse {
  refund_message?: { id?: TopId; created?: string };
}

export interface TopTmcMessage {
  id: TopId;
  topic: string;
  pub_time?: string;
  pub_app_key?: string;
  user_id?: TopId;
  user_nick?: string;
  /** A JSON document as a string; its ids are bare numbers above 2^53. */
  content: string;
}

export interface TopTmcConsumeResponse {
  messages?: { tmc_message?: TopTmcMessage[] };
}

export interface TopTmcConfirmResponse {
  is_success?: boolean;
}

/** What a refund topic's `content` carries: a trigger, not the whole refund. */
export interface TopRefundMessageContent {
  refund_id?: TopId;
  tid?: TopId;
  oid?: TopId;
  refund_fee?: string;
  refund_phase?: string;
  modified?: string;
  buyer_nick?: string;
  seller_nick?: string;
  bill_type?: string;
}

/** One step of `taobao.logistics.trace.search` → `trace_list.transit_step_info[]`. */
export interface TopTransitStep {
  /** `yyyy-MM-dd HH:mm:ss`, GMT+8. */
  status_time?: string;
  status_desc?: string;
  /** "节点说明，指明当前节点揽收、派送，签收" (collected, out for delivery, signed for). */
  action?: string;
}

/** `taobao.logistics.trace.search` → `logistics_trace_search_response`. */
export interface TopLogisticsTraceResponse {
  tid?: TopId;
  out_sid?: string;
  company_name?: string;
  status?: string;
  trace_list?: { transit_step_info?: TopTransitStep[] };
}
