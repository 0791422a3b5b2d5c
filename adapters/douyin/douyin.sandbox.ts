import { randomBytes } from 'node:crypto';
import { LosslessNumber } from 'lossless-json';
import type { MarketplaceSandbox, SandboxPushTarget } from '../contract';
import { HttpSandbox } from '../shared/http-sandbox';
import { generateOrder, pick, SAMPLE_REASONS } from '../shared/case-generator';
import { toUnixSeconds } from '../shared/china-time';
import { parseLosslessJson, stringifyLosslessJson } from '../shared/lossless-json';
import {
  bigId,
  postPush,
  SandboxHttpServer,
  shufflePushes,
  type SandboxRequest,
  type SandboxResponse,
} from '../shared/sandbox-server';
import { md5Hex, safeEqual } from '../shared/signing';
import { douyinMethod, signDouyin } from './douyin.client';
import { DOUYIN_STATE_CHANGED_SUB_CODE, DOUYIN_THROTTLE_ERROR } from './douyin.errors';

/** [U] How far `timestamp` may drift; the docs ask for the current unix time without naming a window. */
export const DOUYIN_TIMESTAMP_TOLERANCE_SECONDS = 10 * 60;
import {
  DOUYIN_OPERATE_ITEM_SUCCESS,
  DOUYIN_OPERATE_TYPES,
  DOUYIN_PATHS,
  DOUYIN_SUCCESS_CODE,
  type DouyinOperateItem,
  type DouyinPath,
  type DouyinPushMessage,
} from './douyin.types';

const TYPE_OF_KIND = { refund_only: 1, return_refund: 0, exchange: 3, complaint: 1 } as const;
const REFUND_ONLY_TYPES = new Set([1, 2]);
const RETURN_TYPES = new Set([0, 3]);
const STATUS = {
  awaitingMerchant: 6,
  awaitingBuyerReturn: 7,
  awaitingMerchantShipment: 8,
  returnShipped: 11,
  succeeded: 12,
  refusedFirst: 27,
  refusedSecond: 29,
} as const;
const REFUND_STATUS = { pending: 1, succeeded: 3 } as const;
const PUSH_BATCH = 3;
const DEADLINE_SECONDS = 48 * 60 * 60;

/** What a connection to one more shop of the same app carries: the app's key and secret, the shop's token. */
export interface SandboxDouyinShop {
  shopId: string;
  credentials: Record<string, string>;
}

interface SandboxAftersale {
  id: string;
  shopId: string;
  shopOrderId: string;
  skuOrderId: string;
  productId: string;
  shopSku: string;
  productName: string;
  priceFen: number;
  quantity: number;
  type: number;
  status: number;
  refundStatus: number;
  refundFen: number;
  postFen: number;
  reason: string;
  reasonCode: number;
  evidence: string[];
  returnTracking: string | null;
  applyTime: number;
  updateTime: number;
  /** When the carrier delivered the sub-order to the buyer (unix seconds), 0 while not delivered. */
  deliveredAt: number;
}

function envelope(
  code: number,
  msg: string,
  subCode = '',
  subMsg = '',
  data: unknown = null,
): SandboxResponse {
  return {
    status: 200,
    body: stringifyLosslessJson({
      code,
      msg,
      sub_code: subCode,
      sub_msg: subMsg,
      log_id: randomBytes(12).toString('hex'),
      data,
    }),
  };
}

const success = (data: unknown): SandboxResponse => envelope(DOUYIN_SUCCESS_CODE, 'success', '', '', data);
const big = (id: string): LosslessNumber => new LosslessNumber(id);

/**
 * A fake Douyin Shop gateway: `POST /afterSale/{List,Detail,operate}` with the signed query string and a
 * `param_json` body, `{code:10000,…}` envelopes, and `event-sign` pushes whose bodies are JSON arrays of
 * `{tag, msg_id, data}` with int64 ids written as bare numbers inside `data`.
 */
