import { randomBytes } from 'node:crypto';
import { LosslessNumber } from 'lossless-json';
import type { MarketplaceSandbox } from '../contract';
import { HttpSandbox } from '../shared/http-sandbox';
import { generateOrder, pick, SAMPLE_REASONS } from '../shared/case-generator';
import { formatGmt8, toUnixSeconds } from '../shared/china-time';
import { parseLosslessJson, stringifyLosslessJson } from '../shared/lossless-json';
import { minorToDecimal } from '../shared/money';
import {
  bigId,
  SandboxHttpServer,
  type SandboxRequest,
  type SandboxResponse,
} from '../shared/sandbox-server';
import { safeEqual } from '../shared/signing';
import { signPddParams } from './pinduoduo.client';
import {
  PDD_CLIENT_ID_ERROR_CODE,
  PDD_PUBLIC_PARAMETER_ERROR_CODE,
  PDD_SIGNATURE_ERROR_CODE,
  PDD_TIMESTAMP_TOLERANCE_SECONDS,
  PDD_TOKEN_EXPIRED_CODE,
} from './pinduoduo.errors';
import { PddMessageService } from './pinduoduo.message-sandbox';
import { PDD_MESSAGE_UNCONFIRMED } from './pinduoduo.messages';
import { PDD_DETAIL_AMOUNT_UNIT, PDD_METHODS, PDD_RESPONSE_KEYS, type PddMethod } from './pinduoduo.types';

/** List-API type → detail-API type (the two APIs number them differently). */
const DETAIL_TYPE_OF_LIST_TYPE: Readonly<Record<number, number>> = { 2: 1, 3: 2, 4: 3, 5: 4, 6: 5, 9: 2 };
const LIST_TYPE_OF_KIND = { refund_only: 2, return_refund: 3, exchange: 4, complaint: 2 } as const;

const STATUS = {
  refundRequested: 2,
  returnRequested: 3,
  merchantAgreed: 4,
  awaitingReturn: 7,
  refunded: 10,
} as const;
const LIST_TYPE_RETURN_REFUND = 3;
const PARAMETER_ERROR_CODE = 10000;
const THROTTLED_CODE = 52101;
const MAX_WINDOW_SECONDS = 30 * 60;

/** Topics the sandbox publishes for a case's changes (names seen in merchants' message consumers). */
export const PDD_SANDBOX_TOPICS = {
  created: 'pdd_refund_RefundCreated',
  agreed: 'pdd_refund_RefundAgreeAgreement',
  returnShipped: 'pdd_refund_RefundBuyerReturnGoods',
  closed: 'pdd_refund_RefundClosed',
  modified: 'pdd_refund_RefundBuyerModifyAgreement',
} as const;
const CLOSED_STATUSES = new Set([9, 10, 11, 12, 13]);
/** `operation` in the samples of refund messages; its meaning is not documented, so it is copied as seen. */
const MESSAGE_OPERATION = 1000;

interface SandboxRefund {
  id: string;
  mallId: string;
  orderSn: string;
  status: number;
  listType: number;
  reason: string;
  refundFen: number;
  orderFen: number;
  goods: { id: string; name: string; sku: string; priceFen: number; quantity: number };
  tracking: string | null;
  images: string[];
  createdAt: number;
  updatedAt: number;
  /** When the buyer confirmed receipt of the order (unix seconds), null while not received. */
  receivedAt: number | null;
}

function errorResponse(code: number, message: string): SandboxResponse {
  return {
    status: 200,
    body: stringifyLosslessJson({
      error_response: {
        error_code: code,
        error_msg: message,
        sub_code: null,
        sub_msg: '',
        request_id: randomBytes(8).toString('hex'),
      },
    }),
  };
}

function ok(method: PddMethod, payload: unknown): SandboxResponse {
  const key = PDD_RESPONSE_KEYS[method];
  return { status: 200, body: stringifyLosslessJson(key === null ? payload : { [key]: payload }) };
}

function readParams(request: SandboxRequest): Record<string, string> {
  return { ...request.query, ...Object.fromEntries(new URLSearchParams(request.body)) };
}

