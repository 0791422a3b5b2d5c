import { DeliveryTimes } from '../shared/delivery-times';
import { isPulledRowEvent, mapPulledRows, resolvePulledRow } from '../shared/pulled-rows';
import { WindowPager } from '../shared/window-cursor';
import { LosslessNumber } from 'lossless-json';
import {
  AdapterError,
  AdapterErrorCode,
  WebhookSignatureError,
  type ActionOutcome,
  type AdapterAction,
  type AdapterCapabilities,
  type AdapterConnection,
  type AdapterContext,
  type AppCredentials,
  type AppMessage,
  type InboundEventDraft,
  type IncomingPush,
  type MarketplaceAdapter,
  type NormalizedCase,
  type PullPage,
  type TicketForAction,
  type VerifiedAppPush,
  type VerifiedPush,
} from '../contract';
import { rereadAfterAction } from '../shared/action-reread';
import { toUnixSeconds } from '../shared/china-time';
import { isObject } from '../shared/guards';
import { idString, parseLosslessJson, stringifyLosslessJson } from '../shared/lossless-json';
import { headerValue, md5Hex, safeEqual } from '../shared/signing';
import { DouyinClient } from './douyin.client';
import { douyinDeliveryKey, douyinReceivedAt } from './douyin.delivery';
import { mapDouyinDetail, mapDouyinListItem } from './douyin.mapper';
import {
  DOUYIN_AFTERSALE_TAGS,
  DOUYIN_OPERATE_ITEM_SUCCESS,
  DOUYIN_OPERATE_TYPES,
  DOUYIN_PAGE_SIZE,
  DOUYIN_PATHS,
  type DouyinAftersaleMessageData,
  type DouyinDetailData,
  type DouyinListData,
  type DouyinOperateData,
  type DouyinOperateItem,
  type DouyinPushMessage,
} from './douyin.types';

/** First pull reads a day back; each later run re-reads 5 minutes, since writes land slightly late. */
export const DOUYIN_PULL_WINDOW = {
  lookbackMs: 24 * 60 * 60 * 1000,
  maxWindowMs: null,
  overlapMs: 5 * 60 * 1000,
};

/** A message's `data` JSON text, parsed losslessly (its ids are int64 numbers); null when it is not an object. */
function messageData(message: Partial<DouyinPushMessage>): DouyinAftersaleMessageData | null {
  if (typeof message.data !== 'string') return null;
  try {
    const data = parseLosslessJson(message.data) as DouyinAftersaleMessageData;
    return isObject(data) ? data : null;
  } catch {
    return null;
  }
}

function messageAftersaleId(message: Partial<DouyinPushMessage>): string | null {
  return idString(messageData(message)?.aftersale_id);
}

/** The shop a message names (`shop_id`): what the app-level push is routed by. */
function messageShopId(message: Partial<DouyinPushMessage>): string | null {
  return idString(messageData(message)?.shop_id);
}

function invalid(message: string): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, message);
}

/**
 * `afterSale/operate` refuses only with a code from `afterSale/rejectReasonCodeList`, sent as a JSON number;
 * the agent's text goes with it as reason and remark.
 */
function refusal(
  action: Extract<AdapterAction, { type: 'refuse_refund' | 'refuse_return' }>,
): Pick<DouyinOperateItem, 'reject_reason_code' | 'reason' | 'remark'> {
  const code = action.reasonCode?.trim() ?? '';
  if (!/^\d+$/.test(code)) {
    throw invalid(
      `Douyin needs a numeric reject_reason_code (from afterSale/rejectReasonCodeList) to ${action.type}`,
    );
  }
  return { reject_reason_code: Number(code), reason: action.reason, remark: action.reason };
}

/** What Douyin expects back from a push it may stop retrying (zsmhub/doudian-sdk `message/doudian_message.go`). */
const DOUYIN_PUSH_REPLY = { status: 200, body: { code: 0, msg: 'success' } };

