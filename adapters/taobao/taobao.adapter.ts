import {
  AdapterError,
  AdapterErrorCode,
  type ActionOutcome,
  type AdapterAction,
  type AdapterCapabilities,
  type AdapterContext,
  type AppMessage,
  type ConsumedAppMessages,
  type InboundEventDraft,
  type MarketplaceAdapter,
  type NormalizedCase,
  type PerformOptions,
  type PullPage,
  type TicketForAction,
} from '../contract';
import { rereadAfterAction } from '../shared/action-reread';
import { isPulledRowEvent, mapPulledRows, resolvePulledRow } from '../shared/pulled-rows';
import { WindowPager } from '../shared/window-cursor';
import { formatGmt8 } from '../shared/china-time';
import { DeliveryTimes } from '../shared/delivery-times';
import { idString, parseLosslessJson, stringifyLosslessJson } from '../shared/lossless-json';
import { TaobaoClient } from './taobao.client';
import { TOP_SMS_CODE_MESSAGE, topOperationRefused } from './taobao.errors';
import { topSignedForAt } from './taobao.delivery';
import { mapTopRefund } from './taobao.mapper';
import {
  TOP_METHODS,
  TOP_REFUND_FIELDS,
  type TopRefund,
  type TopRefundGetResponse,
  type TopRefundMappingResult,
  type TopRefundMessageContent,
  type TopRefundReviewResponse,
  type TopRefundRefuseResponse,
  type TopRefundsAgreeResponse,
  type TopRefundsReceiveGetResponse,
  type TopReturnGoodsAgreeResponse,
  type TopTmcConfirmResponse,
  type TopTmcConsumeResponse,
  type TopTmcMessage,
} from './taobao.types';

/**
 * First pull looks back a day; each window re-reads 5 minutes because `modified` has one-second precision and
 * late writes land behind the cursor. [U] TOP documents no maximum window; a day keeps pages bounded.
 */
export const TOP_PULL_WINDOW = {
  lookbackMs: 24 * 60 * 60 * 1000,
  maxWindowMs: 24 * 60 * 60 * 1000,
  overlapMs: 5 * 60 * 1000,
  pageSize: 100,
};

/** `taobao.tmc.messages.consume` takes 10..200; confirm takes at most 200 ids, so one batch is one confirm. */
export const TOP_TMC_BATCH = 100;

export const TOP_REFUND_TOPIC_PREFIX = 'taobao_refund_';

/**
 * After an empty `taobao.tmc.messages.consume`, wait before asking again: the TOP description says "if no
 * messages come back, do not call the API continuously … sleep 100ms or so" (bububa/opentaobao,
 * `tmc` package, `TaobaotmcmessagesconsumeAPIRequest`). [U] The doubling up to 2 s while the queue stays empty is the hub's own
 * choice, keeping an idle app near one call every 2 s; TMC publishes no figure for it.
 */
export const TOP_TMC_IDLE_BACKOFF = { minMs: 100, maxMs: 2_000 };

/** [U] How a failed line of `taobao.rp.refunds.agree` says the refund_version is stale. */
export const TOP_STALE_VERSION_MESSAGE = /version|版本/i;

/** `refuse_message` must be 2–200 characters. */
export const TOP_TEXT_LIMITS = { refuseMin: 2, refuseMax: 200 };

/**
 * `taobao.rp.refunds.agree` moves at most ¥6000 per call on Taobao and ¥10000 on Tmall (its TOP description:
 * 淘宝退款一次最多能退20笔，总金额不超过6000元；天猫退款一次最多能退30笔，总金额不超过10000元).
 */
export const TOP_AGREE_LIMIT_FEN = { taobao: 600_000, tmall: 1_000_000 };

/**
 * Tmall refunds are reviewed before the batch agree: `taobao.rp.refund.review` "marks whether the refund may be
 * used for batch refunds; Tmall orders only" (TOP description, in bububa/opentaobao and the official Java SDK
 * `RpRefundReviewRequest`), and `taobao.rp.refunds.agree` is that batch refund. One open-source OMS calls it
 * before agreeing. [U] Whether an unreviewed Tmall refund is refused outright is not published.
 */
export const TOP_TMALL_REVIEW_BEFORE_AGREE = true;
export const TOP_REVIEW_MESSAGE = '审核通过，同意退款';

