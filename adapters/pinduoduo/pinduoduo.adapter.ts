import {
  AdapterError,
  AdapterErrorCode,
  type ActionOutcome,
  type AdapterAction,
  type AdapterCapabilities,
  type AdapterContext,
  type AppMessageStream,
  type AppMessageStreamOptions,
  type InboundEventDraft,
  type MarketplaceAdapter,
  type NormalizedCase,
  type PullPage,
  type TicketForAction,
} from '../contract';
import { rereadAfterAction } from '../shared/action-reread';
import { isPulledRowEvent, mapPulledRows, resolvePulledRow } from '../shared/pulled-rows';
import { WindowPager } from '../shared/window-cursor';
import { toUnixSeconds } from '../shared/china-time';
import { DeliveryTimes } from '../shared/delivery-times';
import { idString } from '../shared/lossless-json';
import { PinduoduoClient } from './pinduoduo.client';
import { PddMessageClient } from './pinduoduo.message-client';
import {
  isPddMessageEvent,
  isPddRefundTopic,
  pddMessageEvent,
  pddMessageServiceBase,
  readPddRefundContent,
  type PddStoredMessage,
} from './pinduoduo.messages';
import { pddOperationRefused } from './pinduoduo.errors';
import { mapPddListItem, mapPddRefundInformation, parsePddTime } from './pinduoduo.mapper';
import {
  PDD_LIST_FILTER_ALL,
  PDD_METHODS,
  PDD_PAGE_SIZE,
  type PddPmcUserPermitResponse,
  type PddRefundAddressListResponse,
  type PddOrderInformation,
  type PddRefundAgreeResponse,
  type PddRefundInformation,
  type PddRefundListResponse,
  type PddReturnGoodsAgreeResponse,
} from './pinduoduo.types';

/** The list API refuses windows over 30 minutes; re-reading 5 minutes covers late writes (as real OMSs do). */
export const PDD_PULL_WINDOW = {
  lookbackMs: 24 * 60 * 60 * 1000,
  maxWindowMs: 30 * 60 * 1000,
  overlapMs: 5 * 60 * 1000,
};

/** The buyer sees this note when the return is agreed; `operate_desc` is required by the API. */
export const PDD_RETURN_AGREE_NOTE = '已同意退货，请按退货地址寄回商品并填写快递单号';

/** [U] How far back pdd.refund.list.increment.get serves after-sales by update time: three months is what
 * merchants' ERPs use; not confirmed in the published docs. */
export const PDD_HISTORY_DAYS = 90;

/**
 * The buyer's receipt of a requested refund's order: after-sales records carry none, so the order is read once
 * (`pdd.order.information.get`, "只能获取到成交时间三个月以内的交易信息") and its `receive_time`, 确认收货时间, is taken.
 * It is the only receipt time PDD's order gives: `order_status` 3 says 已签收 (signed for) without a time, and
 * `confirm_time` is the deal, not the delivery. An order not received yet has none, and the policy's
 * `whenDeliveryUnknown` applies.
 */
export async function pddReceivedAt(ctx: AdapterContext, item: NormalizedCase): Promise<Date | null> {
  if (!item.externalOrderId) return null;
  const { order_info: order } = await new PinduoduoClient(ctx).call<PddOrderInformation>(
    PDD_METHODS.orderInformation,
    { order_sn: item.externalOrderId },
  );
  const received = order?.receive_time;
  return received ? parsePddTime(received, 'receive_time') : null;
}

/**
 * Pinduoduo Open Platform (https://open.pinduoduo.com/application/document/api?id=pdd.refund.list.increment.get).
 * PDD pushes only over its WebSocket message service, one socket per app for every mall of the app
 * (`openAppMessageStream`, see `pinduoduo.messages.ts`); refunds are also polled in 30-minute windows as the
 * backstop. There is no HTTP ingress. No refuse API is documented, so refusals stay in the console.
 */