/**
 * [U] The header naming the app a push is for. The official message docs mention it; the SDK sources read
 * (zsmhub/doudian-sdk `message/doudian_message.go`) check only `event-sign`, so it is checked when present and
 * never required.
 */
export const DOUYIN_APP_ID_HEADER = 'app-id';

/**
 * `event-sign` = lowercase hex MD5(app_key + raw body + app_secret) (zsmhub/doudian-sdk `message/doudian_sign.go`),
 * checked in constant time before anything is parsed; the body is a JSON array of `{tag, msg_id, data}`.
 */
export function verifyDouyinPush(
  push: IncomingPush,
  appKey: string | undefined,
  appSecret: string | undefined,
): AppMessage[] {
  if (!appKey || !appSecret) throw new WebhookSignatureError('the connection has no appKey/appSecret');
  const signature = headerValue(push.headers, 'event-sign');
  if (!signature) throw new WebhookSignatureError('the event-sign header is missing');
  const expected = md5Hex(Buffer.concat([Buffer.from(appKey), push.rawBody, Buffer.from(appSecret)]));
  if (!safeEqual(signature.trim().toLowerCase(), expected)) {
    throw new WebhookSignatureError('event-sign does not match');
  }
  const appId = headerValue(push.headers, DOUYIN_APP_ID_HEADER);
  if (appId !== undefined && appId.trim() !== appKey) {
    throw new WebhookSignatureError(`the ${DOUYIN_APP_ID_HEADER} header names another app`);
  }
  let messages: unknown;
  try {
    messages = parseLosslessJson(push.rawBody.toString('utf8'));
  } catch {
    throw new WebhookSignatureError('the signed body is not JSON');
  }
  if (!Array.isArray(messages)) throw new WebhookSignatureError('the signed body is not a message array');
  return messages.map((message: unknown) => {
    const element = isObject(message) ? (message as Partial<DouyinPushMessage>) : {};
    const payload = stringifyLosslessJson(message);
    const tag = idString(element.tag) ?? '';
    const shopId = messageShopId(element);
    return {
      shopKeys: shopId ? [shopId] : [],
      event: {
        dedupeKey: idString(element.msg_id) ?? `sha-${md5Hex(payload)}`,
        eventType: DOUYIN_AFTERSALE_TAGS[tag] ?? `tag_${tag}`,
        externalId: messageAftersaleId(element),
        payload,
      },
    };
  });
}

/** [U] How far back afterSale/List serves after-sales by update time; not confirmed, three months assumed. */
export const DOUYIN_HISTORY_DAYS = 90;

/**
 * Douyin Shop (抖店) open platform (https://op.jinritemai.com/docs/api-docs/17/1816). Pushes are triggers:
 * each message is re-read with `afterSale/Detail`, whose `update_time` is also the optimistic lock that
 * `afterSale/operate` checks. After-sales records carry no delivery time; a requested case's is read from its shop
 * order once (`/order/orderDetail`, see douyin.delivery.ts).
 */
export class DouyinAdapter implements MarketplaceAdapter {
  readonly capabilities: AdapterCapabilities = {
    platform: 'douyin',
    displayName: 'Douyin Shop (抖店)',
    push: 'webhook',
    appChannel: { appKeyCredential: 'appKey', appSecretCredential: 'appSecret' },
    pull: true,
    actions: ['approve_refund', 'refuse_refund', 'approve_return', 'refuse_return'],
    actionStages: {
      approve_refund: ['requested', 'return_shipped', 'return_received'],
      refuse_refund: ['requested', 'return_shipped', 'return_received'],
      approve_return: ['requested'],
      refuse_return: ['requested'],
    },
    rateLimit: { requestsPerSecond: 10, note: 'per-app limits are not published; assumed' },
    credentials: [
      { name: 'appKey', required: true },
      { name: 'appSecret', required: true },
      { name: 'accessToken', required: true },
      { name: 'returnAddressId', required: false },
    ],
    docs: 'https://op.jinritemai.com/docs/api-docs/17/1816',
  };

  private readonly deliveryTimes = new DeliveryTimes(douyinReceivedAt, douyinDeliveryKey);

