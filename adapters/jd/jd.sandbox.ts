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
import { parseLosslessJson, stringifyLosslessJson } from '../shared/lossless-json';
import { minorToDecimal } from '../shared/money';
import {
  bigId,
  SandboxHttpServer,
  type SandboxRequest,
  type SandboxResponse,
} from '../shared/sandbox-server';
import { safeEqual } from '../shared/signing';
import { signJdParams } from './jd.client';
import {
  JD_SIGNATURE_ERROR_CODE,
  JD_THROTTLE_ERROR_CODE,
  JD_TIMESTAMP_ERROR_CODE,
  JD_TIMESTAMP_TOLERANCE_MS,
  JD_TOKEN_EXPIRED_CODE,
} from './jd.errors';
import { JD_REFUND_APPLY_PREFIX } from './jd.mapper';
import { JD_METHODS, jdResponseKey } from './jd.types';

/** A service order as the sandbox keeps it: JOS field names, ids as decimal strings (rendered as bare numbers). */
export interface SandboxJdServiceOrder {
  serviceId: string;
  applyId: string;
  orderId: string;
  applyDetailId: string;
  applyTime: string;
  updateTime: string;
  customerExpect: number;
  serviceStatus: number;
  serviceStatusName: string;
  customerPin: string;
  customerName: string;
  pickwareType: number;
  actualPayPrice: string;
  skuId: string;
  wareName: string;
  wareNum: number;
  questionDesc: string;
  sysVersion: number;
  approveNotes?: string;
  returnAddress?: string;
  receiveRemark?: string;
}

export interface SandboxJdRefundApply {
  id: string;
  orderId: string;
  status: number;
  applyRefundSum: number;
  applyTime: string;
  checkTime?: string;
  checkUserName?: string;
  checkRemark?: string;
  buyerId: string;
  buyerName: string;
}

const STATUS_NAMES: Record<number, string> = {
  10001: '待审核',
  10004: '审核关闭',
  10005: '待收货',
  10007: '待处理',
  10010: '完成',
  10011: '取消',
};

const CUSTOMER_EXPECT: Record<GeneratedReason['kind'], number> = {
  refund_only: 11,
  return_refund: 10,
  exchange: 20,
  complaint: 11,
};

class JdFailure extends Error {
  constructor(
    readonly code: string,
    readonly zh: string,
    readonly en: string,
  ) {
    super(en);
  }
}

/** A refusal inside a `code:"0"` answer, as the asc family reports state and version conflicts. */
class JdRefusal extends Error {}

function readParams(request: SandboxRequest): Record<string, string> {
  return { ...request.query, ...Object.fromEntries(new URLSearchParams(request.body)) };
}

function wireOrder(order: SandboxJdServiceOrder): Record<string, unknown> {
  return {
    ...order,
    serviceId: BigInt(order.serviceId),
    applyId: BigInt(order.applyId),
    orderId: BigInt(order.orderId),
    applyDetailId: BigInt(order.applyDetailId),
    skuId: BigInt(order.skuId),
  };
}

function wireApply(apply: SandboxJdRefundApply): Record<string, unknown> {
  return { ...apply, id: BigInt(apply.id), orderId: BigInt(apply.orderId) };
}

/**
 * A fake JOS gateway: `routerjson` with system parameters in the query and `360buy_param_json` in the body,
 * MD5 signature, token and timestamp checked on every call, service orders with `sysVersion` optimistic locks,
 * and refund applications. JD pushes nothing, so there is no push target.
 */
export class JdSandbox extends HttpSandbox implements MarketplaceSandbox {
  readonly platform = 'jd' as const;
  readonly shopId = '10086001';
  readonly credentials: Record<string, string>;
  private readonly orders = new Map<string, SandboxJdServiceOrder>();
  private readonly applies = new Map<string, SandboxJdRefundApply>();
  protected readonly http = new SandboxHttpServer(
    (request, fault) => this.handle(request, fault),
    (request) => readParams(request).method ?? null,
  );

  constructor() {
    super();
    this.credentials = {
      appKey: randomBytes(16).toString('hex').toUpperCase(),
      appSecret: randomBytes(16).toString('hex'),
      accessToken: randomBytes(20).toString('hex'),
      buId: this.shopId,
      operatePin: 'sandbox_operator',
    };
  }

  override get url(): string {
    return `${this.http.baseUrl}/routerjson`;
  }

  override async start(port?: number): Promise<string> {
    await this.http.start(port);
    return this.url;
  }

