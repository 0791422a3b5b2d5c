import { createHash } from 'node:crypto';
import {
  AdapterError,
  AdapterErrorCode,
  WebhookSignatureError,
  type ActionOutcome,
  type AdapterAction,
  type AdapterCapabilities,
  type BackfillSupport,
  type AdapterConnection,
  type AdapterContext,
  type IncomingPush,
  type InboundEventDraft,
  type MarketplaceAdapter,
  type NormalizedCase,
  type PullPage,
  type TicketForAction,
  type VerifiedPush,
} from '../contract';
import { isPulledRowEvent, mapPulledRows, resolvePulledRow } from '../shared/pulled-rows';
import { idString, parseLosslessJson } from '../shared/lossless-json';
import { minorToDecimal } from '../shared/money';
import { hmacBase64, headerValue, safeEqual } from '../shared/signing';
import { WooClient } from './woocommerce.client';
import { isWooCase, mapWooOrder, wooRemainingMinor } from './woocommerce.mapper';
import type { WooOrder, WooOrderNote, WooRefund } from './woocommerce.types';
import { isObject } from '../shared/guards';

/** Incremental pull by `modified_after`; re-reading 5 minutes covers writes that land late. */
export const WOO_PULL_WINDOW = { lookbackMs: 24 * 60 * 60 * 1000, overlapMs: 5 * 60 * 1000, perPage: 100 };

/**
 * `api_refund` (refund through the payment gateway) is WooCommerce's own default; a connection sets
 * `credentials.apiRefund = "false"` to record refunds that are paid out by hand.
 */
export const WOO_API_REFUND_DEFAULT = true;

/** Refund meta key that makes approve_refund idempotent: WooCommerce itself has no idempotency keys. */
export const WOO_IDEMPOTENCY_META_KEY = '_after_sales_hub_key';

/** The ping WooCommerce sends when a webhook is saved: unsigned, form-encoded, and it must get a 2xx. */
const PING_BODY = /^webhook_id=\d+$/;

interface WooPullCursor {
  since: string;
  until: string | null;
  page: number;
}

function parseCursor(cursor: string): WooPullCursor {
  try {
    const value = JSON.parse(cursor) as WooPullCursor;
    if (
      typeof value.since === 'string' &&
      !Number.isNaN(Date.parse(value.since)) &&
      Number.isInteger(value.page) &&
      value.page >= 1
    ) {
      return value;
    }
  } catch {
    // reported below
  }
  throw new AdapterError(AdapterErrorCode.INVALID, `not a WooCommerce pull cursor: ${cursor}`);
}

/** `modified_after` with `dates_are_gmt=true` takes ISO 8601 without a zone. */
function wooGmt(date: Date): string {
  return date.toISOString().slice(0, 19);
}

function orderIdOf(topic: string, body: unknown): string | null {
  if (!isObject(body)) return null;
  return topic.startsWith('action.') ? idString(body.arg) : idString(body.id);
}

/**
 * WooCommerce REST API v3 (https://woocommerce.github.io/woocommerce-rest-api-docs/). WooCommerce has
 * no returns object, so a ticket is an order that has been refunded (in part or in full), keyed by the
 * order id. Order webhooks carry the whole order and are mapped directly; `action.*` webhooks name
 * the order and trigger a re-read. WooCommerce keeps no delivery time; the order's completion date stands for it
 * (`WOO_DELIVERED_AT_FIELD`), read from the order itself with no extra call.
 */
export class WoocommerceAdapter implements MarketplaceAdapter {
  readonly capabilities: AdapterCapabilities = {
    platform: 'woocommerce',
    displayName: 'WooCommerce',
    push: 'webhook',
    pull: true,
    actions: ['approve_refund', 'send_message'],
    actionStages: { approve_refund: ['refunded'] },
    rateLimit: {
      requestsPerSecond: 5,
      note: 'WooCommerce has no built-in limit; 5/s is a conservative budget for shared WordPress hosting',
    },
    credentials: [
      { name: 'consumerKey', required: true },
      { name: 'consumerSecret', required: true },
      { name: 'webhookSecret', required: true },
      { name: 'apiRefund', required: false },
    ],
    docs: 'https://developer.woocommerce.com/docs/apis/rest-api/v3/order-refunds/',
  };

  /** The shop id is the site's host (or its URL); the API lives under it. */
  /** WooCommerce keeps every order, so history goes back as far as the shop does. */
  readonly backfill: BackfillSupport = {
    maxDays: null,
    cursorFrom: (since) => JSON.stringify({ since: since.toISOString(), until: null, page: 1 }),
    positionOf: (cursor) => {
      try {
        return new Date(parseCursor(cursor).since);
      } catch {
        return null;
      }
    },
  };