export class DouyinSandbox extends HttpSandbox implements MarketplaceSandbox {
  readonly platform = 'douyin' as const;
  readonly shopId = '4463798';
  readonly credentials: Record<string, string>;
  private readonly cases = new Map<string, SandboxAftersale>();
  private target: SandboxPushTarget | null = null;
  /** Shops that authorised the app, by their access token; the first is the sandbox's own `shopId`. */
  private readonly shops = new Map<string, string>();
  /** The shop whose token signed the call being answered (calls are answered one at a time). */
  private caller: string | null = null;
  protected readonly http = new SandboxHttpServer(
    (request, fault) => this.handle(request, fault),
    (request) => request.query.method ?? null,
  );

  constructor() {
    super();
    this.credentials = {
      appKey: bigId('7'),
      appSecret: randomBytes(16).toString('hex'),
      accessToken: randomBytes(18).toString('hex'),
      // A saved return address (`/address/list` → address_id), the only form afterSale/operate still takes.
      returnAddressId: bigId('5'),
    };
    this.shops.set(this.credentials.accessToken, this.shopId);
  }

  /**
   * Another shop authorises the same app: a token of its own and after-sales only it can read. Douyin has one
   * push URL per app, so its messages go to the same target, each naming its `shop_id`.
   */
  addShop(shopId: string): SandboxDouyinShop {
    const accessToken = randomBytes(18).toString('hex');
    this.shops.set(accessToken, shopId);
    return { shopId, credentials: { ...this.credentials, accessToken } };
  }

  async generateCases(count: number): Promise<string[]> {
    return this.generateCasesFor(this.shopId, count);
  }

  setPushTarget(target: SandboxPushTarget | null): void {
    this.target = target;
  }

  /** After-sales of one shop of the app, pushed to the app's URL. */
  async generateCasesFor(shopId: string, count: number): Promise<string[]> {
    if (![...this.shops.values()].includes(shopId)) throw new Error(`no shop ${shopId}`);
    const created: SandboxAftersale[] = [];
    for (let i = 0; i < count; i += 1) {
      const reason = pick(SAMPLE_REASONS);
      const order = generateOrder();
      const line = order.lines[0];
      const now = this.clock();
      const aftersale: SandboxAftersale = {
        id: bigId('7'),
        shopId,
        shopOrderId: bigId('6'),
        skuOrderId: bigId('6'),
        productId: bigId('3'),
        shopSku: line.sku,
        productName: line.title,
        priceFen: line.priceMinor,
        quantity: line.quantity,
        type: TYPE_OF_KIND[reason.kind],
        status: STATUS.awaitingMerchant,
        refundStatus: REFUND_STATUS.pending,
        refundFen: Math.min(order.requestedMinor, line.priceMinor * line.quantity),
        postFen: reason.kind === 'return_refund' ? 0 : 600,
        reason: reason.text,
        reasonCode: 100 + SAMPLE_REASONS.indexOf(reason),
        evidence: reason.code === 'damaged' ? [`https://p3-aftersale.ecombdimg.com/${bigId('1')}.jpeg`] : [],
        returnTracking: null,
        applyTime: now,
        updateTime: now,
        // A buyer whose parcel never came has nothing delivered; the others received it a day ago.
        deliveredAt: reason.code === 'not_received' ? 0 : now - 86400,
      };
      this.cases.set(aftersale.id, aftersale);
      created.push(aftersale);
    }
    await this.push(created.map((aftersale) => this.message('200', aftersale)));
    return created.map((aftersale) => aftersale.id);
  }

  /** Buyers ship agreed returns back (tag 203). */
  async advanceCases(count: number): Promise<string[]> {
    const moved: SandboxAftersale[] = [];
    for (const aftersale of this.cases.values()) {
      if (moved.length >= count) break;
      if (aftersale.status !== STATUS.awaitingBuyerReturn) continue;
      aftersale.status = STATUS.returnShipped;
      aftersale.returnTracking = `SF${bigId('1').slice(0, 12)}`;
      this.touch(aftersale);
      moved.push(aftersale);
    }
    await this.push(moved.map((aftersale) => this.message('203', aftersale)));
    return moved.map((aftersale) => aftersale.id);
  }