  /** JD after-sales changes are polled; the sandbox has nothing to push. */
  setPushTarget(): void {}

  /** Mostly service orders; every fourth case is a pre-shipment refund application. */
  async generateCases(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push(i % 4 === 3 ? this.createApply() : this.createOrder());
    return ids;
  }

  /**
   * Buyers cancel service orders and refund applications still waiting for the audit. A cancelled application
   * keeps its old apply time: only a read by check time sees the change.
   */
  async advanceCases(count: number): Promise<string[]> {
    const moved: string[] = [];
    for (const order of this.orders.values()) {
      if (moved.length >= count) break;
      if (order.serviceStatus !== 10001) continue;
      this.setStatus(order, 10011);
      moved.push(order.serviceId);
    }
    for (const apply of this.applies.values()) {
      if (moved.length >= count) break;
      if (apply.status !== 0) continue;
      this.setApplyStatus(apply.id, 11);
      moved.push(`${JD_REFUND_APPLY_PREFIX}${apply.id}`);
    }
    return moved;
  }

  /** Moves a refund application to any status (JD has 0–11 and a few more), stamping the check time. */
  setApplyStatus(id: string, status: number): void {
    const apply = this.applies.get(id.replace(JD_REFUND_APPLY_PREFIX, ''));
    if (!apply) throw new Error(`no refund application ${id}`);
    apply.status = status;
    apply.checkTime = formatGmt8(new Date());
  }

  /** Backdates a refund application, as one applied for days before it is checked. */
  backdateApply(id: string, applyTime: Date): void {
    const apply = this.applies.get(id.replace(JD_REFUND_APPLY_PREFIX, ''));
    if (!apply) throw new Error(`no refund application ${id}`);
    apply.applyTime = formatGmt8(applyTime);
  }

  caseState(externalId: string): SandboxJdServiceOrder | SandboxJdRefundApply | undefined {
    return externalId.startsWith(JD_REFUND_APPLY_PREFIX)
      ? this.applies.get(externalId.slice(JD_REFUND_APPLY_PREFIX.length))
      : this.orders.get(externalId);
  }

  private createOrder(): string {
    const reason = pick(SAMPLE_REASONS);
    const order = generateOrder();
    const line = order.lines[0];
    const now = formatGmt8(new Date());
    const serviceOrder: SandboxJdServiceOrder = {
      serviceId: bigId('8'),
      applyId: bigId('8'),
      orderId: bigId('3'),
      applyDetailId: bigId('9'),
      applyTime: now,
      updateTime: now,
      customerExpect: CUSTOMER_EXPECT[reason.kind],
      serviceStatus: 10001,
      serviceStatusName: STATUS_NAMES[10001],
      customerPin: `jd_${randomBytes(5).toString('hex')}`,
      customerName: pick(SAMPLE_BUYERS),
      pickwareType: 40,
      actualPayPrice: minorToDecimal(line.priceMinor * line.quantity, 'CNY'),
      skuId: String(100000000000 + Math.floor(Math.random() * 1e11)),
      wareName: line.title,
      wareNum: line.quantity,
      questionDesc: reason.text,
      sysVersion: 1,
    };
    this.orders.set(serviceOrder.serviceId, serviceOrder);
    return serviceOrder.serviceId;
  }

  private createApply(): string {
    const order = generateOrder();
    const apply: SandboxJdRefundApply = {
      id: bigId('5'),
      orderId: bigId('3'),
      status: 0,
      applyRefundSum: order.requestedMinor,
      applyTime: formatGmt8(new Date()),
      buyerId: `jd_${randomBytes(5).toString('hex')}`,
      buyerName: pick(SAMPLE_BUYERS),
    };
    this.applies.set(apply.id, apply);
    return `${JD_REFUND_APPLY_PREFIX}${apply.id}`;
  }

  private setStatus(order: SandboxJdServiceOrder, status: number): void {
    order.serviceStatus = status;
    order.serviceStatusName = STATUS_NAMES[status] ?? String(status);
    order.sysVersion += 1;
    order.updateTime = formatGmt8(new Date());
  }