/** `remark` is required by `taobao.rp.returngoods.agree` on Tmall; the buyer reads it. */
export const TOP_RETURN_AGREE_REMARK = '同意退货，请按退货地址寄回商品并填写物流单号';

/** `order_status` of an order not shipped yet: TOP refuses `taobao.refund.refuse` then. */
export const TOP_ORDER_NOT_SHIPPED = 'WAIT_SELLER_SEND_GOODS';

/**
 * [U] A seven-day no-reason return, which `taobao.refund.refuse` does not allow: TOP's refund has no flag for it
 * in the fields read here, so the buyer's chosen reason is matched.
 */
export const TOP_NO_REASON_RETURN = /七天无理由/;

/**
 * Tmall (B shops) and Taobao (C shops) take different parameters. The connection may say which it is
 * (`shopType`: tmall | taobao); otherwise a refund that carries `refund_phase` is taken for Tmall, since TOP
 * documents the phase as required for Tmall and unused on Taobao.
 */
function isTmall(ctx: AdapterContext, raw: Partial<TopRefund>): boolean {
  const declared = ctx.connection.credentials.shopType;
  if (declared === 'tmall') return true;
  if (declared === 'taobao') return false;
  return Boolean(raw.refund_phase);
}

/** [U] TOP quotas are per app and per API per day; this per-connection pace stays well inside them. */
export const TOP_REQUESTS_PER_SECOND = 10;

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

function rawRefund(ticket: TicketForAction): Partial<TopRefund> {
  return typeof ticket.raw === 'object' && ticket.raw !== null ? (ticket.raw as Partial<TopRefund>) : {};
}

function mappingResults(response: TopRefundsAgreeResponse): TopRefundMappingResult[] {
  const results = response.results;
  if (Array.isArray(results)) return results;
  return results?.refund_mapping_result ?? [];
}

/** [U] How far back taobao.refunds.receive.get serves refunds by modified time: three months is the figure
 * sellers' tools quote; not confirmed in the published docs. */
export const TOP_HISTORY_DAYS = 90;

/**
 * Taobao / Tmall Open Platform (https://open.taobao.com/api.htm?docId=52&docType=2).
 * Refunds are pulled by modified time per shop (the session's seller) and consumed from TMC per app key
 * (`taobao.tmc.messages.consume` + confirm, every seller of the app at once); TOP has no HTTP push, so the
 * adapter has no `verifyWebhook` (its connections' webhook route answers 404).
 *
 * Corrections to the shared reference, from the TOP metadata (bububa/opentaobao) and the official SDKs:
 * - `taobao.refund.message.add` is "create a refund message / evidence" (创建退款留言/凭证) and its `image` is
 *   required. The hub's replies are text, and a picture generated from the text would be filed as evidence in
 *   the case the platform arbitrates on, so text replies are not offered on Taobao: the reply answers 422.
 * - `taobao.refund.refuse` needs `refuse_proof` (an image) on Tmall, so Tmall refusals stay in the console; it is
 *   not allowed before shipment nor for seven-day no-reason returns, which are refused here without a call.
 * - `taobao.rp.returngoods.agree` needs `remark` on Tmall and `post` on Taobao.
 * - Refunds carry no sign-for time; a requested refund's is read once per order from the logistics trace
 *   (`taobao.logistics.trace.search`, see taobao.delivery.ts) for the fast-refund window.
 * - `taobao.rp.refunds.agree` works only with a sub-account session, and above some amount answers a failure
 *   and texts the seller a code; the action then waits (VERIFICATION_REQUIRED) for that code.
 */