export class PinduoduoAdapter implements MarketplaceAdapter {
  readonly capabilities: AdapterCapabilities = {
    platform: 'pinduoduo',
    displayName: 'Pinduoduo (拼多多)',
    push: 'message-channel',
    // Connections of one PDD app share its client_id, and with it one message socket.
    appChannel: { appKeyCredential: 'clientId', appSecretCredential: 'clientSecret' },
    pull: true,
    actions: ['approve_refund', 'approve_return'],
    actionStages: {
      approve_refund: ['requested', 'return_shipped', 'return_received'],
      approve_return: ['requested'],
    },
    rateLimit: {
      requestsPerSecond: 10,
      note: 'pdd.refund.list.increment.get allows 100 calls per 10 s at the lowest app level',
    },
    credentials: [
      { name: 'clientId', required: true },
      { name: 'clientSecret', required: true },
      { name: 'accessToken', required: true },
      { name: 'returnAddressId', required: false },
    ],
    docs: 'https://open.pinduoduo.com/application/document/api?id=pdd.refund.list.increment.get',
  };

  private readonly deliveryTimes = new DeliveryTimes(pddReceivedAt);

  private readonly pager = new WindowPager(
    {
      platform: 'Pinduoduo',
      ...PDD_PULL_WINDOW,
      firstPage: 1,
      maxDays: PDD_HISTORY_DAYS,
      legacySeconds: true,
    },
    {},
  );
  readonly backfill = this.pager.backfill;

  defaultApiBaseUrl(): string {
    return 'https://gw-api.pinduoduo.com/api/router';
  }

  /**
   * The app's message socket: every `pdd_refund_*` message is handed to `deliver` with its mall and
   * acknowledged once stored; other topics are acknowledged at once, the hub has no use for them.
   */
  openAppMessageStream(options: AppMessageStreamOptions): AppMessageStream {
    const { clientId, clientSecret } = options.credentials;
    if (!clientId || !clientSecret) {
      throw new AdapterError(
        AdapterErrorCode.AUTH,
        'the message service needs the app clientId and clientSecret',
      );
    }
    const client = new PddMessageClient({
      base: pddMessageServiceBase(options.apiBaseUrl),
      clientId,
      clientSecret,
      onMessage: async (message) => {
        if (!isPddRefundTopic(message.type)) return;
        await options.deliver({ shopKeys: [message.mallId], event: pddMessageEvent(message) });
      },
      onState: options.onState,
      onRefused: options.onRefused,
      onAccepted: options.onAccepted,
    });
    client.start();
    return { stop: () => client.stop() };
  }

  /**
   * A mall's messages flow only once the app has opened the message service to it with the mall's token
   * (`pdd.pmc.user.permit`); without `topics` it inherits every topic the app subscribed to, as the docs advise.
   */
  async enableAppMessages(ctx: AdapterContext): Promise<void> {
    const response = await new PinduoduoClient(ctx).call<PddPmcUserPermitResponse>(PDD_METHODS.pmcUserPermit);
    if (response.is_success !== true)
      throw pddOperationRefused(PDD_METHODS.pmcUserPermit, 'is_success is false');
  }

  /**
   * Stored events are messages from the message service (their refund is re-read: a message says only that
   * it changed) and pulled rows that could not be mapped (a retry re-reads the case).
   */
  async resolveEvent(ctx: AdapterContext, event: InboundEventDraft): Promise<NormalizedCase | null> {
    if (isPddMessageEvent(event)) {
      const stored = JSON.parse(event.payload) as PddStoredMessage;
      const { refundId, orderSn } = readPddRefundContent(stored.content);
      if (!refundId || !orderSn) {
        throw new AdapterError(
          AdapterErrorCode.INVALID,
          `the ${stored.type} message names no refund_id and tid to read the case with`,
        );
      }
      return this.fetchCase(ctx, refundId, orderSn);
    }
    if (!isPulledRowEvent(event)) {
      throw new AdapterError(
        AdapterErrorCode.UNSUPPORTED,
        `Pinduoduo has no events of type ${event.eventType}`,
      );
    }
    return resolvePulledRow(event, mapPddListItem, ({ externalId, externalOrderId }) =>
      this.fetchCase(ctx, externalId ?? '', externalOrderId),
    );
  }

  async pull(ctx: AdapterContext, cursor: string | null): Promise<PullPage> {
    const now = ctx.now().getTime();
    const { state, end } = this.pager.open(cursor, now);
    const page = await new PinduoduoClient(ctx).call<PddRefundListResponse>(PDD_METHODS.refundList, {
      after_sales_status: PDD_LIST_FILTER_ALL,
      after_sales_type: PDD_LIST_FILTER_ALL,
      start_updated_at: toUnixSeconds(new Date(state.start)),
      end_updated_at: toUnixSeconds(new Date(end)),
      page: state.page,
      page_size: PDD_PAGE_SIZE,
    });
    const rows = Array.isArray(page.refund_list) ? page.refund_list : [];
    const read = mapPulledRows(rows, mapPddListItem, (row) => ({
      externalId: idString(row.id),
      externalOrderId: row.order_sn ?? null,
    }));
    const mapped = { ...read, cases: await this.deliveryTimes.fill(ctx, read.cases) };
    const more = rows.length > 0 && state.page * PDD_PAGE_SIZE < Number(page.total_count);
    return { ...mapped, ...(more ? this.pager.more(state, end) : this.pager.done(end, now)) };
  }