function gmt8(unixSeconds: number): string {
  return formatGmt8(new Date(unixSeconds * 1000));
}

function orderSn(): string {
  const day = new Date().toISOString().slice(2, 10).replace(/-/g, '');
  return `${day}-${bigId('3').slice(0, 15)}`;
}

/**
 * A fake Pinduoduo app: the gateway (`POST /api/router` with form parameters, the MD5 signature checked on every
 * call, `…_response` wrappers and `error_response` envelopes) and the message service on the same port
 * (`/message/{client_id}/{timestamp}/{sign}` WebSocket). The app serves several malls, each with its own access
 * token; every change of a case is published as a `pdd_refund_*` message of its mall.
 */
export class PinduoduoSandbox extends HttpSandbox implements MarketplaceSandbox {
  readonly platform = 'pinduoduo' as const;
  readonly shopId = '171504183';
  readonly credentials: Record<string, string>;
  private readonly cases = new Map<string, SandboxRefund>();
  private readonly addressId = bigId('4');
  /** access_token → mall id: a token is issued to one mall of the app. */
  private readonly malls = new Map<string, string>();
  /** Malls the app has opened the message service to (`pdd.pmc.user.permit`). */
  private readonly permitted = new Set<string>();
  readonly messages: PddMessageService;
  protected readonly http = new SandboxHttpServer(
    (request, fault) => this.handle(request, fault),
    (request) => readParams(request).type ?? null,
  );

  constructor(options: { serverHeartbeatMs?: number; clientSilenceTimeoutMs?: number } = {}) {
    super();
    this.credentials = {
      clientId: randomBytes(16).toString('hex'),
      clientSecret: randomBytes(20).toString('hex'),
      accessToken: randomBytes(24).toString('hex'),
    };
    this.malls.set(this.credentials.accessToken, this.shopId);
    this.messages = new PddMessageService({
      clientId: this.credentials.clientId,
      clientSecret: this.credentials.clientSecret,
      serverHeartbeatMs: options.serverHeartbeatMs ?? 5_000,
      clientSilenceTimeoutMs:
        options.clientSilenceTimeoutMs ?? PDD_MESSAGE_UNCONFIRMED.clientSilenceTimeoutMs,
    });
    this.http.onUpgrade = (request, socket, head) => this.messages.upgrade(request, socket, head);
  }

  /**
   * Opens the message service to a mall (what `pdd.pmc.user.permit` does with the mall's token): only permitted
   * malls' changes are published. Tests call it for a mall no connection knows, as another system of the app would.
   */
  permitMall(mallId: string): void {
    this.permitted.add(mallId);
  }

  /**
   * The developer resets the app's client secret in the console: calls and handshakes signed with the old one
   * are refused from then on (20004). The sandbox also drops the open sockets, so the next handshake is checked.
   */
  resetAppSecret(secret: string): void {
    this.credentials.clientSecret = secret;
    this.messages.setClientSecret(secret);
    this.messages.dropSockets();
  }

  /** Another mall authorised to the same app: its shop id and the credentials a connection to it carries. */
  addMall(mallId = bigId('2').slice(0, 9)): { shopId: string; credentials: Record<string, string> } {
    const accessToken = randomBytes(24).toString('hex');
    this.malls.set(accessToken, mallId);
    return { shopId: mallId, credentials: { ...this.credentials, accessToken } };
  }

  override stop(): Promise<void> {
    this.messages.close();
    return super.stop();
  }

  override injectFault(fault: Parameters<HttpSandbox['injectFault']>[0]): void {
    if (fault.kind === 'duplicate_pushes') this.messages.duplicateRatio = fault.ratio;
    super.injectFault(fault);
  }

  override clearFaults(): void {
    this.messages.duplicateRatio = 0;
    super.clearFaults();
  }

  override get url(): string {
    return `${this.http.baseUrl}/api/router`;
  }

  override start(port?: number): Promise<string> {
    return this.http.start(port).then(() => this.url);
  }

