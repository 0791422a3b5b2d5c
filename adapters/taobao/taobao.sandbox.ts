import { randomBytes } from 'node:crypto';
import type { MarketplaceSandbox } from '../contract';
import { HttpSandbox } from '../shared/http-sandbox';
import {
  generateOrder,
  pick,
  SAMPLE_BUYERS,
  SAMPLE_REASONS,
  type GeneratedReason,
} from '../shared/case-generator';
import { formatGmt8, parseGmt8 } from '../shared/china-time';
import { stringifyLosslessJson } from '../shared/lossless-json';
import { minorToDecimal, decimalToMinor } from '../shared/money';
import {
  bigId,
  SandboxHttpServer,
  shufflePushes,
  type SandboxRequest,
  type SandboxResponse,
} from '../shared/sandbox-server';
import { safeEqual } from '../shared/signing';
import { signTopParams } from './taobao.client';
import {
  TOP_NOT_FOUND_SUB_CODES,
  TOP_STALE_VERSION_SUB_CODES,
  TOP_THROTTLE_SUB_CODES,
} from './taobao.errors';
import { TOP_METHODS, TOP_SIGN_METHODS, topResponseKey, type TopSignMethod } from './taobao.types';

/** The refund as the sandbox keeps it: TOP field names, ids as decimal strings (rendered as bare numbers). */
export interface SandboxTopRefund {
  refund_id: string;
  tid: string;
  oid: string;
  status: string;
  good_status: string;
  has_good_return: boolean;
  refund_fee: string;
  total_fee: string;
  payment: string;
  price: string;
  reason: string;
  desc: string;
  title: string;
  num: number;
  num_iid: string;
  outer_id: string;
  sku: string;
  company_name?: string;
  sid?: string;
  address?: string;
  created: string;
  modified: string;
  refund_phase: 'onsale' | 'aftersale';
  order_status: string;
  /** Marked by `taobao.rp.refund.review` (Tmall): may be agreed in a batch. */
  reviewed: boolean;
  refund_version: number;
  cs_status: number;
  dispute_type: string;
  buyer_nick: string;
  buyer_open_uid: string;
  seller_nick: string;
  refund_remind_timeout: { exist_timeout: boolean; remind_type: number; timeout: string };
  messages: { id: string; content: string; created: string }[];
}

/** The parcel of an order, as the carrier's trace tells it: shipped, and signed for or not yet. */
interface SandboxShipment {
  company_name: string;
  out_sid: string;
  consigned: Date;
  signed: Date | null;
}

interface QueuedMessage {
  id: string;
  topic: string;
  pub_time: string;
  content: string;
  seller: SandboxTopSeller;
}

/** A seller who authorised the app: its own session, its own refunds; its TMC messages share the app's queue. */
export interface SandboxTopSeller {
  nick: string;
  userId: string;
  sessionKey: string;
}

/** What a connection to one more shop of the same app carries: the app's key and secret, the shop's session. */
export interface SandboxTopShop {
  shopId: string;
  userId: string;
  credentials: Record<string, string>;
}

/** The reason labels a TOP buyer picks from, by the generator's reason code. */
const TOP_REASON_LABELS: Record<string, string> = {
  damaged: '商品破损/少件',
  quality: '质量问题',
  not_received: '快递/物流一直未送到',
  logistics_slow: '未按约定时间发货',
  size: '尺码拍错/不喜欢/效果不好',
  not_as_described: '商品与描述不符',
  double_charge: '多拍/拍错/不想要',
  service: '协商一致退款',
  no_reason: '七天无理由退换货',
  missing_item: '少件/漏发',
  escalation: '其他',
};

const DISPUTE_TYPES: Record<GeneratedReason['kind'], string> = {
  refund_only: 'REFUND',
  return_refund: 'REFUND_AND_RETURN',
  exchange: 'TAOBAO_EXCHANGE',
  complaint: 'REFUND',
};

const AGREEABLE = ['WAIT_SELLER_AGREE', 'WAIT_SELLER_CONFIRM_GOODS'];
const TIMESTAMP_TOLERANCE_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** [U] Above this agreed amount the sandbox asks for an SMS code, as TOP does above an unpublished limit. */
export const SANDBOX_SMS_THRESHOLD_FEN = 200_000;
const SELLER_NICK = '沙箱旗舰店';
const SELLER_USER_ID = '2200000000001';
/** What a buyer adds when modifying the request, once per refund. */
const BUYER_NOTE = '（买家已补充说明）';

