import type { LosslessNumber } from 'lossless-json';

/**
 * Raw Douyin Shop (抖店) open-platform wire types (https://op.jinritemai.com/docs/api-docs/17/…, mirrored in
 * the official Go SDK zsmhub/doudian-sdk `api/afterSale_*`). Money is always integer fen.
 */
export const DOUYIN_PATHS = {
  list: '/afterSale/List',
  detail: '/afterSale/Detail',
  operate: '/afterSale/operate',
  orderDetail: '/order/orderDetail',
} as const;

export type DouyinPath = (typeof DOUYIN_PATHS)[keyof typeof DOUYIN_PATHS];

export const DOUYIN_SUCCESS_CODE = 10000;
export const DOUYIN_PAGE_SIZE = 100;

/** `{code, msg, sub_code, sub_msg, log_id, data}` around every answer. */
export interface DouyinEnvelope<T> {
  code: number;
  msg: string;
  sub_code?: string | null;
  sub_msg?: string | null;
  log_id?: string | null;
  data?: T | null;
}

/** `afterSale/List` → `data.items[].aftersale_info`. */
export interface DouyinAftersaleInfo {
  aftersale_id: string | number;
  aftersale_order_type?: number;
  aftersale_type: number;
  aftersale_status: number;
  related_id?: string | number | null;
  apply_time?: number | null;
  update_time: number;
  create_time?: number | null;
  status_deadline?: number | null;
  refund_amount?: number | null;
  refund_post_amount?: number | null;
  refund_tax_amount?: number | null;
  return_promotion_amount?: number | null;
  aftersale_num?: number | null;
  part_type?: number | null;
  aftersale_refund_type?: number | null;
  refund_type?: number | null;
  refund_status?: number | null;
  arbitrate_status?: number | null;
  return_logistics_code?: string | null;
  return_logistics_company_name?: string | null;
  got_pkg?: number | null;
  remark?: string | null;
  reason_second_labels?: { code: number; name: string }[] | null;
}

export interface DouyinRelatedOrderInfo {
  sku_order_id?: string | number | null;
  order_status?: number | null;
  pay_amount?: number | null;
  item_num?: number | null;
  product_name?: string | null;
  product_id?: string | number | null;
  shop_sku_code?: string | null;
  aftersale_item_num?: number | null;
  price?: number | null;
}

export interface DouyinListItem {
  aftersale_info: DouyinAftersaleInfo;
  order_info?: {
    shop_order_id?: string | number | null;
    related_order_info?: DouyinRelatedOrderInfo[] | null;
  } | null;
  text_part?: { reason_text?: string | null; aftersale_status_text?: string | null } | null;
}

export interface DouyinListData {
  items: DouyinListItem[];
  has_more: boolean;
  total?: number;
  page?: number;
  size?: number;
}

/** `afterSale/Detail` → `data.process_info.after_sale_info`: ids are int64 JSON numbers here. */
export interface DouyinAfterSaleDetailInfo {
  after_sale_id: string | number;
  after_sale_status: number;
  after_sale_type: number;
  refund_status?: number | null;
  refund_total_amount?: number | null;
  refund_post_amount?: number | null;
  real_refund_amount?: number | null;
  apply_time?: number | null;
  update_time: number;
  reason?: string | null;
  reason_code?: number | null;
  reason_remark?: string | null;
  evidence?: string[] | null;
  status_deadline?: number | null;
  return_address_id?: string | number | null;
  got_pkg?: number | null;
}

export interface DouyinSkuOrderInfo {
  sku_order_id?: string | number | null;
  product_name?: string | null;
  shop_sku_code?: string | null;
  sku_id?: string | number | null;
  item_quantity?: number | null;
  after_sale_item_count?: number | null;
  sku_pay_amount?: number | null;
  pay_amount?: number | null;
}

export interface DouyinDetailData {
  process_info: {
    after_sale_info: DouyinAfterSaleDetailInfo;
    arbitrate_info?: { arbitrate_status?: number | null } | null;
  };
  order_info?: {
    shop_order_id?: string | number | null;
    sku_order_infos?: DouyinSkuOrderInfo[] | null;
  } | null;
}