  /** When the carrier delivered the case's sub-order (`logistics_receipt_time`), or null: not delivered. */
  deliverOrder(externalId: string, at: Date | null): void {
    const aftersale = this.cases.get(externalId);
    if (!aftersale) throw new Error(`no case ${externalId}`);
    aftersale.deliveredAt = at ? toUnixSeconds(at) : 0;
  }

  caseState(externalId: string): unknown {
    const aftersale = this.cases.get(externalId);
    return aftersale
      ? parseLosslessJson(stringifyLosslessJson(this.listItem(aftersale).aftersale_info))
      : undefined;
  }

  private clock(): number {
    return toUnixSeconds(new Date());
  }

  /** `update_time` is the optimistic lock, so it must move forward on every change. */
  private touch(aftersale: SandboxAftersale): void {
    aftersale.updateTime = Math.max(this.clock(), aftersale.updateTime + 1);
  }

  private handle(
    request: SandboxRequest,
    fault: 'throttle' | 'server_error' | 'timeout' | null,
  ): SandboxResponse {
    const path = Object.values(DOUYIN_PATHS).find((candidate) => candidate === request.path);
    if (request.method !== 'POST' || !path)
      return { status: 404, body: { code: 40004, msg: 'api not found' } };
    const { query } = request;
    if (query.app_key !== this.credentials.appKey || query.method !== douyinMethod(path) || query.v !== '2') {
      return envelope(40001, '缺少必选参数或参数不正确', 'isv.missing-parameter', 'app_key/method/v');
    }
    const expected = signDouyin({
      appKey: this.credentials.appKey,
      appSecret: this.credentials.appSecret,
      method: query.method,
      paramJson: request.body,
      timestamp: query.timestamp ?? '',
    });
    if (query.sign_method !== 'hmac-sha256' || !query.sign || !safeEqual(query.sign, expected)) {
      return envelope(40003, '业务处理失败', 'isv.signature-invalid', '签名校验失败');
    }
    const timestamp = Number(query.timestamp);
    if (
      !Number.isInteger(timestamp) ||
      Math.abs(timestamp - this.clock()) > DOUYIN_TIMESTAMP_TOLERANCE_SECONDS
    ) {
      return envelope(
        40004,
        '非法的参数',
        'isv.parameter-invalid:timestamp',
        'timestamp 与服务器时间相差过大',
      );
    }
    const shop = this.shops.get(query.access_token ?? '');
    if (!shop) {
      return envelope(40003, '业务处理失败', 'isv.access-token-expired', 'access_token已过期');
    }
    this.caller = shop;
    if (fault === 'throttle') {
      return envelope(
        DOUYIN_THROTTLE_ERROR.code,
        '请求过于频繁',
        DOUYIN_THROTTLE_ERROR.subCode,
        '超过调用频率限制',
      );
    }
    if (fault === 'server_error') return { status: 500, body: 'Internal Server Error' };
    let params: Record<string, unknown>;
    try {
      params = parseLosslessJson(request.body) as Record<string, unknown>;
    } catch {
      return envelope(40003, '业务处理失败', 'isv.parameter-format-invalid', 'param_json 不是 JSON');
    }
    return this.route(path, params);
  }

  private route(path: DouyinPath, params: Record<string, unknown>): SandboxResponse {
    switch (path) {
      case DOUYIN_PATHS.list:
        return this.list(params);
      case DOUYIN_PATHS.detail: {
        const aftersale = this.ownCase(String(params.after_sale_id));
        return aftersale
          ? success(this.detail(aftersale))
          : envelope(40004, '非法的参数', 'isv.parameter-invalid:11000', '参数错误，售后单ID错误');
      }
      case DOUYIN_PATHS.operate:
        return this.operate(params);
      case DOUYIN_PATHS.orderDetail:
        return this.orderDetail(params);
    }
  }