class TopFailure extends Error {
  constructor(
    readonly code: number,
    readonly msg: string,
    readonly subCode?: string,
    readonly subMsg?: string,
  ) {
    super(msg);
  }
}

function failure(subCode: string, subMsg: string): TopFailure {
  return new TopFailure(15, 'Remote service error', subCode, subMsg);
}

function missing(name: string): TopFailure {
  return new TopFailure(
    40,
    'Missing required arguments',
    `isv.missing-parameter:${name}`,
    `${name} is required`,
  );
}

/** Ids go out as bare JSON numbers, as TOP sends them, so clients must parse losslessly. */
function wireRefund(refund: SandboxTopRefund): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...refund };
  delete fields.messages;
  delete fields.reviewed;
  return {
    ...fields,
    refund_id: BigInt(refund.refund_id),
    tid: BigInt(refund.tid),
    oid: BigInt(refund.oid),
    num_iid: BigInt(refund.num_iid),
  };
}

function readParams(request: SandboxRequest): Record<string, string> {
  return { ...request.query, ...Object.fromEntries(new URLSearchParams(request.body)) };
}

/**
 * A fake TOP gateway: `POST /router/rest` form-encoded, signature (md5 / hmac / hmac-sha256), session and
 * timestamp checked on every call, refunds with TOP's state rules, and a TMC queue served through
 * `taobao.tmc.messages.consume` / `confirm` where unconfirmed messages are delivered again.
 */
export class TaobaoSandbox extends HttpSandbox implements MarketplaceSandbox {
  readonly platform = 'taobao' as const;
  readonly shopId = SELLER_NICK;
  readonly credentials: Record<string, string>;
  private readonly smsCodes = new Map<string, string>();
  private readonly refunds = new Map<string, SandboxTopRefund>();
  private readonly shipments = new Map<string, SandboxShipment>();
  private readonly queue: QueuedMessage[] = [];
  /** Sellers by session key; the first is the shop the sandbox's own `shopId` and `credentials` name. */
  private readonly sellers = new Map<string, SandboxTopSeller>();
  private readonly defaultSeller: SandboxTopSeller;
  /** The seller whose session signed the call being answered (calls are answered one at a time). */
  private caller: SandboxTopSeller | null = null;
  protected readonly http = new SandboxHttpServer(
    (request, fault) => this.handle(request, fault),
    (request) => readParams(request).method ?? null,
  );

  /** A Tmall shop (B) by default; a Taobao shop (C) takes different parameters on the same APIs. */
  constructor(readonly shopType: 'tmall' | 'taobao' = 'tmall') {
    super();
    this.credentials = {
      appKey: String(20000000 + Math.floor(Math.random() * 9000000)),
      appSecret: randomBytes(16).toString('hex'),
      sessionKey: `6100${randomBytes(20).toString('hex')}`,
      shopType,
    };
    this.defaultSeller = {
      nick: SELLER_NICK,
      userId: SELLER_USER_ID,
      sessionKey: this.credentials.sessionKey,
    };
    this.sellers.set(this.defaultSeller.sessionKey, this.defaultSeller);
  }

  /**
   * Another seller authorises the same app: a session of its own, refunds only it can read, and TMC messages
   * in the app's one queue, each naming the seller by `user_id` and `user_nick`.
   */
  /** The developer resets the app secret in the console: calls signed with the old one are refused (code 25). */
  resetAppSecret(secret: string): void {
    this.credentials.appSecret = secret;
  }

  addShop(nick: string): SandboxTopShop {
    const seller: SandboxTopSeller = {
      nick,
      userId: String(2200000000002 + this.sellers.size),
      sessionKey: `6100${randomBytes(20).toString('hex')}`,
    };
    this.sellers.set(seller.sessionKey, seller);
    return {
      shopId: nick,
      userId: seller.userId,
      credentials: { ...this.credentials, sessionKey: seller.sessionKey },
    };
  }

