/**
 * Raw JOS wire shapes. Business parameters travel as one JSON string (`360buy_param_json`); answers are wrapped
 * in `<method with dots as underscores>_responce` (sic) with `code: "0"`.
 * https://jos.jd.com/apilistnewdetail?apiCateId=241 (商家售后服务开放API)
 */
export type JdId = string | number;

export const JD_METHODS = {
  ascSyncList: 'jingdong.asc.sync.list',
  ascAuditRefuse: 'jingdong.asc.audit.refuse',
  ascAuditDelivery: 'jingdong.asc.audit.delivery',
  ascReceiveRegister: 'jingdong.asc.receive.register',
  refundApplyList: 'jingdong.pop.afs.soa.refundapply.queryPageList',
  refundApplyReply: 'jingdong.pop.afs.soa.refundapply.replyRefund',
} as const;

export type JdMethod = (typeof JD_METHODS)[keyof typeof JD_METHODS];

export function jdResponseKey(method: string): string {
  return `${method.replace(/\./g, '_')}_responce`;
}

/**
 * A service order (服务单) as `jingdong.asc.sync.list` returns it. [U] The response field list is not published;
 * these names follow OMS code mapping the JD answers. `updateTime`/`updateDate` and `applyDetailId` are guesses.
 */
export interface JdServiceOrder {
  serviceId: JdId;
  applyId?: JdId;
  orderId: JdId;
  applyTime?: string | number;
  updateTime?: string | number;
  updateDate?: string | number;
  customerExpect?: number;
  serviceStatus: number;
  serviceStatusName?: string;
  customerPin?: string;
  customerName?: string;
  pickwareType?: number;
  orderType?: number;
  actualPayPrice?: string | number;
  skuId?: JdId;
  wareName?: string;
  wareNum?: number;
  questionDesc?: string;
  approveResult?: number;
  approveTime?: string | number;
  sysVersion?: JdId;
  applyDetailId?: JdId;
}

/** A pre-shipment refund application (退款申请单). `applyRefundSum` is fen per one OMS [U]. */
export interface JdRefundApply {
  id: JdId;
  orderId: JdId;
  status: number | string;
  applyRefundSum?: string | number;
  applyTime?: string | number;
  checkTime?: string | number;
  checkUserName?: string;
  checkRemark?: string;
  buyerId?: string;
  buyerName?: string;
  reason?: string;
}

export interface JdErrorResponse {
  code: string | number;
  zh_desc?: string;
  en_desc?: string;
}

/** The outcome object inside `_responce` for the asc family (`pageResult` on lists, `result` otherwise). */
export interface JdAscResult<T> {
  success?: boolean;
  resultCode?: string;
  msg?: string;
  data?: T;
  totalCount?: number;
}

export interface JdAscSyncListResponse {
  code: string;
  pageResult?: JdAscResult<JdServiceOrder[]>;
}

export interface JdAscWriteResponse {
  code: string;
  result?: JdAscResult<unknown>;
}

export interface JdRefundApplyListResponse {
  code: string;
  queryResult?: { success?: boolean; result?: JdRefundApply[]; totalCount?: number; errorMsg?: string };
}

export interface JdRefundApplyReplyResponse {
  code: string;
  replyResult?: { success?: boolean | string; errorMsg?: string };
}