  /** The shop order behind cases, ids as strings as the order API writes them; shipped three days before. */
  private orderDetail(params: Record<string, unknown>): SandboxResponse {
    const shopOrderId = params.shop_order_id === undefined ? '' : String(params.shop_order_id);
    if (!shopOrderId) {
      return envelope(40004, '非法的参数', 'isv.parameter-invalid:shop_order_id', 'shop_order_id不能为空');
    }
    const lines = [...this.cases.values()].filter(
      (aftersale) => aftersale.shopOrderId === shopOrderId && aftersale.shopId === this.caller,
    );
    if (lines.length === 0) return envelope(40004, '非法的参数', 'isv.parameter-invalid', '订单不存在');
    return success({
      shop_order_detail: {
        order_id: shopOrderId,
        sku_order_list: lines.map((aftersale) => ({
          order_id: aftersale.skuOrderId,
          parent_order_id: shopOrderId,
          ship_time: Math.min(aftersale.applyTime, aftersale.deliveredAt || Infinity) - 3 * 86400,
          logistics_receipt_time: aftersale.deliveredAt,
          confirm_receipt_time: 0,
        })),
      },
    });
  }

  /** A shop's token reads and decides only its own after-sales; another shop's is as unknown as a made-up id. */
  private ownCase(id: string): SandboxAftersale | undefined {
    const aftersale = this.cases.get(id);
    return aftersale && aftersale.shopId === this.caller ? aftersale : undefined;
  }

  private list(params: Record<string, unknown>): SandboxResponse {
    const start = Number(params.update_start_time ?? 0);
    const end = Number(params.update_end_time ?? Number.MAX_SAFE_INTEGER);
    const page = Number(params.page ?? 0);
    const size = Math.min(Number(params.size ?? 10), 100);
    if (!Number.isInteger(page) || page < 0 || !Number.isInteger(size) || size < 1) {
      return envelope(40003, '业务处理失败', 'isv.parameter-format-invalid', 'page/size');
    }
    const matching = [...this.cases.values()]
      .filter((aftersale) => aftersale.shopId === this.caller)
      .filter((aftersale) => aftersale.updateTime >= start && aftersale.updateTime <= end)
      .sort((a, b) => a.updateTime - b.updateTime || a.id.localeCompare(b.id));
    const items = matching.slice(page * size, (page + 1) * size).map((aftersale) => this.listItem(aftersale));
    return success({
      items,
      has_more: (page + 1) * size < matching.length,
      total: matching.length,
      page,
      size,
    });
  }

  /**
   * Up to 20 items; any item that cannot be applied fails the whole request (the docs: 批量请求时任意一个售后单
   * 操作失败，整个请求均失败), so the items are checked on copies and applied only when all pass.
   */
  private operate(params: Record<string, unknown>): SandboxResponse {
    const type = Number(params.type);
    const items = Array.isArray(params.items) ? (params.items as DouyinOperateItem[]) : [];
    if (items.length === 0) return envelope(40002, '缺少必选参数', 'isv.missing-parameter:items', 'items');
    if (items.length > 20)
      return envelope(40004, '非法的参数', 'isv.parameter-invalid:items', '最多20个售后单');
    const planned: [SandboxAftersale, SandboxAftersale][] = [];
    for (const item of items) {
      const aftersale = this.ownCase(String(item.aftersale_id));
      if (!aftersale) return envelope(20000, '系统错误', 'isp.service-error:10000', '存在无效的售后单');
      if ('after_sale_address_detail' in ((item.logistics ?? {}) as object)) {
        return envelope(
          40004,
          '非法的参数',
          'isv.parameter-invalid:11000',
          'after_sale_address_detail已下线，请使用receiver_address_id',
        );
      }
      if (item.update_time !== undefined && Number(item.update_time) !== aftersale.updateTime) {
        return envelope(50002, '业务处理失败', DOUYIN_STATE_CHANGED_SUB_CODE, '售后状态错误');
      }
      const copy = { ...aftersale };
      const failure = this.apply(type, item, copy);
      if (failure) return envelope(50002, '业务处理失败', DOUYIN_STATE_CHANGED_SUB_CODE, failure);
      planned.push([aftersale, copy]);
    }
    for (const [aftersale, copy] of planned) {
      Object.assign(aftersale, copy);
      this.touch(aftersale);
    }
    return success({
      items: planned.map(([aftersale]) => ({
        aftersale_id: big(aftersale.id),
        status_code: DOUYIN_OPERATE_ITEM_SUCCESS,
        status_msg: 'success',
      })),
    });
  }