  private handle(
    request: SandboxRequest,
    fault: 'throttle' | 'server_error' | 'timeout' | null,
  ): SandboxResponse {
    if (request.path !== '/routerjson')
      return { status: 404, body: 'Not Found', headers: { 'content-type': 'text/plain' } };
    if (fault === 'server_error') {
      return {
        status: 503,
        body: '<html><body>503 Service Unavailable</body></html>',
        headers: { 'content-type': 'text/html' },
      };
    }
    const params = readParams(request);
    try {
      if (fault === 'throttle')
        throw new JdFailure(JD_THROTTLE_ERROR_CODE, '应用调用次数超限', 'App Call Limited');
      this.authenticate(params);
      let business: Record<string, unknown>;
      try {
        business = parseLosslessJson(params['360buy_param_json'] ?? '{}') as Record<string, unknown>;
      } catch {
        throw new JdFailure('67', '360buy_param_json格式错误', 'Invalid 360buy_param_json');
      }
      const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
      const args = Object.fromEntries(
        Object.entries(business).map(([key, value]) => [
          key,
          Array.isArray(value) ? value.map(text) : text(value),
        ]),
      );
      return {
        status: 200,
        body: stringifyLosslessJson({
          [jdResponseKey(params.method)]: { code: '0', ...this.dispatch(params.method, args) },
        }),
      };
    } catch (error) {
      if (!(error instanceof JdFailure)) throw error;
      return {
        status: 200,
        body: { error_response: { code: error.code, zh_desc: error.zh, en_desc: error.en } },
      };
    }
  }

  private authenticate(params: Record<string, string>): void {
    // A wrong app key cannot produce a valid signature, and the gateway answers both the same way.
    if (params.app_key !== this.credentials.appKey)
      throw new JdFailure(JD_SIGNATURE_ERROR_CODE, '无效签名', 'Invalid signature');
    if (!params.sign || !safeEqual(params.sign, signJdParams(params, this.credentials.appSecret))) {
      throw new JdFailure(JD_SIGNATURE_ERROR_CODE, '无效签名', 'Invalid signature');
    }
    let at: number;
    try {
      at = parseGmt8(params.timestamp ?? '').getTime();
    } catch {
      throw new JdFailure(JD_TIMESTAMP_ERROR_CODE, '无效的时间戳', 'Invalid timestamp');
    }
    if (Math.abs(at - Date.now()) > JD_TIMESTAMP_TOLERANCE_MS)
      throw new JdFailure(JD_TIMESTAMP_ERROR_CODE, '无效的时间戳', 'Invalid timestamp');
    if (params.access_token !== this.credentials.accessToken) {
      throw new JdFailure(JD_TOKEN_EXPIRED_CODE, 'access_token已过期', 'Token expired');
    }
  }

  private dispatch(method: string, args: Record<string, string | string[]>): Record<string, unknown> {
    const arg = (name: string) => {
      const value = args[name];
      return typeof value === 'string' ? value : '';
    };
    try {
      switch (method) {
        case JD_METHODS.ascSyncList:
          return { pageResult: this.syncList(arg) };
        case JD_METHODS.ascAuditRefuse:
        case JD_METHODS.ascAuditDelivery:
        case JD_METHODS.ascReceiveRegister:
          this.requireOperator(arg);
          this.ascWrite(method, arg, args.applyDetailIdList);
          return { result: { success: true, resultCode: '1', msg: '操作成功' } };
        case JD_METHODS.refundApplyList:
          return { queryResult: this.applyList(arg) };
        case JD_METHODS.refundApplyReply:
          this.reply(arg);
          return { replyResult: { success: true } };
        default:
          throw new JdFailure('22', '无效的方法名', 'Invalid method');
      }
    } catch (error) {
      if (!(error instanceof JdRefusal)) throw error;
      return method === JD_METHODS.refundApplyReply
        ? { replyResult: { success: false, errorMsg: error.message } }
        : { result: { success: false, resultCode: '-1', msg: error.message } };
    }
  }

  private requireOperator(arg: (name: string) => string): void {
    if (arg('buId') !== this.shopId) throw new JdRefusal('商家编号不正确');
    if (!arg('operatePin') || !arg('operateNick')) throw new JdRefusal('操作人账号和姓名必填');
  }