export class TaobaoAdapter implements MarketplaceAdapter {
  readonly capabilities: AdapterCapabilities = {
    platform: 'taobao',
    displayName: 'Taobao / Tmall (TOP)',
    push: 'message-channel',
    appChannel: {
      appKeyCredential: 'appKey',
      appSecretCredential: 'appSecret',
      idleBackoff: TOP_TMC_IDLE_BACKOFF,
    },
    pull: true,
    actions: ['approve_refund', 'refuse_refund', 'approve_return'],
    actionStages: {
      approve_refund: ['requested', 'return_shipped', 'return_received'],
      refuse_refund: ['requested', 'return_shipped', 'return_received'],
      approve_return: ['requested'],
    },
    unsupportedReasons: {
      send_message:
        'Taobao takes refund messages only as evidence with an image (taobao.refund.message.add requires a JPG/GIF/PNG up to 500 KB); text replies are not sent',
    },
    rateLimit: {
      requestsPerSecond: TOP_REQUESTS_PER_SECOND,
      note: 'TOP limits calls per app and API per day; codes 7/8 mean the app is banned for some seconds',
    },
    credentials: [
      { name: 'appKey', required: true },
      { name: 'appSecret', required: true },
      { name: 'sessionKey', required: true },
      { name: 'signMethod', required: false },
      { name: 'shopType', required: false },
      { name: 'operatorName', required: false },
    ],
    docs: 'https://open.taobao.com/api.htm?docId=52&docType=2',
  };

  /** Sign-for times of requested refunds, read from the order's logistics trace (taobao.delivery.ts). */
  private readonly deliveryTimes = new DeliveryTimes(topSignedForAt);

  private readonly pager = new WindowPager(
    { platform: 'Taobao', ...TOP_PULL_WINDOW, firstPage: 1, maxDays: TOP_HISTORY_DAYS },
    {},
  );
  readonly backfill = this.pager.backfill;

  defaultApiBaseUrl(): string {
    return 'https://eco.taobao.com/router/rest';
  }

  /** TMC refund messages carry only ids, fee and time, so the refund is read again (as is an unmapped pulled row). */
  async resolveEvent(ctx: AdapterContext, event: InboundEventDraft): Promise<NormalizedCase | null> {
    if (isPulledRowEvent(event)) {
      return resolvePulledRow(event, mapTopRefund, ({ externalId }) => this.fetchCase(ctx, externalId ?? ''));
    }
    const refundId = event.externalId ?? idString(contentOf(parseMessage(event.payload)).refund_id);
    return refundId ? this.fetchCase(ctx, refundId) : null;
  }

  async pull(ctx: AdapterContext, cursor: string | null): Promise<PullPage> {
    const now = ctx.now().getTime();
    const { state, end } = this.pager.open(cursor, now);
    const page = await new TaobaoClient(ctx).call<TopRefundsReceiveGetResponse>(
      TOP_METHODS.refundsReceiveGet,
      {
        fields: TOP_REFUND_FIELDS,
        start_modified: formatGmt8(new Date(state.start)),
        end_modified: formatGmt8(new Date(end)),
        page_no: state.page,
        page_size: TOP_PULL_WINDOW.pageSize,
        use_has_next: true,
      },
    );
    const rows = page.refunds?.refund ?? [];
    const mapped = mapPulledRows(rows, mapTopRefund, (row) => ({
      externalId: idString(row.refund_id),
      externalOrderId: idString(row.tid),
    }));
    const cases = { ...mapped, cases: await this.deliveryTimes.fill(ctx, mapped.cases) };
    const more = page.has_next === true && rows.length > 0;
    return { ...cases, ...(more ? this.pager.more(state, end) : this.pager.done(end, now)) };
  }

  async fetchCase(ctx: AdapterContext, externalId: string): Promise<NormalizedCase> {
    if (!/^\d+$/.test(externalId)) throw invalid(`not a TOP refund_id: ${externalId}`);
    const response = await new TaobaoClient(ctx).call<TopRefundGetResponse>(TOP_METHODS.refundGet, {
      refund_id: externalId,
      fields: TOP_REFUND_FIELDS,
    });
    if (!response.refund) {
      throw new AdapterError(
        AdapterErrorCode.NOT_FOUND,
        `taobao.refund.get returned no refund ${externalId}`,
      );
    }
    return this.deliveryTimes.fillOne(ctx, mapTopRefund(response.refund));
  }