  /** Applies one operation with the platform's state rules; returns why it was refused, or null. */
  private apply(type: number, item: DouyinOperateItem, aftersale: SandboxAftersale): string | null {
    const awaiting = aftersale.status === STATUS.awaitingMerchant;
    const refundOnly = REFUND_ONLY_TYPES.has(aftersale.type);
    const returned = aftersale.status === STATUS.returnShipped;
    const refusal = (): string | null =>
      item.reject_reason_code && (item.reason || item.remark) ? null : '拒绝操作需填写拒绝原因码和原因';
    switch (type) {
      case DOUYIN_OPERATE_TYPES.agreeRefund:
        if (!awaiting || !refundOnly) return '当前售后状态不支持同意退款';
        aftersale.status = STATUS.succeeded;
        aftersale.refundStatus = REFUND_STATUS.succeeded;
        return null;
      case DOUYIN_OPERATE_TYPES.refuseRefund:
        if (!awaiting || !refundOnly) return '当前售后状态不支持拒绝退款';
        if (refusal()) return refusal();
        aftersale.status = STATUS.refusedFirst;
        return null;
      case DOUYIN_OPERATE_TYPES.agreeReturn:
        if (!awaiting || !RETURN_TYPES.has(aftersale.type)) return '当前售后状态不支持同意退货';
        if (!item.logistics?.receiver_address_id) return '请填写退货地址';
        aftersale.status = STATUS.awaitingBuyerReturn;
        return null;
      case DOUYIN_OPERATE_TYPES.refuseReturnRequest:
        if (!awaiting || !RETURN_TYPES.has(aftersale.type)) return '当前售后状态不支持拒绝退货申请';
        if (refusal()) return refusal();
        aftersale.status = STATUS.refusedFirst;
        return null;
      case DOUYIN_OPERATE_TYPES.agreeRefundAfterReturn:
        if (!returned) return '买家尚未退货';
        if (aftersale.type === 0) {
          aftersale.status = STATUS.succeeded;
          aftersale.refundStatus = REFUND_STATUS.succeeded;
        } else {
          aftersale.status = STATUS.awaitingMerchantShipment;
        }
        return null;
      case DOUYIN_OPERATE_TYPES.refuseAfterReturn:
        if (!returned) return '买家尚未退货';
        if (refusal()) return refusal();
        aftersale.status = STATUS.refusedSecond;
        return null;
      default:
        return `不支持的操作类型 ${type}`;
    }
  }

