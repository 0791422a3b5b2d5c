import {
  AdapterError,
  AdapterErrorCode,
  type ActionOutcome,
  type AdapterAction,
  type AdapterCapabilities,
  type AdapterContext,
  type MarketplaceAdapter,
  type NormalizedCase,
  type PullPage,
  type ReturnAddress,
  type InboundEventDraft,
  type TicketForAction,
} from '../contract';
import { rereadAfterAction } from '../shared/action-reread';
import { isPulledRowEvent, mapPulledRows, resolvePulledRow } from '../shared/pulled-rows';
import { WindowPager, type WindowCursor } from '../shared/window-cursor';
import { formatGmt8 } from '../shared/china-time';
import { idString } from '../shared/lossless-json';
import { JdClient } from './jd.client';
import { jdOperationRefused } from './jd.errors';
import { JD_REFUND_APPLY_PREFIX, mapJdRefundApply, mapJdServiceOrder } from './jd.mapper';
import {
  JD_METHODS,
  type JdAscSyncListResponse,
  type JdAscWriteResponse,
  type JdRefundApplyListResponse,
  type JdRefundApply,
  type JdRefundApplyReplyResponse,
  type JdServiceOrder,
} from './jd.types';

/** [U] JOS documents no window limit; a day per window with 5 minutes re-read, as for TOP. */
export const JD_PULL_WINDOW = {
  lookbackMs: 24 * 60 * 60 * 1000,
  maxWindowMs: 24 * 60 * 60 * 1000,
  overlapMs: 5 * 60 * 1000,
  ascPageSize: 50,
  applyPageSize: 50,
};

/** [U] JOS publishes no rate limit for these APIs. */
export const JD_REQUESTS_PER_SECOND = 5;

/** Audit notes JD requires on approval; buyers see them in the service order. */
export const JD_APPROVE_NOTE = '审核通过，请按退货地址寄回商品';
export const JD_REFUND_APPROVE_REMARK = '同意退款';

/**
 * [U] Audit reason ids (`approveReasonCid1`) come from `jingdong.asc.audit.reason.list` per shop; this is used
 * when the action carries no numeric reason code.
 */
export const JD_DEFAULT_AUDIT_REASON_CID1 = 1;

/**
 * `replyRefund.rejectType` when refusing: 5 = other. A numeric reason code 1–6 from the action wins.
 * https://jos.jd.com/apilistnewdetail?apiCateId=71 (jingdong.pop.afs.soa.refundapply.replyRefund)
 */
export const JD_DEFAULT_REJECT_TYPE = 5;

/** [U] `jingdong.asc.receive.register` condition codes; the enum values are not published. 1 = intact/present. */
export const JD_RECEIVE_REGISTER_DEFAULTS = {
  packingState: 1,
  qualityState: 1,
  invoiceRecord: 1,
  judgmentReason: 1,
  accessoryOrGift: 1,
  appearanceState: 1,
};

/**
 * One window is read three times: service orders by update time, refund applications by apply time, then refund
 * applications by check (audit) time, since `queryPageList` has no update-time filter and an application's status
 * changes when it is checked (`checkTimeStart/End`, jingdong.pop.afs.soa.refundapply.queryPageList).
 */
const PULL_FAMILIES = ['asc', 'apply', 'checked'] as const;
type PullFamily = (typeof PULL_FAMILIES)[number];

interface JdPullCursor extends WindowCursor {
  family: PullFamily;
}

function refundApplyIds(row: JdRefundApply): { externalId: string | null; externalOrderId: string | null } {
  const id = idString(row.id);
  return { externalId: id ? `${JD_REFUND_APPLY_PREFIX}${id}` : null, externalOrderId: idString(row.orderId) };
}

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

/** JOS ids are JSON integers; bigint keeps 19-digit ones exact in `360buy_param_json`. */
function jdInt(value: string, field: string): bigint {
  if (!/^\d+$/.test(value)) throw invalid(`${field} must be a JD integer id, not ${value}`);
  return BigInt(value);
}

/** JD area ids (province/city/county) are integers from `jingdong.area.*`, not names. */
function areaCode(value: string | undefined, field: string): number {
  if (!value || !/^\d+$/.test(value)) throw invalid(`the return address ${field} must be a JD area id`);
  return Number(value);
}

function numericReason(code: string | null, fallback: number): number {
  return code && /^\d+$/.test(code) ? Number(code) : fallback;
}