/** `afterSale/operate` → `data.items[]`, one result per after-sales id. */
export interface DouyinOperateData {
  items?: { aftersale_id: string | number; status_code: number; status_msg?: string | null }[] | null;
}

export interface DouyinOperateItem {
  aftersale_id: string;
  reason?: string;
  remark?: string;
  reject_reason_code?: number;
  update_time?: number;
  logistics?: {
    /** int64 written as a bare JSON number. */
    receiver_address_id?: LosslessNumber;
  };
}

/** One element of a push body (a JSON array); `data` is itself JSON text. */
export interface DouyinPushMessage {
  tag: string;
  msg_id: string;
  data: string;
}

/** After-sales message data (tag 200 and its siblings); every id is an int64 JSON number. */
export interface DouyinAftersaleMessageData {
  aftersale_id: string | number;
  aftersale_status?: number;
  aftersale_type?: number;
  apply_time?: number;
  p_id?: string | number;
  s_id?: string | number;
  shop_id?: string | number;
  reason_code?: number;
  refund_amount?: number;
  refund_post_amount?: number;
  refund_voucher_num?: number;
  update_time?: number | string;
}

/**
 * `afterSale/operate` `type` codes. 201/202 are confirmed [C-3p] (renhonghai/doudian-sdk constants). The table of
 * the others lives in a guide (https://op.jinritemai.com/docs/question-docs/93/2752) that no SDK reproduces; the
 * generated SDKs mention only 311 (exchange). 101/102/111/112 are therefore [U], kept here so they can be
 * corrected in one place.
 */
export const DOUYIN_OPERATE_TYPES = {
  agreeRefund: 201,
  refuseRefund: 202,
  agreeReturn: 101,
  refuseReturnRequest: 102,
  agreeRefundAfterReturn: 111,
  refuseAfterReturn: 112,
} as const;

/** `afterSale/operate` `data.items[].status_code` for an applied operation [U]. */
export const DOUYIN_OPERATE_ITEM_SUCCESS = 0;

/**
 * After-sales push tags (https://op.jinritemai.com/docs/message-docs/31/115 and siblings); other tags
 * (orders, products) are acknowledged but resolve to nothing.
 */
export const DOUYIN_AFTERSALE_TAGS: Readonly<Record<string, string>> = {
  '200': 'RefundCreated',
  '201': 'RefundAgreed',
  '202': 'RefundReturnApplyAgreed',
  '203': 'RefundBuyerReturnGoods',
  '204': 'RefundRefused',
  '205': 'RefundReturnApplyRefused',
  '206': 'RefundSuccess',
  '207': 'RefundClosed',
  '208': 'RefundModified',
  '209': 'RefundExpirationChange',
  '211': 'RefundExchangeComfirmed',
  '212': 'ArbitrateApplied',
  '213': 'ArbitrateEvidenceRequired',
  '214': 'ArbitrateEvidenceSubmitted',
  '215': 'ArbitrateCancelled',
  '216': 'ArbitrateAudited',
  '217': 'ArbitrateServiceIntervene',
  '218': 'NegotiationEvidenceUploaded',
  '224': 'SpecialRightsRefundCreated',
  '225': 'SpecialRightsRefundSuccess',
  '226': 'ReissueShipped',
  '227': 'ReissueApplyAgreed',
};

/**
 * `/order/orderDetail` → `data.shop_order_detail`, the fields read here (zsmhub/doudian-sdk
 * `api/order_orderDetail`): per sub-order `ship_time` 发货时间, `logistics_receipt_time` 物流收货时间 (the carrier's
 * delivery), `confirm_receipt_time` 用户确认收货时间; unix seconds, 0 while it has not happened.
 */
export interface DouyinOrderDetailData {
  shop_order_detail?: {
    order_id?: string | number | null;
    sku_order_list?:
      | {
          order_id?: string | number | null;
          parent_order_id?: string | number | null;
          ship_time?: number | null;
          logistics_receipt_time?: number | null;
          confirm_receipt_time?: number | null;
        }[]
      | null;
  } | null;
}