  private listItem(
    aftersale: SandboxAftersale,
  ): { aftersale_info: Record<string, unknown> } & Record<string, unknown> {
    return {
      aftersale_info: {
        aftersale_id: aftersale.id,
        aftersale_order_type: 1,
        aftersale_type: aftersale.type,
        aftersale_status: aftersale.status,
        related_id: aftersale.skuOrderId,
        apply_time: aftersale.applyTime,
        update_time: aftersale.updateTime,
        create_time: aftersale.applyTime,
        status_deadline:
          aftersale.status === STATUS.awaitingMerchant ? aftersale.updateTime + DEADLINE_SECONDS : 0,
        refund_amount: aftersale.refundFen,
        refund_post_amount: aftersale.postFen,
        refund_tax_amount: 0,
        return_promotion_amount: 0,
        aftersale_num: aftersale.quantity,
        part_type: 0,
        aftersale_refund_type: 0,
        refund_type: 2,
        refund_status: aftersale.refundStatus,
        arbitrate_status: 0,
        return_logistics_code: aftersale.returnTracking ?? '',
        return_logistics_company_name: aftersale.returnTracking ? '顺丰速运' : '',
        got_pkg: 1,
        remark: '',
        reason_second_labels: [{ code: aftersale.reasonCode, name: aftersale.reason.slice(0, 6) }],
      },
      order_info: {
        shop_order_id: aftersale.shopOrderId,
        related_order_info: [
          {
            sku_order_id: aftersale.skuOrderId,
            order_status: 3,
            pay_amount: aftersale.priceFen * aftersale.quantity,
            item_num: aftersale.quantity,
            product_name: aftersale.productName,
            product_id: big(aftersale.productId),
            shop_sku_code: aftersale.shopSku,
            aftersale_item_num: aftersale.quantity,
            price: aftersale.priceFen,
          },
        ],
        order_flag: 0,
      },
      text_part: { reason_text: aftersale.reason, aftersale_status_text: String(aftersale.status) },
    };
  }

  private detail(aftersale: SandboxAftersale): unknown {
    return {
      process_info: {
        after_sale_info: {
          after_sale_id: big(aftersale.id),
          after_sale_status: aftersale.status,
          after_sale_type: aftersale.type,
          refund_status: aftersale.refundStatus,
          refund_total_amount: aftersale.refundFen + aftersale.postFen,
          refund_post_amount: aftersale.postFen,
          real_refund_amount:
            aftersale.refundStatus === REFUND_STATUS.succeeded ? aftersale.refundFen + aftersale.postFen : 0,
          apply_time: aftersale.applyTime,
          update_time: aftersale.updateTime,
          reason: aftersale.reason,
          reason_code: aftersale.reasonCode,
          reason_remark: '',
          evidence: aftersale.evidence,
          status_deadline:
            aftersale.status === STATUS.awaitingMerchant ? aftersale.updateTime + DEADLINE_SECONDS : 0,
          got_pkg: 1,
        },
        arbitrate_info: { arbitrate_status: 0 },
      },
      order_info: {
        shop_order_id: big(aftersale.shopOrderId),
        sku_order_infos: [
          {
            sku_order_id: big(aftersale.skuOrderId),
            product_name: aftersale.productName,
            shop_sku_code: aftersale.shopSku,
            sku_id: big(aftersale.productId),
            item_quantity: aftersale.quantity,
            after_sale_item_count: aftersale.quantity,
            sku_pay_amount: aftersale.priceFen * aftersale.quantity,
          },
        ],
      },
    };
  }

  private message(tag: string, aftersale: SandboxAftersale): DouyinPushMessage {
    const data = stringifyLosslessJson({
      aftersale_id: big(aftersale.id),
      aftersale_status: aftersale.status,
      aftersale_type: aftersale.type,
      apply_time: aftersale.applyTime,
      p_id: big(aftersale.shopOrderId),
      s_id: big(aftersale.skuOrderId),
      shop_id: big(aftersale.shopId),
      reason_code: aftersale.reasonCode,
      refund_amount: aftersale.refundFen,
      refund_post_amount: aftersale.postFen,
      refund_voucher_num: 0,
      update_time: aftersale.updateTime,
    });
    return { tag, msg_id: bigId('7'), data };
  }

  /** Messages go out in small JSON-array batches, each signed with `event-sign`. */
  private async push(messages: DouyinPushMessage[]): Promise<void> {
    const target = this.target;
    if (!target || messages.length === 0) return;
    const ordered = shufflePushes(messages, this.http.duplicateRatio, this.http.reorderRatio);
    for (let i = 0; i < ordered.length; i += PUSH_BATCH) {
      const body = JSON.stringify(ordered.slice(i, i + PUSH_BATCH));
      const sign = md5Hex(`${this.credentials.appKey}${body}${this.credentials.appSecret}`);
      await postPush(target.url, body, { 'event-sign': sign });
    }
  }
}