  private syncList(arg: (name: string) => string): Record<string, unknown> {
    this.requireOperator(arg);
    const begin = arg('updateTimeBegin');
    const end = arg('updateTimeEnd');
    if (Boolean(begin) !== Boolean(end)) throw new JdRefusal('服务单更新时间开始和结束须成对填写');
    const pageNumber = Math.max(1, Number(arg('pageNumber') || 1));
    const pageSize = Math.min(50, Math.max(1, Number(arg('pageSize') || 10)));
    const matching = [...this.orders.values()]
      .filter((order) => {
        if (arg('serviceId') && order.serviceId !== arg('serviceId')) return false;
        if (!begin) return true;
        const at = parseGmt8(order.updateTime).getTime();
        return at >= parseGmt8(begin).getTime() && at <= parseGmt8(end).getTime();
      })
      .sort((a, b) => a.updateTime.localeCompare(b.updateTime) || a.serviceId.localeCompare(b.serviceId));
    return {
      success: true,
      totalCount: matching.length,
      pageNumber,
      pageSize,
      data: matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize).map(wireOrder),
    };
  }

  private ascWrite(
    method: string,
    arg: (name: string) => string,
    detailIds: string | string[] | undefined,
  ): void {
    const order = this.orders.get(arg('serviceId'));
    if (!order || order.orderId !== arg('orderId')) throw new JdRefusal('服务单不存在');
    if (method === JD_METHODS.ascReceiveRegister) {
      if (order.serviceStatus !== 10005)
        throw new JdRefusal(`服务单状态为${order.serviceStatusName}，不能拆包登记`);
      order.receiveRemark = arg('receiveRemark');
      this.setStatus(order, 10007);
      return;
    }
    if (arg('sysVersion') !== String(order.sysVersion))
      throw new JdRefusal('服务单版本号(sysVersion)已变更，请刷新后重试');
    if (order.serviceStatus !== 10001)
      throw new JdRefusal(`服务单状态为${order.serviceStatusName}，不能审核`);
    if (!arg('approveNotes') || !arg('approveReasonCid1')) throw new JdRefusal('审核意见和审核原因必填');
    order.approveNotes = arg('approveNotes');
    if (method === JD_METHODS.ascAuditRefuse) {
      this.setStatus(order, 10004);
      return;
    }
    if (!Array.isArray(detailIds) || !detailIds.includes(order.applyDetailId))
      throw new JdRefusal('申请明细编号不正确');
    for (const field of [
      'returnContactName',
      'returnContactTel',
      'returnProvince',
      'returnCity',
      'returnCounty',
      'returnDetailAddress',
    ]) {
      if (!arg(field)) throw new JdRefusal(`${field}必填`);
    }
    order.returnAddress = `${arg('returnContactName')} ${arg('returnContactTel')} ${arg('returnDetailAddress')}`;
    this.setStatus(order, 10005);
  }

  private applyList(arg: (name: string) => string): Record<string, unknown> {
    const ids = arg('ids') ? new Set(arg('ids').split(',')) : null;
    const byCheck = Boolean(arg('checkTimeStart') || arg('checkTimeEnd'));
    const [from, to] = byCheck ? ['checkTimeStart', 'checkTimeEnd'] : ['applyTimeStart', 'applyTimeEnd'];
    const start = arg(from) ? parseGmt8(arg(from)).getTime() : 0;
    const end = arg(to) ? parseGmt8(arg(to)).getTime() : Number.MAX_SAFE_INTEGER;
    const pageIndex = Math.max(1, Number(arg('pageIndex') || 1));
    const pageSize = Math.min(50, Math.max(1, Number(arg('pageSize') || 10)));
    const matching = [...this.applies.values()].filter((apply) => {
      if (ids) return ids.has(apply.id);
      const stamp = byCheck ? apply.checkTime : apply.applyTime;
      if (!stamp) return false;
      const at = parseGmt8(stamp).getTime();
      return at >= start && at <= end;
    });
    return {
      success: true,
      totalCount: matching.length,
      result: matching.slice((pageIndex - 1) * pageSize, pageIndex * pageSize).map(wireApply),
    };
  }

  private reply(arg: (name: string) => string): void {
    const apply = this.applies.get(arg('id'));
    if (!apply) throw new JdRefusal('退款申请单不存在');
    const status = Number(arg('status'));
    if (![1, 2, 6, 9, 10].includes(status)) throw new JdRefusal('审核结果不正确');
    if (apply.status !== 0) throw new JdRefusal('申请单不能审核为该结果，请检查申请单是否已审核；');
    if (status !== 9 && !arg('remark')) throw new JdRefusal('审核备注必填');
    if (status === 2 && !arg('rejectType')) throw new JdRefusal('拒绝类型必填');
    apply.status = status;
    apply.checkUserName = arg('checkUserName');
    apply.checkRemark = arg('remark');
    apply.checkTime = formatGmt8(new Date());
  }
}
