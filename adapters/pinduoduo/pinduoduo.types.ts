/**
 * Raw Pinduoduo Open Platform wire types (https://open.pinduoduo.com/application/document/api, mirrored in
 * lywzx/pdd-node-sdk `packages/pdd-origin-api/src/shouHou/*.ts`).
 */
export const PDD_METHODS = {
  refundList: 'pdd.refund.list.increment.get',
  refundInformation: 'pdd.refund.information.get',
  refundAgree: 'pdd.refund.agree',
  returnGoodsAgree: 'pdd.refund.returngoods.agree',
  refundAddressList: 'pdd.refund.address.list.get',
  orderInformation: 'pdd.order.information.get',
  pmcUserPermit: 'pdd.pmc.user.permit',
} as const;

export type PddMethod = (typeof PDD_METHODS)[keyof typeof PDD_METHODS];

/**
 * The key each method's answer is wrapped in; null where the fields stand at the top level.
 * `pdd.refund.information.get` has no wrapper: its documented response sample starts with `after_sales_reason`
 * (https://open.pinduoduo.com/application/document/api?id=pdd.refund.information.get), the official Java SDK's
 * `PddRefundInformationGetResponse` maps the fields directly, and `lywzx/pdd-node-sdk` defines a
 * `…_RESPONSE_KEY` for every other after-sales API but not this one. (The shared reference's
 * `refund_information_get_response` was a guess.)
 */
export const PDD_RESPONSE_KEYS: Record<PddMethod, string | null> = {
  'pdd.refund.list.increment.get': 'refund_increment_get_response',
  'pdd.refund.information.get': null,
  'pdd.refund.agree': 'response',
  'pdd.refund.returngoods.agree': 'response',
  'pdd.refund.address.list.get': 'refund_address_list_get_response',
  'pdd.order.information.get': 'order_info_get_response',
  'pdd.pmc.user.permit': 'pmc_user_permit_response',
};

/** `pdd.pmc.user.permit` (为已授权的用户开通消息服务, official Java SDK `PddPmcUserPermitRequest`/`Response`). */
export interface PddPmcUserPermitResponse {
  is_success?: boolean;
}

/**
 * Unit of the numeric amounts in `pdd.refund.information.get`: the docs type `refund_amount`, `goods_price` and
 * `order_amount` as integers (sample values 1 and 100) without naming the unit; the only amount with a stated
 * unit in the same answer, `exchange_goods_price`, is 分 (fen). [U] fen, unlike the list API's yuan strings.
 */
export const PDD_DETAIL_AMOUNT_UNIT: 'fen' | 'yuan' = 'fen';

/** `after_sales_status` / `after_sales_type` filter values meaning "all" in the list API [C-3p]. */
export const PDD_LIST_FILTER_ALL = 1;

export const PDD_PAGE_SIZE = 100;

/** One row of `pdd.refund.list.increment.get` → `refund_increment_get_response.refund_list[]`; money in yuan strings. */
export interface PddRefundListItem {
  id: string | number;
  order_sn: string;
  after_sales_status: number;
  after_sales_type: number;
  after_sale_reason?: string | null;
  refund_amount?: string | null;
  order_amount?: string | null;
  discount_amount?: string | null;
  goods_price?: string | null;
  goods_number?: string | number | null;
  goods_id?: string | number | null;
  goods_name?: string | null;
  good_image?: string | null;
  sku_id?: string | number | null;
  outer_goods_id?: string | null;
  outer_id?: string | null;
  tracking_number?: string | null;
  shipping_name?: string | null;
  confirm_time?: string | number | null;
  created_time: string | number;
  updated_time: string | number;
  speed_refund_flag?: number | null;
  speed_refund_status?: string | null;
  user_shipping_status?: string | null;
  dispute_refund_status?: number | null;
}

export interface PddRefundListResponse {
  total_count: number;
  refund_list: PddRefundListItem[];
}

/** `pdd.refund.information.get`; amounts are numbers in PDD_DETAIL_AMOUNT_UNIT. */
export interface PddRefundInformation {
  id: string | number;
  order_sn: string;
  after_sales_status: number;
  after_sales_type: number;
  after_sales_reason?: string | null;
  refund_amount?: number | null;
  order_amount?: number | string | null;
  discount_amount?: number | null;
  goods_price?: number | null;
  goods_number?: number | null;
  goods_name?: string | null;
  express_no?: string | null;
  shipping_name?: string | null;
  shipping_status?: number | null;
  images?: string[] | null;
  remark?: string | null;
  join_or_not?: string | null;
  /** Epoch milliseconds per the docs (LONG), only while the case waits for the merchant. */
  expire_time?: string | number | null;
  confirm_time?: string | number | null;
  created_time?: string | number | null;
  recreated_at?: string | number | null;
  updated_time: string | number;
  speed_refund_flag?: number | null;
  user_shipping_status?: string | null;
  dispute_refund_status?: number | null;
}

/** `pdd.refund.agree` → `response.result`. */
export interface PddRefundAgreeResponse {
  result: { after_sales_id: string | number; order_sn: string; succ: boolean; message?: string | null };
}

/** `pdd.refund.returngoods.agree` → `response`. */
export interface PddReturnGoodsAgreeResponse {
  success: boolean;
  error_code?: number | null;
  error_msg?: string | null;
  result?: { after_sales_id: string | number; order_sn: string; success: boolean; message?: string | null };
}

export interface PddRefundAddress {
  id: string | number;
  refund_address_id?: string | null;
  refund_name: string;
  refund_phone: string;
  refund_tel?: string | null;
  province_id?: number;
  province_name?: string;
  city_id?: number;
  city_name?: string;
  district_id?: number;
  district_name?: string;
  refund_address: string;
  is_default?: string | boolean | null;
  is_legal?: boolean;
  is_validated?: boolean;
  mall_id?: string | number;
}

export interface PddRefundAddressListResponse {
  refund_address_list: PddRefundAddress[];
}

/** `{"error_response":{…}}`, answered with HTTP 200. */
export interface PddErrorResponse {
  error_code: number;
  error_msg?: string;
  sub_code?: string | number | null;
  sub_msg?: string | null;
  request_id?: string | null;
}

/**
 * `pdd.order.information.get` → `order_info_get_response.order_info`, the fields read here (lywzx/pdd-node-sdk
 * `dingDan/PddOrderInformationGet.ts`): `confirm_time` 成交时间 (the deal), `shipping_time` 发货时间 (shipped),
 * `receive_time` 确认收货时间 (the buyer's receipt), `order_status` 1 待发货, 2 已发货待签收, 3 已签收.
 */
export interface PddOrderInformation {
  order_info: {
    order_sn: string;
    order_status?: number | null;
    confirm_time?: string | null;
    shipping_time?: string | null;
    receive_time?: string | null;
  };
}