  defaultApiBaseUrl(shopId: string): string {
    const site = /^https?:\/\//i.test(shopId) ? shopId : `https://${shopId}`;
    return site.replace(/\/+$/, '');
  }

  /** `X-WC-Webhook-Signature` = base64(HMAC-SHA256(webhook secret, raw body)). */
  verifyWebhook(push: IncomingPush, connection: AdapterConnection, _now: Date): VerifiedPush {
    const text = push.rawBody.toString('utf8');
    // Answering the ping with 2xx keeps WooCommerce from counting it towards auto-disabling the hook.
    if (PING_BODY.test(text.trim())) return { events: [] };
    const secret = connection.credentials.webhookSecret;
    if (!secret) throw new WebhookSignatureError('the connection has no webhookSecret');
    const signature = headerValue(push.headers, 'x-wc-webhook-signature');
    if (!signature) throw new WebhookSignatureError('X-WC-Webhook-Signature is missing');
    if (!safeEqual(signature, hmacBase64('sha256', secret, push.rawBody))) {
      throw new WebhookSignatureError('X-WC-Webhook-Signature does not match the body');
    }
    const topic = headerValue(push.headers, 'x-wc-webhook-topic') ?? '';
    let body: unknown;
    try {
      body = parseLosslessJson(text);
    } catch {
      body = null;
    }
    // The delivery id is wp_hash(webhook id + current second), so two orders saved in the same second
    // share it; the body digest keeps them apart while a re-sent delivery still collapses.
    const digest = createHash('sha256').update(push.rawBody).digest('hex');
    const dedupeKey = [
      headerValue(push.headers, 'x-wc-webhook-id') ?? '',
      headerValue(push.headers, 'x-wc-webhook-delivery-id') ?? '',
      digest.slice(0, 32),
    ].join(':');
    return { events: [{ dedupeKey, eventType: topic, externalId: orderIdOf(topic, body), payload: text }] };
  }

  async resolveEvent(ctx: AdapterContext, event: InboundEventDraft): Promise<NormalizedCase | null> {
    if (isPulledRowEvent(event)) {
      return resolvePulledRow(event, mapWooOrder, ({ externalId }) => this.fetchCase(ctx, externalId ?? ''));
    }
    let body: unknown;
    try {
      body = parseLosslessJson(event.payload);
    } catch {
      throw new AdapterError(AdapterErrorCode.INVALID, `the ${event.eventType} body is not JSON`);
    }
    // A deleted order keeps its ticket; nothing upstream can change it any more.
    if (event.eventType === 'order.deleted') return null;
    const orderId = orderIdOf(event.eventType, body);
    if (!orderId)
      throw new AdapterError(AdapterErrorCode.INVALID, `the ${event.eventType} body names no order`);
    if (event.eventType.startsWith('order.') && isObject(body) && typeof body.status === 'string') {
      const order = body as unknown as WooOrder;
      return isWooCase(order) ? mapWooOrder(order) : null;
    }
    const order = await this.loadOrder(new WooClient(ctx), orderId);
    return isWooCase(order) ? mapWooOrder(order) : null;
  }

  async pull(ctx: AdapterContext, cursor: string | null): Promise<PullPage> {
    const now = ctx.now();
    const state: WooPullCursor = cursor
      ? parseCursor(cursor)
      : { since: new Date(now.getTime() - WOO_PULL_WINDOW.lookbackMs).toISOString(), until: null, page: 1 };
    const until = state.until ?? now.toISOString();
    const { data, headers } = await new WooClient(ctx).get<WooOrder[]>('/orders', {
      modified_after: wooGmt(new Date(state.since)),
      modified_before: wooGmt(new Date(until)),
      dates_are_gmt: 'true',
      orderby: 'id',
      order: 'asc',
      page: state.page,
      per_page: WOO_PULL_WINDOW.perPage,
    });
    const orders = Array.isArray(data) ? data : [];
    const cases = mapPulledRows(orders.filter(isWooCase), mapWooOrder, (order) => ({
      externalId: idString(order.id),
      externalOrderId: idString(order.id),
    }));
    const totalPages = Number(headers['x-wp-totalpages']);
    const more = Number.isFinite(totalPages)
      ? state.page < totalPages
      : orders.length === WOO_PULL_WINDOW.perPage;
    if (more && orders.length > 0) {
      const next: WooPullCursor = { since: state.since, until, page: state.page + 1 };
      return { ...cases, nextCursor: JSON.stringify(next), hasMore: true };
    }
    const since = new Date(Math.max(Date.parse(state.since), Date.parse(until) - WOO_PULL_WINDOW.overlapMs));
    const next: WooPullCursor = { since: since.toISOString(), until: null, page: 1 };
    return { ...cases, nextCursor: JSON.stringify(next), hasMore: false };
  }