  private readonly pager = new WindowPager(
    {
      platform: 'Douyin',
      ...DOUYIN_PULL_WINDOW,
      firstPage: 0,
      maxDays: DOUYIN_HISTORY_DAYS,
      legacySeconds: true,
    },
    {},
  );
  readonly backfill = this.pager.backfill;

  defaultApiBaseUrl(): string {
    return 'https://openapi-fxg.jinritemai.com';
  }

  /** The per-connection URL: the same signed pushes, all taken as this connection's own. */
  verifyWebhook(push: IncomingPush, connection: AdapterConnection): VerifiedPush {
    const { appKey, appSecret } = connection.credentials;
    const messages = verifyDouyinPush(push, appKey, appSecret);
    return { events: messages.map((message) => message.event), reply: DOUYIN_PUSH_REPLY };
  }

  /**
   * The app-level URL (the one Douyin actually has: one push URL per app): each message is routed by the
   * `shop_id` inside its `data`.
   */
  verifyAppPush(push: IncomingPush, app: AppCredentials): VerifiedAppPush {
    const messages = verifyDouyinPush(push, app.appKey, app.credentials.appSecret);
    return { messages, reply: DOUYIN_PUSH_REPLY };
  }

  /** Messages only say that a case changed; the case is read back so stale or reordered pushes cannot win. */
  async resolveEvent(ctx: AdapterContext, event: InboundEventDraft): Promise<NormalizedCase | null> {
    if (isPulledRowEvent(event)) {
      return resolvePulledRow(event, mapDouyinListItem, ({ externalId }) =>
        this.fetchCase(ctx, externalId ?? ''),
      );
    }
    let message: Partial<DouyinPushMessage>;
    try {
      const parsed = parseLosslessJson(event.payload);
      if (!isObject(parsed)) throw new Error('not an object');
      message = parsed as Partial<DouyinPushMessage>;
    } catch {
      throw invalid('the stored Douyin message is not a JSON object');
    }
    if (!DOUYIN_AFTERSALE_TAGS[idString(message.tag) ?? '']) return null;
    const aftersaleId = messageAftersaleId(message);
    if (!aftersaleId) throw invalid(`Douyin message ${String(message.msg_id)} has no data.aftersale_id`);
    return this.fetchCase(ctx, aftersaleId);
  }

  async pull(ctx: AdapterContext, cursor: string | null): Promise<PullPage> {
    const now = ctx.now().getTime();
    const { state, end } = this.pager.open(cursor, now);
    const data = await new DouyinClient(ctx).call<DouyinListData>(DOUYIN_PATHS.list, {
      update_start_time: toUnixSeconds(new Date(state.start)),
      update_end_time: toUnixSeconds(new Date(end)),
      order_by: ['update_time asc'],
      page: state.page,
      size: DOUYIN_PAGE_SIZE,
    });
    const items = Array.isArray(data.items) ? data.items : [];
    const mapped = mapPulledRows(items, mapDouyinListItem, (item) => ({
      externalId: idString(item.aftersale_info?.aftersale_id),
      externalOrderId: idString(item.order_info?.shop_order_id),
    }));
    const cases = { ...mapped, cases: await this.deliveryTimes.fill(ctx, mapped.cases) };
    if (data.has_more === true && items.length > 0) {
      // Keyset on update_time: a case updated while paging moves past `end` instead of shifting the pages.
      const last = Math.max(...items.map((item) => Number(item.aftersale_info.update_time))) * 1000;
      return { ...cases, ...this.pager.more(state, end, last > state.start ? { start: last, page: 0 } : {}) };
    }
    return { ...cases, ...this.pager.done(end, now) };
  }

  async fetchCase(ctx: AdapterContext, externalId: string): Promise<NormalizedCase> {
    const data = await new DouyinClient(ctx).call<DouyinDetailData>(DOUYIN_PATHS.detail, {
      after_sale_id: externalId,
    });
    return this.deliveryTimes.fillOne(ctx, mapDouyinDetail(data));
  }