/** [U] How far back jingdong.asc.sync.list and the refund-application list serve history; JOS publishes no
 * figure, so the hub asks for no more than three months. */
export const JD_HISTORY_DAYS = 90;

/**
 * JD JOS (https://jos.jd.com/apilistnewdetail?apiCateId=241): service orders (`jingdong.asc.*`) pulled with
 * `jingdong.asc.sync.list` by update time, and pre-shipment refund applications
 * (`jingdong.pop.afs.soa.refundapply.*`) pulled by apply time, ids prefixed `RA-`. JD's after-sales message
 * push could not be confirmed, so nothing is pushed.
 *
 * No delivery time: a refund application is made before shipment, so there is nothing delivered; for service
 * orders JOS publishes neither the response fields of `jingdong.asc.sync.list` nor a sign-for time on the
 * order read (`jingdong.pop.order.get`) that the published docs or SDK sources confirm, so JD cases carry none
 * and the fast-refund policy's `whenDeliveryUnknown` applies.
 */
export class JdAdapter implements MarketplaceAdapter {
  readonly capabilities: AdapterCapabilities = {
    platform: 'jd',
    displayName: 'JD (京东 JOS)',
    push: 'none',
    pull: true,
    actions: [
      'approve_refund',
      'refuse_refund',
      'approve_return',
      'refuse_return',
      'confirm_return_received',
    ],
    actionStages: {
      approve_refund: ['requested'],
      refuse_refund: ['requested'],
      approve_return: ['requested'],
      refuse_return: ['requested'],
      confirm_return_received: ['awaiting_return', 'return_shipped'],
    },
    rateLimit: { requestsPerSecond: JD_REQUESTS_PER_SECOND, note: 'JOS publishes no limit; assumed' },
    credentials: [
      { name: 'appKey', required: true },
      { name: 'appSecret', required: true },
      { name: 'accessToken', required: true },
      { name: 'buId', required: false },
      { name: 'operatePin', required: false },
    ],
    docs: 'https://jos.jd.com/apilistnewdetail?apiCateId=241',
  };

  private readonly pager = new WindowPager<JdPullCursor>(
    { platform: 'JD', ...JD_PULL_WINDOW, firstPage: 1, maxDays: JD_HISTORY_DAYS },
    { family: 'asc' },
    (value) => PULL_FAMILIES.includes(value.family),
  );
  readonly backfill = this.pager.backfill;

  defaultApiBaseUrl(): string {
    return 'https://api.jd.com/routerjson';
  }

  /** JD pushes nothing; the only stored events are pulled rows that could not be mapped, re-read on retry. */
  async resolveEvent(ctx: AdapterContext, event: InboundEventDraft): Promise<NormalizedCase | null> {
    if (!isPulledRowEvent(event)) {
      throw new AdapterError(AdapterErrorCode.UNSUPPORTED, 'JD connections take no pushed events');
    }
    return resolvePulledRow(event, mapJdServiceOrder, ({ externalId }) =>
      this.fetchCase(ctx, externalId ?? ''),
    );
  }

  /**
   * Each window reads service orders first, then refund applications, then moves on with an overlap. A window
   * spans several calls, so "caught up" means the next window would be little more than the overlap.
   */
  async pull(ctx: AdapterContext, cursor: string | null): Promise<PullPage> {
    const now = ctx.now().getTime();
    const { state, end } = this.pager.open(cursor, now);
    const from = formatGmt8(new Date(state.start));
    const to = formatGmt8(new Date(end));
    const client = new JdClient(ctx);
    let mapped: Pick<PullPage, 'cases' | 'unmapped'>;
    let more: boolean;
    if (state.family === 'asc') {
      const response = await client.call<JdAscSyncListResponse>(JD_METHODS.ascSyncList, {
        ...this.operator(ctx),
        updateTimeBegin: from,
        updateTimeEnd: to,
        pageNumber: state.page,
        pageSize: JD_PULL_WINDOW.ascPageSize,
      });
      const rows = this.serviceOrders(response);
      mapped = mapPulledRows(rows, mapJdServiceOrder, (row) => ({
        externalId: idString(row.serviceId),
        externalOrderId: idString(row.orderId),
      }));
      const total = response.pageResult?.totalCount;
      more =
        rows.length > 0 &&
        (total === undefined
          ? rows.length === JD_PULL_WINDOW.ascPageSize
          : state.page * JD_PULL_WINDOW.ascPageSize < Number(total));
    } else {
      const window =
        state.family === 'apply'
          ? { applyTimeStart: from, applyTimeEnd: to }
          : { checkTimeStart: from, checkTimeEnd: to };
      const response = await client.call<JdRefundApplyListResponse>(JD_METHODS.refundApplyList, {
        ...window,
        pageIndex: state.page,
        pageSize: JD_PULL_WINDOW.applyPageSize,
      });
      const rows = this.refundApplies(response);
      mapped = mapPulledRows(rows, mapJdRefundApply, refundApplyIds);
      more =
        rows.length > 0 &&
        state.page * JD_PULL_WINDOW.applyPageSize < Number(response.queryResult?.totalCount ?? 0);
    }
    const following = PULL_FAMILIES[PULL_FAMILIES.indexOf(state.family) + 1];
    const next = more
      ? this.pager.more(state, end)
      : following
        ? this.pager.more(state, end, { page: 1, family: following })
        : this.pager.done(end, now);
    return { ...mapped, ...next };
  }