  /**
   * One consumer per app key: `taobao.tmc.messages.consume` (default group, no session) hands out the messages
   * of every seller of the app, each naming its seller by `user_id` and `user_nick`. Every consumed message is
   * confirmed once the hub has stored the batch, refund topic or not (an unconfirmed message comes back
   * forever); only refund topics become events, the others are routed with none.
   */
  async consumeAppMessages(ctx: AdapterContext): Promise<ConsumedAppMessages> {
    const client = new TaobaoClient(ctx);
    const response = await client.call<TopTmcConsumeResponse>(TOP_METHODS.tmcConsume, {
      quantity: TOP_TMC_BATCH,
    });
    const consumed = response.messages?.tmc_message ?? [];
    const ids = [...new Set(consumed.map((message) => idString(message.id)).filter((id) => id !== null))];
    const messages: AppMessage[] = consumed
      .filter((message) => message.topic.startsWith(TOP_REFUND_TOPIC_PREFIX))
      .map((message) => ({
        shopKeys: [idString(message.user_id), message.user_nick].filter(
          (key): key is string => typeof key === 'string' && key !== '',
        ),
        event: {
          dedupeKey: String(idString(message.id)),
          eventType: message.topic,
          externalId: peekRefundId(message),
          payload: stringifyLosslessJson(message),
        },
      }));
    return {
      messages,
      // How many the platform handed out, refund topics or not: a full batch means more are waiting.
      received: consumed.length,
      confirm: async () => {
        if (ids.length === 0) return;
        const confirmed = await client.call<TopTmcConfirmResponse>(TOP_METHODS.tmcConfirm, {
          s_message_ids: ids.join(','),
        });
        if (confirmed.is_success === false) {
          throw new AdapterError(AdapterErrorCode.TEMPORARY, 'taobao.tmc.messages.confirm did not succeed');
        }
      },
    };
  }