  /** Cases of one seller of the app (by nick), announced on the app's TMC queue. */
  generateCasesFor(shopId: string, count: number): string[] {
    const seller = [...this.sellers.values()].find((candidate) => candidate.nick === shopId);
    if (!seller) throw new Error(`no seller ${shopId}`);
    const created: SandboxTopRefund[] = [];
    for (let i = 0; i < count; i += 1) created.push(this.createRefund(seller));
    this.enqueue(created.map((refund) => ['taobao_refund_RefundCreated', refund]));
    return created.map((refund) => refund.refund_id);
  }

  /** The code texted to the seller for a large agree of this refund, once asked for. */
  smsCodeFor(refundId: string): string | undefined {
    return this.smsCodes.get(refundId);
  }

  /** Changes what a refund asks for (and what the order looked like), as a buyer's modification would. */
  modifyRefund(
    refundId: string,
    change: { refundFen?: number; orderStatus?: string; reason?: string },
  ): void {
    const refund = this.refunds.get(refundId);
    if (!refund) throw new Error(`no refund ${refundId}`);
    if (change.refundFen !== undefined) {
      refund.refund_fee = minorToDecimal(change.refundFen, 'CNY');
      refund.total_fee = minorToDecimal(
        Math.max(change.refundFen, decimalToMinor(refund.total_fee, 'CNY')),
        'CNY',
      );
    }
    if (change.orderStatus) refund.order_status = change.orderStatus;
    if (change.reason) refund.reason = change.reason;
    this.enqueue([['taobao_refund_RefundBuyerModifyAgreement', this.touch(refund)]]);
  }

  override get url(): string {
    return `${this.http.baseUrl}/router/rest`;
  }

  override async start(port?: number): Promise<string> {
    await this.http.start(port);
    return this.url;
  }

  /** TMC is consumed by the hub through the gateway, so there is nothing to push to. */
  setPushTarget(): void {}

  async generateCases(count: number): Promise<string[]> {
    return this.generateCasesFor(SELLER_NICK, count);
  }

  async advanceCases(count: number): Promise<string[]> {
    const moved: [string, SandboxTopRefund][] = [];
    for (const refund of this.refunds.values()) {
      if (moved.length >= count) break;
      if (refund.status === 'WAIT_BUYER_RETURN_GOODS') {
        refund.status = 'WAIT_SELLER_CONFIRM_GOODS';
        refund.good_status = 'BUYER_RETURNED_GOODS';
        refund.company_name = '顺丰速运';
        refund.sid = `SF${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`;
        moved.push(['taobao_refund_RefundBuyerReturnGoods', this.touch(refund)]);
      } else if (refund.status === 'SELLER_REFUSE_BUYER') {
        refund.status = 'CLOSED';
        moved.push(['taobao_refund_RefundClosed', this.touch(refund)]);
      } else if (refund.status === 'WAIT_SELLER_AGREE' && !refund.desc.endsWith(BUYER_NOTE)) {
        refund.desc += BUYER_NOTE;
        moved.push(['taobao_refund_RefundBuyerModifyAgreement', this.touch(refund)]);
      }
    }
    this.enqueue(moved);
    return moved.map(([, refund]) => refund.refund_id);
  }

  caseState(externalId: string): SandboxTopRefund | undefined {
    return this.refunds.get(externalId);
  }