  /** `pdd.refund.information.get` needs the order number beside the after-sales id. */
  async fetchCase(
    ctx: AdapterContext,
    externalId: string,
    externalOrderId?: string | null,
  ): Promise<NormalizedCase> {
    if (!externalOrderId) {
      throw new AdapterError(
        AdapterErrorCode.INVALID,
        'Pinduoduo reads an after-sales case by order_sn and after_sales_id; the order number is missing',
      );
    }
    const detail = await new PinduoduoClient(ctx).call<PddRefundInformation>(PDD_METHODS.refundInformation, {
      after_sales_id: externalId,
      order_sn: externalOrderId,
    });
    return this.deliveryTimes.fillOne(ctx, mapPddRefundInformation(detail));
  }

  /** PDD takes no idempotency key; a replayed agree is refused by the case's new state (`succ: false`). */
  async perform(ctx: AdapterContext, action: AdapterAction, ticket: TicketForAction): Promise<ActionOutcome> {
    const orderSn = ticket.externalOrderId;
    if (!orderSn) throw new AdapterError(AdapterErrorCode.INVALID, 'the ticket has no Pinduoduo order_sn');
    const client = new PinduoduoClient(ctx);
    switch (action.type) {
      case 'approve_refund': {
        const asked = ticket.requestedAmount?.amountMinor;
        if (action.amount && asked !== undefined && action.amount.amountMinor !== asked) {
          throw new AdapterError(
            AdapterErrorCode.INVALID,
            'pdd.refund.agree refunds the amount the buyer asked for; a different amount cannot be sent',
          );
        }
        const response = await client.call<PddRefundAgreeResponse>(PDD_METHODS.refundAgree, {
          request: { after_sales_id: ticket.externalId, order_sn: orderSn },
        });
        if (response.result?.succ !== true) {
          throw pddOperationRefused(PDD_METHODS.refundAgree, response.result?.message);
        }
        return {
          response,
          ...(await rereadAfterAction(() => this.fetchCase(ctx, ticket.externalId, orderSn))),
        };
      }
      case 'approve_return': {
        const addressId =
          action.returnAddress?.externalAddressId ||
          ctx.connection.credentials.returnAddressId ||
          (await this.defaultReturnAddressId(client));
        const response = await client.call<PddReturnGoodsAgreeResponse>(PDD_METHODS.returnGoodsAgree, {
          request: {
            after_sales_id: ticket.externalId,
            order_sn: orderSn,
            operate_desc: PDD_RETURN_AGREE_NOTE,
            return_address_id: addressId,
          },
        });
        if (response.success !== true || response.result?.success === false) {
          throw pddOperationRefused(
            PDD_METHODS.returnGoodsAgree,
            response.result?.message ?? response.error_msg,
          );
        }
        return {
          response,
          ...(await rereadAfterAction(() => this.fetchCase(ctx, ticket.externalId, orderSn))),
        };
      }
      case 'refuse_refund':
      case 'refuse_return':
      case 'confirm_return_received':
      case 'send_message':
        throw new AdapterError(
          AdapterErrorCode.UNSUPPORTED,
          `Pinduoduo has no documented API for ${action.type}; use the merchant console`,
        );
    }
  }

  /** The default address of the shop's return-address book, else its first valid one. */
  private async defaultReturnAddressId(client: PinduoduoClient): Promise<string> {
    const { refund_address_list: list = [] } = await client.call<PddRefundAddressListResponse>(
      PDD_METHODS.refundAddressList,
    );
    const usable = list.filter((address) => address.is_validated !== false && address.is_legal !== false);
    const chosen = usable.find((address) => ['1', 'true'].includes(String(address.is_default))) ?? usable[0];
    const id = chosen ? idString(chosen.id) : null;
    if (!id) {
      throw new AdapterError(AdapterErrorCode.INVALID, 'the Pinduoduo shop has no usable return address');
    }
    return id;
  }
}