  /**
   * `afterSale/operate` takes no idempotency key. A replay is stopped by the case itself: the first operation
   * moves it on, so the replay's `update_time` is stale (or, without one, its state no longer allows it).
   */
  async perform(ctx: AdapterContext, action: AdapterAction, ticket: TicketForAction): Promise<ActionOutcome> {
    const item: DouyinOperateItem = { aftersale_id: ticket.externalId };
    if (ticket.platformVersion && /^\d+$/.test(ticket.platformVersion))
      item.update_time = Number(ticket.platformVersion);
    const afterReturn = ticket.stage === 'return_shipped' || ticket.stage === 'return_received';
    let type: number;
    switch (action.type) {
      case 'approve_refund':
        if (
          action.amount &&
          ticket.requestedAmount &&
          action.amount.amountMinor !== ticket.requestedAmount.amountMinor
        ) {
          throw invalid(
            'afterSale/operate agrees the amount the buyer asked for; a different amount cannot be sent',
          );
        }
        type = afterReturn ? DOUYIN_OPERATE_TYPES.agreeRefundAfterReturn : DOUYIN_OPERATE_TYPES.agreeRefund;
        break;
      case 'refuse_refund':
        Object.assign(item, refusal(action));
        type = afterReturn
          ? DOUYIN_OPERATE_TYPES.refuseAfterReturn
          : ticket.kind === 'refund_only'
            ? DOUYIN_OPERATE_TYPES.refuseRefund
            : DOUYIN_OPERATE_TYPES.refuseReturnRequest;
        break;
      case 'approve_return':
        item.logistics = this.returnLogistics(
          action.returnAddress,
          ctx.connection.credentials.returnAddressId,
        );
        type = DOUYIN_OPERATE_TYPES.agreeReturn;
        break;
      case 'refuse_return':
        if (ticket.kind === 'refund_only') {
          throw invalid('a refund-only Douyin case has no return request to refuse; use refuse_refund');
        }
        Object.assign(item, refusal(action));
        type = DOUYIN_OPERATE_TYPES.refuseReturnRequest;
        break;
      case 'confirm_return_received':
      case 'send_message':
        throw new AdapterError(
          AdapterErrorCode.UNSUPPORTED,
          `Douyin has no API for ${action.type} in this adapter`,
        );
    }
    const client = new DouyinClient(ctx);
    const response = await client.call<DouyinOperateData>(DOUYIN_PATHS.operate, { type, items: [item] });
    const failed = (response.items ?? []).find(
      (result) => Number(result.status_code) !== DOUYIN_OPERATE_ITEM_SUCCESS,
    );
    if (failed) {
      throw new AdapterError(
        AdapterErrorCode.INVALID,
        `afterSale/operate refused: ${failed.status_msg ?? failed.status_code}`,
        {
          code: String(failed.status_code),
          message: failed.status_msg ?? undefined,
        },
      );
    }
    return { response, ...(await rereadAfterAction(() => this.fetchCase(ctx, ticket.externalId))) };
  }

  /**
   * The return address is a saved address id (`receiver_address_id`, from `/address/list`):
   * `after_sale_address_detail` was retired on 2023-08-31 (its field description: 该字段将在2023年8月31日下线，
   * 请尽快切换使用receiver_address_id字段), so a spelled-out address is not sent.
   */
  private returnLogistics(
    address: Extract<AdapterAction, { type: 'approve_return' }>['returnAddress'],
    configuredAddressId: string | undefined,
  ): NonNullable<DouyinOperateItem['logistics']> {
    const addressId = address?.externalAddressId || configuredAddressId;
    if (!addressId) {
      throw invalid(
        'Douyin takes a return address only as a saved address id (receiver_address_id from /address/list); set returnAddress.externalAddressId or the credential returnAddressId',
      );
    }
    if (!/^\d+$/.test(addressId)) throw invalid(`Douyin receiver_address_id must be numeric: ${addressId}`);
    return { receiver_address_id: new LosslessNumber(addressId) };
  }
}