  async fetchCase(ctx: AdapterContext, externalId: string): Promise<NormalizedCase> {
    const client = new JdClient(ctx);
    if (externalId.startsWith(JD_REFUND_APPLY_PREFIX)) {
      const id = externalId.slice(JD_REFUND_APPLY_PREFIX.length);
      const response = await client.call<JdRefundApplyListResponse>(JD_METHODS.refundApplyList, {
        ids: id,
        pageIndex: 1,
        pageSize: 1,
      });
      const found = this.refundApplies(response).find((apply) => idString(apply.id) === id);
      if (!found) throw new AdapterError(AdapterErrorCode.NOT_FOUND, `no JD refund application ${id}`);
      return mapJdRefundApply(found);
    }
    const response = await client.call<JdAscSyncListResponse>(JD_METHODS.ascSyncList, {
      ...this.operator(ctx),
      serviceId: jdInt(externalId, 'serviceId'),
      pageNumber: 1,
      pageSize: 1,
    });
    const found = this.serviceOrders(response).find((order) => idString(order.serviceId) === externalId);
    if (!found) throw new AdapterError(AdapterErrorCode.NOT_FOUND, `no JD service order ${externalId}`);
    return mapJdServiceOrder(found);
  }

  /** JOS takes no idempotency key: sysVersion locks the asc audits; replyRefund carries no lock at all. */
  async perform(ctx: AdapterContext, action: AdapterAction, ticket: TicketForAction): Promise<ActionOutcome> {
    if (ticket.externalId.startsWith(JD_REFUND_APPLY_PREFIX))
      return this.performOnRefundApply(ctx, action, ticket);
    const client = new JdClient(ctx);
    const order = (ticket.raw ?? {}) as Partial<JdServiceOrder>;
    const orderId = ticket.externalOrderId ?? idString(order.orderId);
    const version = ticket.platformVersion ?? idString(order.sysVersion);
    if (!orderId) throw invalid('the ticket has no JD orderId');
    if (!version) throw invalid('JD audit calls need the service order sysVersion; re-read the case');
    const target = {
      ...this.operator(ctx),
      serviceId: jdInt(ticket.externalId, 'serviceId'),
      orderId: jdInt(orderId, 'orderId'),
    };
    let method: (typeof JD_METHODS)[keyof typeof JD_METHODS];
    let business: Record<string, unknown>;
    switch (action.type) {
      case 'refuse_refund':
      case 'refuse_return': {
        if (!action.reason.trim()) throw invalid('JD needs audit notes to refuse');
        method = JD_METHODS.ascAuditRefuse;
        business = {
          ...target,
          approveNotes: action.reason,
          sysVersion: jdInt(version, 'sysVersion'),
          approveReasonCid1: numericReason(action.reasonCode, JD_DEFAULT_AUDIT_REASON_CID1),
        };
        break;
      }
      case 'approve_return': {
        method = JD_METHODS.ascAuditDelivery;
        business = {
          ...target,
          approveNotes: JD_APPROVE_NOTE,
          sysVersion: jdInt(version, 'sysVersion'),
          approveReasonCid1: JD_DEFAULT_AUDIT_REASON_CID1,
          ...this.returnAddress(action.returnAddress),
          applyDetailIdList: this.applyDetailIds(order),
        };
        break;
      }
      case 'confirm_return_received': {
        const operator = this.operator(ctx);
        method = JD_METHODS.ascReceiveRegister;
        business = {
          ...target,
          receivePin: operator.operatePin,
          receiveName: operator.operateNick,
          ...JD_RECEIVE_REGISTER_DEFAULTS,
          receiveRemark: '已收到退货',
        };
        break;
      }
      case 'approve_refund':
      case 'send_message':
        throw new AdapterError(
          AdapterErrorCode.UNSUPPORTED,
          `JD service orders have no documented API for ${action.type}; use the JD merchant console`,
        );
    }
    const response = await client.call<JdAscWriteResponse>(method, business);
    if (response.result?.success !== true) {
      throw jdOperationRefused(method, response.result?.msg, response.result?.resultCode);
    }
    return { response, ...(await rereadAfterAction(() => this.fetchCase(ctx, ticket.externalId))) };
  }