  /** Pinduoduo has no HTTP push: messages go to whoever holds the app's message socket. */
  setPushTarget(): void {}

  generateCases(count: number): Promise<string[]> {
    return this.generateCasesFor(this.shopId, count);
  }

  /** Cases of one mall of the app (the main one, one added with `addMall`, or one no connection knows). */
  generateCasesFor(mallId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const reason = pick(SAMPLE_REASONS);
      const order = generateOrder();
      const line = order.lines[0];
      const listType = LIST_TYPE_OF_KIND[reason.kind];
      const now = this.clock();
      const refund: SandboxRefund = {
        id: bigId('7'),
        mallId,
        orderSn: orderSn(),
        status: listType === LIST_TYPE_RETURN_REFUND ? STATUS.returnRequested : STATUS.refundRequested,
        listType,
        reason: reason.text,
        refundFen: order.requestedMinor,
        orderFen: order.totalMinor,
        goods: {
          id: bigId('5').slice(0, 12),
          name: line.title,
          sku: line.sku,
          priceFen: line.priceMinor,
          quantity: line.quantity,
        },
        tracking: null,
        images: reason.code === 'damaged' ? [`https://img.pddpic.com/refund/${bigId('1')}.jpeg`] : [],
        createdAt: now,
        updatedAt: now,
        // A buyer asking for a refund only has usually not received the parcel; a return was received a day ago.
        receivedAt: listType === LIST_TYPE_RETURN_REFUND ? now - 86400 : null,
      };
      this.cases.set(refund.id, refund);
      this.publish(refund, PDD_SANDBOX_TOPICS.created);
      ids.push(refund.id);
    }
    return Promise.resolve(ids);
  }

  /** The buyer ships agreed returns back; agreed refunds are paid out. */
  advanceCases(count: number): Promise<string[]> {
    const moved: string[] = [];
    for (const refund of this.cases.values()) {
      if (moved.length >= count) break;
      if (refund.status === STATUS.awaitingReturn) {
        refund.status = STATUS.returnRequested;
        refund.tracking = `YT${bigId('8').slice(0, 13)}`;
        this.touch(refund, PDD_SANDBOX_TOPICS.returnShipped);
      } else if (refund.status === STATUS.merchantAgreed) {
        refund.status = STATUS.refunded;
        this.touch(refund);
      } else {
        continue;
      }
      moved.push(refund.id);
    }
    return Promise.resolve(moved);
  }

  /** What the buyer asks for, as a buyer modifying the request would change it: a refund only, its amount, why. */
  modifyRequest(
    externalId: string,
    change: { refundFen?: number; reason?: string; refundOnly?: boolean },
  ): void {
    const refund = this.cases.get(externalId);
    if (!refund) throw new Error(`no case ${externalId}`);
    if (change.refundOnly) {
      refund.listType = LIST_TYPE_OF_KIND.refund_only;
      refund.status = STATUS.refundRequested;
    }
    if (change.refundFen !== undefined) {
      refund.refundFen = change.refundFen;
      refund.orderFen = Math.max(refund.orderFen, change.refundFen);
    }
    if (change.reason) refund.reason = change.reason;
    this.touch(refund);
  }

  /** When the buyer confirmed receipt of a case's order (`receive_time`), or null: not received. */
  receiveOrder(externalId: string, at: Date | null): void {
    const refund = this.cases.get(externalId);
    if (!refund) throw new Error(`no case ${externalId}`);
    refund.receivedAt = at ? toUnixSeconds(at) : null;
  }

  /** Puts a case in any `after_sales_status`, including ones the hub has never seen. */
  setStatus(externalId: string, status: number): void {
    const refund = this.cases.get(externalId);
    if (!refund) throw new Error(`no case ${externalId}`);
    refund.status = status;
    this.touch(refund);
  }

  caseState(externalId: string): unknown {
    const refund = this.cases.get(externalId);
    return refund ? parseLosslessJson(stringifyLosslessJson(this.listRow(refund))) : undefined;
  }

  private clock(): number {
    return toUnixSeconds(new Date());
  }

  /** A change of the case: its update time moves on and its mall hears of it. */
  private touch(refund: SandboxRefund, topic?: string): void {
    refund.updatedAt = Math.max(this.clock(), refund.updatedAt + 1);
    this.publish(refund, topic ?? this.topicOf(refund));
  }

  private topicOf(refund: SandboxRefund): string {
    if (CLOSED_STATUSES.has(refund.status)) return PDD_SANDBOX_TOPICS.closed;
    if (refund.status === STATUS.merchantAgreed || refund.status === STATUS.awaitingReturn)
      return PDD_SANDBOX_TOPICS.agreed;
    return PDD_SANDBOX_TOPICS.modified;
  }

  /** The message of the shared reference §4.3: refund_fee in fen, modified in ms, content as a JSON string. */
  private publish(refund: SandboxRefund, topic: string): void {
    if (!this.permitted.has(refund.mallId)) return;
    this.messages.publish(refund.mallId, topic, {
      mall_id: new LosslessNumber(refund.mallId),
      refund_fee: refund.refundFen,
      bill_type: refund.listType === LIST_TYPE_RETURN_REFUND ? 2 : 1,
      modified: refund.updatedAt * 1000,
      refund_id: new LosslessNumber(refund.id),
      operation: MESSAGE_OPERATION,
      tid: refund.orderSn,
    });
  }

  private handle(
    request: SandboxRequest,
    fault: 'throttle' | 'server_error' | 'timeout' | null,
  ): SandboxResponse {
    if (request.method !== 'POST' || request.path !== '/api/router') {
      return { status: 404, body: { error: 'not found' } };
    }
    const params = readParams(request);
    const { sign, ...unsigned } = params;
    if (params.client_id !== this.credentials.clientId) {
      return errorResponse(PDD_CLIENT_ID_ERROR_CODE, 'client下线或者clientId不正确');
    }
    if (!sign || !safeEqual(sign, signPddParams(unsigned, this.credentials.clientSecret))) {
      return errorResponse(PDD_SIGNATURE_ERROR_CODE, '签名sign校验失败');
    }
    const timestamp = Number(params.timestamp);
    if (
      !/^\d+$/.test(params.timestamp ?? '') ||
      Math.abs(timestamp - this.clock()) > PDD_TIMESTAMP_TOLERANCE_SECONDS
    ) {
      return errorResponse(PDD_PUBLIC_PARAMETER_ERROR_CODE, '公共参数错误:timestamp');
    }
    const mallId = this.malls.get(params.access_token ?? '');
    if (!mallId) return errorResponse(PDD_TOKEN_EXPIRED_CODE, 'access_token已过期');
    if (fault === 'throttle') return errorResponse(THROTTLED_CODE, '接口限流，请稍后重试');
    if (fault === 'server_error') return { status: 502, body: 'Bad Gateway' };
    switch (params.type) {
      case PDD_METHODS.refundList:
        return this.list(params, mallId);
      case PDD_METHODS.refundInformation:
        return this.information(params, mallId);
      case PDD_METHODS.refundAgree:
        return this.agree(params, mallId);
      case PDD_METHODS.returnGoodsAgree:
        return this.agreeReturn(params, mallId);
      case PDD_METHODS.pmcUserPermit:
        this.permitMall(mallId);
        return ok(PDD_METHODS.pmcUserPermit, { is_success: true });
      case PDD_METHODS.refundAddressList:
        return ok(PDD_METHODS.refundAddressList, { refund_address_list: [this.addressRow(mallId)] });
      case PDD_METHODS.orderInformation:
        return this.orderInformation(params, mallId);
      default:
        return errorResponse(PARAMETER_ERROR_CODE, `unknown type ${params.type}`);
    }
  }

  private list(params: Record<string, string>, mallId: string): SandboxResponse {
    const start = Number(params.start_updated_at);
    const end = Number(params.end_updated_at);
    const page = Number(params.page ?? 1);
    const size = Math.min(Number(params.page_size ?? 100), 100);
    if (
      !Number.isInteger(start) ||
      !Number.isInteger(end) ||
      end < start ||
      end - start > MAX_WINDOW_SECONDS
    ) {
      return errorResponse(PARAMETER_ERROR_CODE, '开始时间结束时间间距不超过 30 分钟');
    }
    if (!params.after_sales_status || !params.after_sales_type) {
      return errorResponse(PARAMETER_ERROR_CODE, 'after_sales_status and after_sales_type are required');
    }
    const matching = [...this.cases.values()]
      .filter((refund) => refund.mallId === mallId && refund.updatedAt >= start && refund.updatedAt <= end)
      .sort((a, b) => a.updatedAt - b.updatedAt || a.id.localeCompare(b.id));
    const rows = matching.slice((page - 1) * size, page * size).map((refund) => this.listRow(refund));
    return ok(PDD_METHODS.refundList, { total_count: matching.length, refund_list: rows });
  }

  private information(params: Record<string, string>, mallId: string): SandboxResponse {
    const refund = this.find(params.after_sales_id, params.order_sn, mallId);
    if (!refund) return errorResponse(PARAMETER_ERROR_CODE, '售后单不存在');
    const amount = (fen: number): number => (PDD_DETAIL_AMOUNT_UNIT === 'fen' ? fen : fen / 100);
    return ok(PDD_METHODS.refundInformation, {
      id: new LosslessNumber(refund.id),
      order_sn: refund.orderSn,
      after_sales_status: refund.status,
      after_sales_type: DETAIL_TYPE_OF_LIST_TYPE[refund.listType],
      after_sales_reason: refund.reason,
      refund_amount: amount(refund.refundFen),
      order_amount: amount(refund.orderFen),
      discount_amount: 0,
      goods_price: amount(refund.goods.priceFen),
      goods_number: refund.goods.quantity,
      goods_name: refund.goods.name,
      express_no: refund.tracking ?? '',
      shipping_name: refund.tracking ? '圆通速递' : '',
      shipping_status: 1,
      images: refund.images,
      remark: '',
      join_or_not: '0',
      expire_time: this.awaitsMerchant(refund) ? (refund.updatedAt + 48 * 3600) * 1000 : null,
      confirm_time: (refund.createdAt - 3 * 86400) * 1000,
      recreated_at: refund.createdAt * 1000,
      updated_time: gmt8(refund.updatedAt),
      speed_refund_flag: 0,
      user_shipping_status: '2',
      dispute_refund_status: 0,
    });
  }

  /** The order behind the cases, shipped three days before the case: received or still on its way. */
  private orderInformation(params: Record<string, string>, mallId: string): SandboxResponse {
    if (!params.order_sn) return errorResponse(PARAMETER_ERROR_CODE, 'order_sn不能为空');
    const refund = [...this.cases.values()].find(
      (candidate) => candidate.orderSn === params.order_sn && candidate.mallId === mallId,
    );
    if (!refund) return errorResponse(PARAMETER_ERROR_CODE, '订单不存在');
    const shipped = Math.min(refund.createdAt - 3 * 86400, (refund.receivedAt ?? Infinity) - 86400);
    return ok(PDD_METHODS.orderInformation, {
      order_info: {
        order_sn: refund.orderSn,
        order_status: refund.receivedAt === null ? 2 : 3,
        confirm_time: gmt8(shipped - 3600),
        shipping_time: gmt8(shipped),
        receive_time: refund.receivedAt === null ? '' : gmt8(refund.receivedAt),
      },
    });
  }

  private agree(params: Record<string, string>, mallId: string): SandboxResponse {
    const request = this.parseRequest(params);
    if (!request) return errorResponse(PARAMETER_ERROR_CODE, 'request is required');
    const refund = this.find(request.after_sales_id, request.order_sn, mallId);
    const allowed = refund && this.awaitsMerchant(refund);
    if (refund && allowed) {
      refund.status = STATUS.merchantAgreed;
      this.touch(refund);
    }
    return ok(PDD_METHODS.refundAgree, {
      result: {
        after_sales_id: new LosslessNumber(refund?.id ?? String(request.after_sales_id ?? 0)),
        order_sn: String(request.order_sn ?? ''),
        succ: Boolean(allowed),
        message: !refund ? '售后单不存在' : allowed ? '退款操作成功' : '当前售后状态不允许同意退款',
      },
    });
  }

  private agreeReturn(params: Record<string, string>, mallId: string): SandboxResponse {
    const request = this.parseRequest(params);
    if (!request) return errorResponse(PARAMETER_ERROR_CODE, 'request is required');
    const refund = this.find(request.after_sales_id, request.order_sn, mallId);
    const addressKnown = String(request.return_address_id) === this.addressId;
    let failure: string | null = null;
    if (!refund) failure = '售后单不存在';
    else if (
      refund.listType !== LIST_TYPE_RETURN_REFUND ||
      refund.status !== STATUS.returnRequested ||
      refund.tracking
    ) {
      failure = '当前售后状态不允许同意退货';
    } else if (!addressKnown) failure = '退货地址不存在';
    else if (!request.operate_desc) failure = 'operate_desc 不能为空';
    if (refund && !failure) {
      refund.status = STATUS.awaitingReturn;
      this.touch(refund);
    }
    return ok(PDD_METHODS.returnGoodsAgree, {
      success: !failure,
      error_code: failure ? 1000001 : 0,
      error_msg: failure ?? '',
      result: {
        after_sales_id: new LosslessNumber(refund?.id ?? String(request.after_sales_id ?? 0)),
        order_sn: String(request.order_sn ?? ''),
        success: !failure,
        message: failure ?? '同意退货成功',
      },
    });
  }

  private addressRow(mallId: string): Record<string, unknown> {
    return {
      id: new LosslessNumber(this.addressId),
      refund_address_id: this.addressId,
      refund_name: '售后仓 张三',
      refund_phone: '13800138000',
      refund_tel: '',
      province_id: 31,
      province_name: '上海市',
      city_id: 388,
      city_name: '上海市',
      district_id: 3231,
      district_name: '长宁区',
      refund_address: '娄山关路 523 号 5 楼售后部',
      is_default: '1',
      is_legal: true,
      is_validated: true,
      mall_id: new LosslessNumber(mallId),
    };
  }

  private awaitsMerchant(refund: SandboxRefund): boolean {
    return refund.status === STATUS.refundRequested || refund.status === STATUS.returnRequested;
  }

  private parseRequest(params: Record<string, string>): Record<string, unknown> | null {
    try {
      const value: unknown = JSON.parse(params.request ?? '');
      return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  private find(id: unknown, sn: unknown, mallId: string): SandboxRefund | undefined {
    const refund = this.cases.get(String(id));
    return refund && refund.orderSn === String(sn) && refund.mallId === mallId ? refund : undefined;
  }

  private listRow(refund: SandboxRefund): Record<string, unknown> {
    return {
      id: new LosslessNumber(refund.id),
      order_sn: refund.orderSn,
      after_sales_status: refund.status,
      after_sales_type: refund.listType,
      after_sale_reason: refund.reason,
      refund_amount: minorToDecimal(refund.refundFen, 'CNY'),
      order_amount: minorToDecimal(refund.orderFen, 'CNY'),
      discount_amount: '0.00',
      goods_price: minorToDecimal(refund.goods.priceFen, 'CNY'),
      goods_number: String(refund.goods.quantity),
      goods_id: new LosslessNumber(refund.goods.id),
      goods_name: refund.goods.name,
      good_image: `https://img.pddpic.com/goods/${refund.goods.id}.jpeg`,
      sku_id: refund.goods.id,
      outer_goods_id: refund.goods.sku.split('-')[0],
      outer_id: refund.goods.sku,
      tracking_number: refund.tracking ?? '',
      shipping_name: refund.tracking ? '圆通速递' : '',
      confirm_time: gmt8(refund.createdAt - 3 * 86400),
      created_time: gmt8(refund.createdAt),
      updated_time: gmt8(refund.updatedAt),
      speed_refund_flag: 0,
      speed_refund_status: '',
      user_shipping_status: '2',
      dispute_refund_status: 0,
    };
  }
}