  async fetchCase(ctx: AdapterContext, externalId: string): Promise<NormalizedCase> {
    const order = await this.loadOrder(new WooClient(ctx), externalId);
    if (!isWooCase(order)) {
      throw new AdapterError(AdapterErrorCode.NOT_FOUND, `WooCommerce order ${externalId} has no refunds`);
    }
    return mapWooOrder(order);
  }

  async perform(ctx: AdapterContext, action: AdapterAction, ticket: TicketForAction): Promise<ActionOutcome> {
    const client = new WooClient(ctx);
    const orderId = encodeURIComponent(ticket.externalId);
    switch (action.type) {
      case 'approve_refund': {
        const order = await this.loadOrder(client, ticket.externalId);
        // "The rest" is what was left when the decision was taken, so a retry asks for the same amount.
        const snapshot = isWooOrder(ticket.raw) ? ticket.raw : order;
        const amountMinor = action.amount?.amountMinor ?? wooRemainingMinor(snapshot);
        if (action.amount && action.amount.currency !== order.currency.toUpperCase()) {
          throw new AdapterError(
            AdapterErrorCode.INVALID,
            `order ${ticket.externalId} is in ${order.currency}, not ${action.amount.currency}`,
          );
        }
        if (amountMinor <= 0) {
          throw new AdapterError(
            AdapterErrorCode.INVALID,
            `order ${ticket.externalId} has nothing left to refund`,
          );
        }
        const key = refundIdempotencyKey(
          ctx.connection.id,
          ticket.externalId,
          amountMinor,
          refundsOnTicket(ticket),
        );
        const { data: existing } = await client.get<WooRefund[]>(`/orders/${orderId}/refunds`, {
          per_page: 100,
        });
        const done = (Array.isArray(existing) ? existing : []).find((refund) =>
          (refund.meta_data ?? []).some(
            (meta) => meta.key === WOO_IDEMPOTENCY_META_KEY && meta.value === key,
          ),
        );
        const response =
          done ??
          (
            await client.post<WooRefund>(`/orders/${orderId}/refunds`, {
              amount: minorToDecimal(amountMinor, order.currency),
              api_refund: apiRefund(ctx.connection.credentials),
              meta_data: [{ key: WOO_IDEMPOTENCY_META_KEY, value: key }],
            })
          ).data;
        return { response, updatedCase: await this.fetchCase(ctx, ticket.externalId) };
      }
      case 'send_message': {
        const { data } = await client.post<WooOrderNote>(`/orders/${orderId}/notes`, {
          note: action.text,
          customer_note: true,
        });
        // A note does not change the order, so the case stays as it was.
        return { response: data, updatedCase: null };
      }
      case 'refuse_refund':
      case 'approve_return':
      case 'refuse_return':
      case 'confirm_return_received':
        throw new AdapterError(
          AdapterErrorCode.UNSUPPORTED,
          `WooCommerce core has no returns workflow, so ${action.type} cannot be sent upstream`,
        );
    }
  }

  private async loadOrder(client: WooClient, orderId: string): Promise<WooOrder> {
    const { data } = await client.get<WooOrder>(`/orders/${encodeURIComponent(orderId)}`);
    if (!isObject(data))
      throw new AdapterError(AdapterErrorCode.TEMPORARY, `WooCommerce order ${orderId} came back empty`);
    return data;
  }
}

export function apiRefund(credentials: Record<string, string>): boolean {
  const value = credentials.apiRefund?.trim().toLowerCase();
  if (value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  return WOO_API_REFUND_DEFAULT;
}

function isWooOrder(value: unknown): value is WooOrder {
  return isObject(value) && typeof value.total === 'string' && typeof value.currency === 'string';
}

/** The refunds the decision was taken on: a retry sees the same snapshot, a later decision a newer one. */
function refundsOnTicket(ticket: TicketForAction): number {
  const raw = ticket.raw as Partial<WooOrder> | null;
  return Array.isArray(raw?.refunds) ? raw.refunds.length : 0;
}

export function refundIdempotencyKey(
  connectionId: string,
  orderId: string,
  amountMinor: number,
  refundsSoFar: number,
): string {
  return createHash('sha256')
    .update([connectionId, orderId, 'approve_refund', amountMinor, refundsSoFar].join('|'))
    .digest('hex');
}