  private async performOnRefundApply(
    ctx: AdapterContext,
    action: AdapterAction,
    ticket: TicketForAction,
  ): Promise<ActionOutcome> {
    const id = ticket.externalId.slice(JD_REFUND_APPLY_PREFIX.length);
    const checkUserName = this.operator(ctx).operatePin;
    let business: Record<string, unknown>;
    switch (action.type) {
      case 'approve_refund':
        if (
          action.amount &&
          ticket.requestedAmount &&
          action.amount.amountMinor !== ticket.requestedAmount.amountMinor
        ) {
          throw invalid('JD refund applications are approved in full; a different amount cannot be sent');
        }
        business = { id: jdInt(id, 'id'), status: 1, checkUserName, remark: JD_REFUND_APPROVE_REMARK };
        break;
      case 'refuse_refund':
        if (!action.reason.trim()) throw invalid('JD needs a remark to refuse a refund application');
        business = {
          id: jdInt(id, 'id'),
          status: 2,
          checkUserName,
          remark: action.reason,
          rejectType: numericReason(action.reasonCode, JD_DEFAULT_REJECT_TYPE),
        };
        break;
      case 'approve_return':
      case 'refuse_return':
      case 'confirm_return_received':
      case 'send_message':
        throw new AdapterError(
          AdapterErrorCode.UNSUPPORTED,
          `a JD refund application takes only approve or refuse, not ${action.type}`,
        );
    }
    const response = await new JdClient(ctx).call<JdRefundApplyReplyResponse>(
      JD_METHODS.refundApplyReply,
      business,
    );
    const success = response.replyResult?.success;
    if (success !== true && success !== 'true') {
      throw jdOperationRefused(JD_METHODS.refundApplyReply, response.replyResult?.errorMsg);
    }
    return { response, ...(await rereadAfterAction(() => this.fetchCase(ctx, ticket.externalId))) };
  }

  /** The asc family wants the merchant (`buId`) and the operator on every call; the pin doubles as the nick. */
  private operator(ctx: AdapterContext): { buId: string; operatePin: string; operateNick: string } {
    const { buId, operatePin } = ctx.connection.credentials;
    if (!buId || !operatePin) {
      throw invalid('JD service orders need the connection credentials buId and operatePin');
    }
    return { buId, operatePin, operateNick: operatePin };
  }

  private returnAddress(address: ReturnAddress | null): Record<string, unknown> {
    if (!address) throw invalid('jingdong.asc.audit.delivery needs a return address');
    return {
      returnContactName: address.name,
      returnContactTel: address.phone,
      returnContactMobile: address.phone,
      returnZipcode: address.postcode ?? '',
      returnProvince: areaCode(address.province, 'province'),
      returnCity: areaCode(address.city, 'city'),
      returnCounty: areaCode(address.district, 'district'),
      returnDetailAddress: address.address,
    };
  }

  private applyDetailIds(order: Partial<JdServiceOrder>): bigint[] {
    const id = idString(order.applyDetailId);
    if (!id) throw invalid('the service order carries no applyDetailId; re-read the case');
    return [jdInt(id, 'applyDetailId')];
  }

  private serviceOrders(response: JdAscSyncListResponse): JdServiceOrder[] {
    if (response.pageResult?.success === false) {
      throw jdOperationRefused(
        JD_METHODS.ascSyncList,
        response.pageResult.msg,
        response.pageResult.resultCode,
      );
    }
    return response.pageResult?.data ?? [];
  }

  private refundApplies(response: JdRefundApplyListResponse) {
    if (response.queryResult?.success === false) {
      throw jdOperationRefused(JD_METHODS.refundApplyList, response.queryResult.errorMsg);
    }
    return response.queryResult?.result ?? [];
  }
}