  /** TOP takes no idempotency key; refund_version on agree, refuse and return-agree is the platform's lock. */
  async perform(
    ctx: AdapterContext,
    action: AdapterAction,
    ticket: TicketForAction,
    options?: PerformOptions,
  ): Promise<ActionOutcome> {
    const client = new TaobaoClient(ctx);
    const raw = rawRefund(ticket);
    const version = ticket.platformVersion ?? idString(raw.refund_version);
    const phase = raw.refund_phase ?? '';
    const tmall = isTmall(ctx, raw);
    // Taobao takes neither; Tmall requires both on refuse and return-agree.
    const tmallLock: Record<string, string> = tmall
      ? { refund_phase: phase, refund_version: version ?? '' }
      : {};
    switch (action.type) {
      case 'approve_refund': {
        const amount = action.amount ?? ticket.requestedAmount;
        if (!amount) throw invalid('no amount to agree: the ticket has no requested amount');
        if (amount.currency !== 'CNY') throw invalid(`TOP refunds are in CNY, not ${amount.currency}`);
        if (!version) throw invalid('taobao.rp.refunds.agree needs the refund_version; re-read the case');
        const limit = tmall ? TOP_AGREE_LIMIT_FEN.tmall : TOP_AGREE_LIMIT_FEN.taobao;
        if (amount.amountMinor > limit) {
          throw invalid(
            `taobao.rp.refunds.agree takes at most ¥${limit / 100} per call on ${tmall ? 'Tmall' : 'Taobao'}`,
          );
        }
        if (tmall && TOP_TMALL_REVIEW_BEFORE_AGREE && !options?.verificationCode) {
          const reviewed = await client.call<TopRefundReviewResponse>(TOP_METHODS.refundReview, {
            refund_id: ticket.externalId,
            operator: ctx.connection.credentials.operatorName || ctx.connection.shopId,
            ...tmallLock,
            result: true,
            message: TOP_REVIEW_MESSAGE,
          });
          if (reviewed.is_success === false) throw topOperationRefused(TOP_METHODS.refundReview, undefined);
        }
        const info = [
          ticket.externalId,
          amount.amountMinor,
          version,
          ...(tmall && phase ? [phase] : []),
        ].join('|');
        const response = await client.call<TopRefundsAgreeResponse>(TOP_METHODS.refundsAgree, {
          refund_infos: info,
          ...(options?.verificationCode ? { code: options.verificationCode } : {}),
        });
        const line = mappingResults(response).find(
          (result) => idString(result.refund_id) === ticket.externalId,
        );
        if (response.succ !== true || line?.succ === false) {
          const message = line?.message ?? response.message;
          if (TOP_SMS_CODE_MESSAGE.test(message ?? '')) {
            throw new AdapterError(AdapterErrorCode.VERIFICATION_REQUIRED, message ?? 'SMS code required', {
              message,
            });
          }
          if (TOP_STALE_VERSION_MESSAGE.test(message ?? '')) {
            throw new AdapterError(AdapterErrorCode.CONFLICT, `taobao.rp.refunds.agree: ${message}`, {
              message,
            });
          }
          throw topOperationRefused(TOP_METHODS.refundsAgree, message);
        }
        return { response, ...(await rereadAfterAction(() => this.fetchCase(ctx, ticket.externalId))) };
      }
      case 'refuse_refund': {
        if (tmall) {
          throw new AdapterError(
            AdapterErrorCode.UNSUPPORTED,
            'taobao.refund.refuse needs refuse_proof (an image) on Tmall, and the hub carries no images; refuse in the seller console',
          );
        }
        if (raw.order_status === TOP_ORDER_NOT_SHIPPED) {
          throw invalid('TOP does not allow refusing a refund before the goods are shipped');
        }
        if (TOP_NO_REASON_RETURN.test(raw.reason ?? '')) {
          throw invalid('TOP does not allow refusing a seven-day no-reason return');
        }
        const text = action.reason.trim();
        if (text.length < TOP_TEXT_LIMITS.refuseMin || text.length > TOP_TEXT_LIMITS.refuseMax) {
          throw invalid(
            `refuse_message must be ${TOP_TEXT_LIMITS.refuseMin}–${TOP_TEXT_LIMITS.refuseMax} characters`,
          );
        }
        const response = await client.call<TopRefundRefuseResponse>(TOP_METHODS.refundRefuse, {
          refund_id: ticket.externalId,
          refuse_message: text,
          ...tmallLock,
          ...(action.reasonCode && /^\d+$/.test(action.reasonCode)
            ? { refuse_reason_id: action.reasonCode }
            : {}),
        });
        if (response.is_success === false) throw topOperationRefused(TOP_METHODS.refundRefuse, undefined);
        return { response, ...(await rereadAfterAction(() => this.fetchCase(ctx, ticket.externalId))) };
      }
      case 'approve_return': {
        const address = action.returnAddress;
        if (!address?.externalAddressId) {
          throw invalid('taobao.rp.returngoods.agree needs the seller_address_id of a saved return address');
        }
        if (!tmall && !address.postcode) {
          throw invalid('taobao.rp.returngoods.agree needs the return address postcode (post) on Taobao');
        }
        const fullAddress = [address.province, address.city, address.district, address.address]
          .filter((part) => part)
          .join('');
        const response = await client.call<TopReturnGoodsAgreeResponse>(TOP_METHODS.returnGoodsAgree, {
          refund_id: ticket.externalId,
          ...tmallLock,
          ...(tmall ? { remark: TOP_RETURN_AGREE_REMARK } : {}),
          seller_address_id: address.externalAddressId,
          name: address.name,
          address: fullAddress,
          post: address.postcode ?? '',
          tel: address.phone,
          mobile: address.phone,
        });
        if (response.is_success === false)
          throw topOperationRefused(TOP_METHODS.returnGoodsAgree, response.msg);
        return { response, ...(await rereadAfterAction(() => this.fetchCase(ctx, ticket.externalId))) };
      }
      case 'send_message':
      case 'refuse_return':
      case 'confirm_return_received':
        throw new AdapterError(
          AdapterErrorCode.UNSUPPORTED,
          this.capabilities.unsupportedReasons?.[action.type] ??
            `Taobao has no API the hub can use for ${action.type}; use the seller console`,
        );
    }
  }
}

function parseMessage(payload: string): TopTmcMessage {
  try {
    const message = parseLosslessJson(payload) as TopTmcMessage;
    if (typeof message === 'object' && message !== null && typeof message.content === 'string')
      return message;
  } catch {
    // reported below
  }
  throw invalid('the event is not a TMC message with a content string');
}

/** A message's `content` is a JSON string whose ids exceed 2^53, so it is parsed losslessly too. */
function contentOf(message: TopTmcMessage): TopRefundMessageContent {
  try {
    const content = parseLosslessJson(message.content);
    if (typeof content === 'object' && content !== null) return content as TopRefundMessageContent;
  } catch {
    // reported below
  }
  throw invalid(`TMC message ${String(message.id)} has a content that is not a JSON object`);
}

/** Best effort while consuming: a malformed message is still stored, and fails later with its reason. */
function peekRefundId(message: TopTmcMessage): string | null {
  try {
    return idString(contentOf(message).refund_id);
  } catch {
    return null;
  }
}