  /**
   * Refunds from before the app subscribed to TMC: stamped `at` and announced on no message channel, so only
   * a pull over their modified time finds them.
   */
  seedHistory(count: number, at: Date): string[] {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const refund = this.createRefund();
      refund.created = formatGmt8(at);
      refund.modified = formatGmt8(at);
      refund.refund_version = at.getTime();
      ids.push(refund.refund_id);
    }
    return ids;
  }

  /**
   * The buyer changes a refused request and applies again under the same refund id: TOP puts it back to
   * `WAIT_SELLER_AGREE` with a new version, and the seller decides once more.
   */
  buyerReapplies(refundId: string): boolean {
    const refund = this.refunds.get(refundId);
    if (!refund || refund.status !== 'SELLER_REFUSE_BUYER') return false;
    refund.status = 'WAIT_SELLER_AGREE';
    refund.desc += BUYER_NOTE;
    this.enqueue([['taobao_refund_RefundBuyerModifyAgreement', this.touch(refund)]]);
    return true;
  }

  /**
   * When the buyer signed for the parcel of a refund's order (null: not yet), as the carrier's trace read by
   * `taobao.logistics.trace.search` shows it; shipped a day before unless it was shipped earlier.
   */
  signFor(refundId: string, at: Date | null): void {
    const refund = this.refunds.get(refundId);
    if (!refund) throw new Error(`no refund ${refundId}`);
    const shipment = this.shipment(refund.tid);
    shipment.signed = at;
    if (at && shipment.consigned > at) shipment.consigned = new Date(at.getTime() - DAY_MS);
  }

  /** Messages still waiting for a confirm (delivered or not). */
  pendingMessageIds(): string[] {
    return this.queue.map((message) => message.id);
  }

  private createRefund(seller = this.defaultSeller): SandboxTopRefund {
    const reason = pick(SAMPLE_REASONS);
    const order = generateOrder();
    const line = order.lines[0];
    const lineMinor = line.priceMinor * line.quantity;
    const refundMinor = Math.random() < 0.25 ? Math.max(100, Math.round(lineMinor / 200) * 100) : lineMinor;
    const now = new Date();
    const tid = bigId('3');
    const refund: SandboxTopRefund = {
      refund_id: bigId('1'),
      tid,
      oid: order.lines.length === 1 ? tid : bigId('3'),
      status: 'WAIT_SELLER_AGREE',
      good_status: reason.kind === 'refund_only' ? 'BUYER_NOT_RECEIVED' : 'BUYER_RECEIVED',
      has_good_return: reason.kind !== 'refund_only' && reason.kind !== 'complaint',
      refund_fee: minorToDecimal(refundMinor, 'CNY'),
      total_fee: minorToDecimal(lineMinor, 'CNY'),
      payment: minorToDecimal(order.totalMinor, 'CNY'),
      price: minorToDecimal(line.priceMinor, 'CNY'),
      reason: TOP_REASON_LABELS[reason.code] ?? '其他',
      desc: reason.text,
      title: line.title,
      num: line.quantity,
      num_iid: bigId('6').slice(0, 12),
      outer_id: line.sku,
      sku: `1627207:${Math.floor(Math.random() * 1e6)}`,
      created: formatGmt8(now),
      modified: formatGmt8(now),
      refund_phase: reason.code === 'not_received' ? 'onsale' : 'aftersale',
      order_status: 'WAIT_BUYER_CONFIRM_GOODS',
      reviewed: false,
      refund_version: now.getTime(),
      cs_status: 1,
      dispute_type: DISPUTE_TYPES[reason.kind],
      buyer_nick: pick(SAMPLE_BUYERS),
      buyer_open_uid: `AAH${randomBytes(12).toString('base64url')}`,
      seller_nick: seller.nick,
      refund_remind_timeout: {
        exist_timeout: true,
        remind_type: 1,
        timeout: formatGmt8(new Date(now.getTime() + 48 * 3600 * 1000)),
      },
      messages: [],
    };
    this.refunds.set(refund.refund_id, refund);
    const shipment = this.shipment(tid);
    // A buyer who says the parcel never came has not signed for it; the others did, a day ago.
    shipment.signed = refund.good_status === 'BUYER_NOT_RECEIVED' ? null : new Date(now.getTime() - DAY_MS);
    return refund;
  }

  private shipment(tid: string): SandboxShipment {
    let shipment = this.shipments.get(tid);
    if (!shipment) {
      shipment = {
        company_name: '中通快递',
        out_sid: `7${String(Math.floor(Math.random() * 1e13)).padStart(13, '0')}`,
        consigned: new Date(Date.now() - 3 * DAY_MS),
        signed: null,
      };
      this.shipments.set(tid, shipment);
    }
    return shipment;
  }

  /** Every change bumps `refund_version` (a millisecond clock, never repeating) and `modified`. */
  private touch(refund: SandboxTopRefund): SandboxTopRefund {
    const now = Date.now();
    refund.refund_version = Math.max(refund.refund_version + 1, now);
    refund.modified = formatGmt8(new Date(now));
    return refund;
  }

  private enqueue(changes: [string, SandboxTopRefund][]): void {
    const messages: QueuedMessage[] = changes.map(([topic, refund]) => ({
      id: bigId('2'),
      topic,
      pub_time: formatGmt8(new Date()),
      seller: this.sellerOf(refund),
      content: stringifyLosslessJson({
        buyer_nick: refund.buyer_nick,
        buyer_open_uid: refund.buyer_open_uid,
        refund_phase: refund.refund_phase,
        refund_fee: refund.refund_fee,
        modified: refund.modified,
        bill_type: 'refund_bill',
        oid: BigInt(refund.oid),
        seller_nick: refund.seller_nick,
        refund_id: BigInt(refund.refund_id),
        tid: BigInt(refund.tid),
      }),
    }));
    this.queue.push(...shufflePushes(messages, this.http.duplicateRatio, this.http.reorderRatio));
  }

  private sellerOf(refund: SandboxTopRefund): SandboxTopSeller {
    return (
      [...this.sellers.values()].find((seller) => seller.nick === refund.seller_nick) ?? this.defaultSeller
    );
  }

  private handle(
    request: SandboxRequest,
    fault: 'throttle' | 'server_error' | 'timeout' | null,
  ): SandboxResponse {
    if (request.method !== 'POST' || request.path !== '/router/rest') {
      return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
    }
    if (fault === 'server_error') {
      return {
        status: 502,
        body: '<html><body>502 Bad Gateway</body></html>',
        headers: { 'content-type': 'text/html' },
      };
    }
    const params = readParams(request);
    try {
      if (fault === 'throttle') {
        throw new TopFailure(
          7,
          'App Call Limited',
          TOP_THROTTLE_SUB_CODES[0],
          'This ban will last for 1 more seconds',
        );
      }
      this.authenticate(params);
      const method = params.method;
      return {
        status: 200,
        body: stringifyLosslessJson({ [topResponseKey(method)]: this.dispatch(method, params, request) }),
      };
    } catch (error) {
      if (!(error instanceof TopFailure)) throw error;
      return {
        status: 200,
        body: {
          error_response: {
            code: error.code,
            msg: error.msg,
            ...(error.subCode ? { sub_code: error.subCode, sub_msg: error.subMsg } : {}),
            request_id: randomBytes(6).toString('hex'),
          },
        },
      };
    }
  }

  private authenticate(params: Record<string, string>): void {
    if (!params.method) throw new TopFailure(21, 'Missing method');
    if (params.app_key !== this.credentials.appKey) throw new TopFailure(29, 'Invalid app Key');
    const signMethod = params.sign_method || 'md5';
    if (!(TOP_SIGN_METHODS as readonly string[]).includes(signMethod)) {
      throw new TopFailure(25, 'Invalid signature', 'isv.invalid-sign-method');
    }
    const expected = signTopParams(params, this.credentials.appSecret, signMethod as TopSignMethod);
    if (!params.sign || !safeEqual(params.sign, expected)) throw new TopFailure(25, 'Invalid signature');
    let at: number;
    try {
      at = parseGmt8(params.timestamp ?? '').getTime();
    } catch {
      throw new TopFailure(31, 'Invalid timestamp');
    }
    if (Math.abs(at - Date.now()) > TIMESTAMP_TOLERANCE_MS) throw new TopFailure(31, 'Invalid timestamp');
    // TMC belongs to the app and is drained for every seller at once: it takes no session.
    if (params.method === TOP_METHODS.tmcConsume || params.method === TOP_METHODS.tmcConfirm) {
      this.caller = null;
      return;
    }
    if (!params.session) throw new TopFailure(26, 'Missing session');
    const seller = this.sellers.get(params.session);
    if (!seller) throw new TopFailure(27, 'Invalid session', 'invalid-sessionkey');
    this.caller = seller;
  }

  private dispatch(method: string, params: Record<string, string>, request: SandboxRequest): unknown {
    switch (method) {
      case TOP_METHODS.refundsReceiveGet:
        return this.receiveGet(params);
      case TOP_METHODS.refundGet:
        if (!params.fields) throw missing('fields');
        return { refund: wireRefund(this.refund(params.refund_id)) };
      case TOP_METHODS.refundsAgree:
        return this.agree(params);
      case TOP_METHODS.refundRefuse:
        return this.refuse(params);
      case TOP_METHODS.returnGoodsAgree:
        return this.agreeReturn(params);
      case TOP_METHODS.refundMessageAdd:
        return this.addMessage(params, request);
      case TOP_METHODS.refundReview:
        return this.review(params);
      case TOP_METHODS.tmcConsume:
        return this.consume(params);
      case TOP_METHODS.tmcConfirm:
        return this.confirm(params);
      case TOP_METHODS.logisticsTraceSearch:
        return this.traceSearch(params);
      default:
        throw new TopFailure(22, 'Invalid method');
    }
  }

  private refund(id: string | undefined): SandboxTopRefund {
    if (!id) throw missing('refund_id');
    const refund = this.ownRefund(id);
    if (!refund) throw failure(TOP_NOT_FOUND_SUB_CODES[0], `退款单 ${id} 不存在`);
    return refund;
  }

  /** A seller reads and decides only its own refunds; another seller's is as unknown as a made-up id. */
  private ownRefund(id: string): SandboxTopRefund | undefined {
    const refund = this.refunds.get(id);
    return refund && refund.seller_nick === this.caller?.nick ? refund : undefined;
  }

  private checkVersion(refund: SandboxTopRefund, version: string | undefined): void {
    if (version && version !== String(refund.refund_version)) {
      throw failure(TOP_STALE_VERSION_SUB_CODES[0], '退款版本已过期，请刷新后重试');
    }
  }

  private receiveGet(params: Record<string, string>): unknown {
    if (!params.fields) throw missing('fields');
    const start = params.start_modified ? parseGmt8(params.start_modified).getTime() : 0;
    const end = params.end_modified ? parseGmt8(params.end_modified).getTime() : Number.MAX_SAFE_INTEGER;
    const pageNo = Math.max(1, Number(params.page_no ?? 1));
    const pageSize = Math.min(100, Math.max(1, Number(params.page_size ?? 40)));
    const matching = [...this.refunds.values()]
      .filter((refund) => refund.seller_nick === this.caller?.nick)
      .filter((refund) => {
        const modified = parseGmt8(refund.modified).getTime();
        return modified >= start && modified <= end && (!params.status || refund.status === params.status);
      })
      .sort((a, b) => a.modified.localeCompare(b.modified) || a.refund_id.localeCompare(b.refund_id));
    const rows = matching.slice((pageNo - 1) * pageSize, pageNo * pageSize).map(wireRefund);
    const page = { refunds: { refund: rows } };
    return params.use_has_next === 'true'
      ? { ...page, has_next: pageNo * pageSize < matching.length }
      : { ...page, total_results: matching.length };
  }

  private agree(params: Record<string, string>): unknown {
    if (!params.refund_infos) throw missing('refund_infos');
    const infos = params.refund_infos.split(',').map((info) => info.split('|'));
    const total = infos.reduce((sum, [, amount]) => sum + (Number(amount) || 0), 0);
    const limit = this.shopType === 'tmall' ? 1_000_000 : 600_000;
    if (total > limit) {
      throw new TopFailure(
        41,
        'Invalid arguments',
        'isv.invalid-parameter:refund_infos',
        '退款总金额超过单次上限',
      );
    }
    if (total > SANDBOX_SMS_THRESHOLD_FEN) this.checkSmsCode(infos.map(([id]) => id).join(','), params.code);
    const results = infos.map(([id, amount, version, phase]) => {
      const line = (succ: boolean, message: string) => ({ refund_id: BigInt(id), succ, message });
      const refund = this.ownRefund(id);
      if (!refund) return line(false, '退款单不存在');
      if (!AGREEABLE.includes(refund.status))
        return line(false, `当前退款状态 ${refund.status} 不允许同意退款`);
      if (version !== String(refund.refund_version))
        return line(false, 'refund_version 已过期，请刷新后重试');
      if (this.shopType === 'tmall' && phase !== refund.refund_phase) {
        return line(false, '天猫退款必须传入退款阶段 phase');
      }
      if (this.shopType === 'tmall' && !refund.reviewed) return line(false, '天猫退款单未审核，不能批量退款');
      const fen = Number(amount);
      if (!Number.isInteger(fen) || fen <= 0 || fen > decimalToMinor(refund.refund_fee, 'CNY')) {
        return line(false, '退款金额不正确（单位：分，不能超过申请金额）');
      }
      refund.refund_fee = minorToDecimal(fen, 'CNY');
      refund.status = 'SUCCESS';
      this.touch(refund);
      this.enqueue([['taobao_refund_RefundSuccess', refund]]);
      return line(true, '操作成功');
    });
    const ok = results.filter((result) => result.succ).length;
    return {
      succ: ok === results.length,
      msg_code: ok === results.length ? 'OP_SUCC' : ok > 0 ? 'SOME_OP_SUCC' : 'OP_FAILURE_UE',
      message: ok === results.length ? '操作成功' : results.find((result) => !result.succ)?.message,
      results: { refund_mapping_result: results },
    };
  }

  /** Above the threshold the first call fails and texts a code; the same call with that code goes through. */
  private checkSmsCode(key: string, code: string | undefined): void {
    const sent = this.smsCodes.get(key);
    if (sent && code === sent) return;
    if (code && sent) {
      throw new TopFailure(
        15,
        'Remote service error',
        'isv.refund-verify-code-error',
        '短信验证码错误，请重新输入',
      );
    }
    this.smsCodes.set(key, String(100000 + Math.floor(Math.random() * 900000)));
    throw new TopFailure(
      15,
      'Remote service error',
      'isv.refund-need-verify-code',
      '退款金额较大，已向卖家手机发送短信验证码，请填写验证码后再次提交',
    );
  }

  private review(params: Record<string, string>): unknown {
    const refund = this.refund(params.refund_id);
    if (this.shopType !== 'tmall') throw failure('isv.refund-review-not-support', '目前仅支持天猫订单');
    for (const name of ['operator', 'refund_phase', 'refund_version', 'result', 'message']) {
      if (!params[name]) throw missing(name);
    }
    this.checkVersion(refund, params.refund_version);
    // A review flags the refund for batch agree; it is not a change the buyer sees, so the version stays.
    refund.reviewed = params.result === 'true';
    return { is_success: true };
  }

  private refuse(params: Record<string, string>): unknown {
    const refund = this.refund(params.refund_id);
    const text = params.refuse_message ?? '';
    if (!text) throw missing('refuse_message');
    if (this.shopType === 'tmall') {
      for (const name of ['refund_phase', 'refund_version']) if (!params[name]) throw missing(name);
      // An image file; a form-encoded call cannot carry one.
      throw missing('refuse_proof');
    }
    if (refund.order_status === 'WAIT_SELLER_SEND_GOODS') {
      throw failure('isv.refund-refuse-not-allowed', '卖家未发货，不能拒绝退款');
    }
    if (/七天无理由/.test(refund.reason)) {
      throw failure('isv.refund-refuse-not-allowed', '七天无理由退货不能拒绝退款');
    }
    if (text.length < 2 || text.length > 200) {
      throw new TopFailure(
        41,
        'Invalid arguments',
        'isv.invalid-parameter:refuse_message',
        '拒绝理由须为2-200个字',
      );
    }
    this.checkVersion(refund, params.refund_version);
    if (!AGREEABLE.includes(refund.status)) {
      throw failure('isv.refund-status-not-support', `当前退款状态 ${refund.status} 不允许拒绝`);
    }
    refund.status = 'SELLER_REFUSE_BUYER';
    this.touch(refund);
    this.enqueue([['taobao_refund_RefundSellerRefuseAgreement', refund]]);
    return {
      refund: { refund_id: BigInt(refund.refund_id), status: refund.status, modified: refund.modified },
      is_success: true,
    };
  }

  private agreeReturn(params: Record<string, string>): unknown {
    const refund = this.refund(params.refund_id);
    if (!params.seller_address_id) throw missing('seller_address_id');
    if (this.shopType === 'tmall' && !params.remark) throw missing('remark');
    if (this.shopType === 'taobao') {
      for (const name of ['name', 'address', 'post', 'tel', 'mobile']) if (!params[name]) throw missing(name);
    }
    this.checkVersion(refund, params.refund_version);
    if (refund.status !== 'WAIT_SELLER_AGREE' || !refund.has_good_return) {
      throw failure('isv.refund-status-not-support', '当前退款不需要退货或状态不允许同意退货');
    }
    refund.status = 'WAIT_BUYER_RETURN_GOODS';
    refund.address = [params.name, params.mobile, params.address, params.post]
      .filter((part) => part)
      .join('，');
    this.touch(refund);
    this.enqueue([['taobao_refund_RefundSellerAgreeAgreement', refund]]);
    return { is_success: true };
  }

  /** `image` (JPG/GIF/PNG ≤ 500 KB) is required, so only a multipart upload can be accepted. */
  private addMessage(params: Record<string, string>, request: SandboxRequest): unknown {
    const refund = this.refund(params.refund_id);
    const content = params.content ?? '';
    if (!content) throw missing('content');
    const type = request.headers['content-type'] ?? '';
    if (!type.startsWith('multipart/form-data') || !/name="image"/.test(request.body)) throw missing('image');
    if (Buffer.byteLength(content, 'utf8') > 400) {
      throw new TopFailure(
        41,
        'Invalid arguments',
        'isv.invalid-parameter:content',
        '留言内容不能超过400字节',
      );
    }
    const message = { id: bigId('4'), content, created: formatGmt8(new Date()) };
    refund.messages.push(message);
    return { refund_message: { id: BigInt(message.id), created: message.created } };
  }

  /** Delivers the oldest unconfirmed messages; they stay queued (and come again) until confirmed. */
  private consume(params: Record<string, string>): unknown {
    const quantity = Math.min(200, Math.max(10, Number(params.quantity ?? 100)));
    const batch = this.queue.slice(0, quantity);
    if (batch.length === 0) return {};
    return {
      messages: {
        tmc_message: batch.map((message) => ({
          id: BigInt(message.id),
          topic: message.topic,
          pub_time: message.pub_time,
          pub_app_key: this.credentials.appKey,
          user_id: BigInt(message.seller.userId),
          user_nick: message.seller.nick,
          content: message.content,
        })),
      },
    };
  }

  /** The carrier's steps of a shipped order of this shop, oldest first; the sign-for step once signed. */
  private traceSearch(params: Record<string, string>): unknown {
    if (!params.tid) throw missing('tid');
    if (!/^\d+$/.test(params.tid)) {
      throw new TopFailure(41, 'Invalid arguments', 'isv.invalid-parameter:tid', 'tid 必须是淘宝交易号');
    }
    const refund = [...this.refunds.values()].find(
      (candidate) => candidate.tid === params.tid && candidate.seller_nick === this.caller?.nick,
    );
    if (!refund) throw failure('isv.trade-not-exist', `交易 ${params.tid} 不存在`);
    const shipment = this.shipments.get(params.tid);
    if (!shipment || refund.order_status === 'WAIT_SELLER_SEND_GOODS') {
      throw failure('isv.logistics-order-not-exist', '该交易没有物流订单');
    }
    const at = (date: Date) => formatGmt8(date);
    const steps = [
      { status_time: at(shipment.consigned), status_desc: '卖家已发货', action: 'CONSIGN' },
      {
        status_time: at(new Date(shipment.consigned.getTime() + 2 * 3600 * 1000)),
        status_desc: `【杭州市】${shipment.company_name} 已揽收`,
        action: 'ACCEPT',
      },
    ];
    if (shipment.signed) {
      steps.push(
        {
          status_time: at(new Date(shipment.signed.getTime() - 3 * 3600 * 1000)),
          status_desc: '【上海市】快件派送中',
          action: 'DELIVERING',
        },
        { status_time: at(shipment.signed), status_desc: '【上海市】已签收，签收人：本人', action: 'SIGN' },
      );
    }
    return {
      tid: BigInt(params.tid),
      out_sid: shipment.out_sid,
      company_name: shipment.company_name,
      status: shipment.signed ? '对方已签收' : '运输中',
      trace_list: { transit_step_info: steps },
    };
  }

  private confirm(params: Record<string, string>): unknown {
    if (!params.s_message_ids) throw missing('s_message_ids');
    const ids = new Set(params.s_message_ids.split(','));
    if (ids.size > 200) throw new TopFailure(41, 'Invalid arguments', 'isv.invalid-parameter:s_message_ids');
    for (let i = this.queue.length - 1; i >= 0; i -= 1) {
      if (ids.has(this.queue[i].id)) this.queue.splice(i, 1);
    }
    return { is_success: true };
  }
}
