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
  type MinorMoney,
  type NormalizedCase,
  type PullPage,
  type TicketForAction,
  type VerifiedPush,
} from '../contract';
import { isPulledRowEvent, mapPulledRows, resolvePulledRow } from '../shared/pulled-rows';
import { idString, parseLosslessJson } from '../shared/lossless-json';
import { minorToDecimal } from '../shared/money';
import { hmacBase64, headerValue, safeEqual } from '../shared/signing';
import { legacyIdOf, ShopifyClient, shopifyGid } from './shopify.client';
import { mapShopifyReturn } from './shopify.mapper';
import { SHOPIFY_OPERATIONS, SHOPIFY_PAGE_SIZES } from './shopify.queries';
import type {
  ShopifyOrdersPage,
  ShopifyOrderTransactionsQuery,
  ShopifyRefundWebhookBody,
  ShopifyReturn,
  ShopifyReturnMutationPayload,
  ShopifyReturnQuery,
  ShopifyReturnWebhookBody,
  ShopifyWebhookEnvelope,
} from './shopify.types';
import { isObject } from '../shared/guards';

/** Webhook topics that describe a return (https://shopify.dev/docs/api/webhooks, topics `returns/*`). */
export const SHOPIFY_RETURN_TOPICS = [
  'returns/request',
  'returns/approve',
  'returns/decline',
  'returns/cancel',
  'returns/close',
  'returns/reopen',
] as const;
export const SHOPIFY_REFUND_TOPIC = 'refunds/create';

/** Incremental pull by order `updated_at`; re-reading 5 minutes covers late index updates. */
export const SHOPIFY_PULL_WINDOW = { lookbackMs: 24 * 60 * 60 * 1000, overlapMs: 5 * 60 * 1000 };

/** `ReturnDeclineReason` values; free text that is not one of them is sent as OTHER with the text as note. */
export const SHOPIFY_DECLINE_REASONS = ['RETURN_PERIOD_ENDED', 'FINAL_SALE', 'OTHER'] as const;
export const SHOPIFY_DECLINE_NOTE_MAX = 500;

/**
 * Without the `read_all_orders` scope an app sees only the last 60 days of orders.
 * https://shopify.dev/docs/api/usage/access-scopes#orders-permissions
 */
export const SHOPIFY_HISTORY_DAYS = 60;

interface ShopifyPullCursor {
  since: string;
  until: string | null;
  after: string | null;
}

function parseCursor(cursor: string): ShopifyPullCursor {
  try {
    const value = JSON.parse(cursor) as ShopifyPullCursor;
    if (typeof value.since === 'string' && !Number.isNaN(Date.parse(value.since))) return value;
  } catch {
    // reported below
  }
  throw new AdapterError(AdapterErrorCode.INVALID, `not a Shopify pull cursor: ${cursor}`);
}

/** A REST id from a webhook body, or the legacy id inside its `admin_graphql_api_id`. */
function webhookId(
  value: { id?: unknown; admin_graphql_api_id?: unknown } | null | undefined,
): string | null {
  if (!value) return null;
  const id = idString(value.id);
  if (id) return id;
  return typeof value.admin_graphql_api_id === 'string' ? legacyIdOf(value.admin_graphql_api_id) : null;
}

function returnIdOfBody(topic: string, body: unknown): string | null {
  if (!isObject(body)) return null;
  if (topic === SHOPIFY_REFUND_TOPIC) {
    const refund = body as ShopifyRefundWebhookBody;
    return isObject(refund.return) ? webhookId(refund.return) : null;
  }
  return (SHOPIFY_RETURN_TOPICS as readonly string[]).includes(topic)
    ? webhookId(body as ShopifyReturnWebhookBody)
    : null;
}

/**
 * Shopify Admin GraphQL (https://shopify.dev/docs/api/admin-graphql). A ticket is a `Return`, keyed by
 * its legacy id; refunds count towards the return they belong to. Webhooks are triggers: the return is
 * re-read, because retried deliveries carry the original (possibly stale) body.
 */
export class ShopifyAdapter implements MarketplaceAdapter {
  readonly capabilities: AdapterCapabilities = {
    platform: 'shopify',
    displayName: 'Shopify',
    push: 'webhook',
    pull: true,
    actions: ['approve_return', 'refuse_return', 'approve_refund', 'confirm_return_received'],
    actionStages: {
      approve_return: ['requested'],
      refuse_return: ['requested'],
      confirm_return_received: ['awaiting_return', 'return_shipped', 'return_received'],
      approve_refund: ['awaiting_return', 'return_shipped', 'return_received', 'closed'],
    },
    rateLimit: {
      requestsPerSecond: 100,
      note: 'GraphQL cost points restored per second on Standard plans (200 Advanced, 1000 Plus); acquire takes the query cost',
    },
    credentials: [
      { name: 'accessToken', required: true },
      { name: 'apiSecret', required: true },
    ],
    docs: 'https://shopify.dev/docs/api/admin-graphql/latest/objects/Return',
  };

  readonly backfill: BackfillSupport = {
    maxDays: SHOPIFY_HISTORY_DAYS,
    cursorFrom: (since) => JSON.stringify({ since: since.toISOString(), until: null, after: null }),
    positionOf: (cursor) => {
      try {
        return new Date(parseCursor(cursor).since);
      } catch {
        return null;
      }
    },
  };

  defaultApiBaseUrl(shopId: string): string {
    return `https://${shopId}`;
  }

  /** `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(app secret, raw body)); https://shopify.dev/docs/apps/build/webhooks/verify-deliveries */
  verifyWebhook(push: IncomingPush, connection: AdapterConnection, _now: Date): VerifiedPush {
    const secret = connection.credentials.apiSecret;
    if (!secret) throw new WebhookSignatureError('the connection has no apiSecret');
    const signature = headerValue(push.headers, 'x-shopify-hmac-sha256');
    if (!signature) throw new WebhookSignatureError('X-Shopify-Hmac-Sha256 is missing');
    if (!safeEqual(signature, hmacBase64('sha256', secret, push.rawBody))) {
      throw new WebhookSignatureError('X-Shopify-Hmac-Sha256 does not match the body');
    }
    const topic = headerValue(push.headers, 'x-shopify-topic') ?? '';
    const triggeredAt = headerValue(push.headers, 'x-shopify-triggered-at') ?? null;
    const text = push.rawBody.toString('utf8');
    let body: unknown;
    let bodyJson: string;
    try {
      body = parseLosslessJson(text);
      bodyJson = text;
    } catch {
      body = null;
      bodyJson = JSON.stringify(text);
    }
    const dedupeKey =
      headerValue(push.headers, 'x-shopify-event-id') ??
      headerValue(push.headers, 'x-shopify-webhook-id') ??
      createHash('sha256').update(topic).update('\n').update(push.rawBody).digest('hex');
    // The body is spliced in untouched so 64-bit REST ids keep every digit.
    const payload = `{"topic":${JSON.stringify(topic)},"triggeredAt":${JSON.stringify(triggeredAt)},"body":${bodyJson}}`;
    return { events: [{ dedupeKey, eventType: topic, externalId: returnIdOfBody(topic, body), payload }] };
  }

  async resolveEvent(ctx: AdapterContext, event: InboundEventDraft): Promise<NormalizedCase | null> {
    if (isPulledRowEvent(event)) {
      return resolvePulledRow(
        event,
        (ret: ShopifyReturn) => mapShopifyReturn(ret),
        ({ externalId }) => this.fetchCase(ctx, externalId ?? ''),
      );
    }
    let envelope: ShopifyWebhookEnvelope;
    try {
      envelope = parseLosslessJson(event.payload) as ShopifyWebhookEnvelope;
    } catch {
      throw new AdapterError(AdapterErrorCode.INVALID, 'the stored Shopify event is not JSON');
    }
    if (!isObject(envelope) || typeof envelope.topic !== 'string') {
      throw new AdapterError(AdapterErrorCode.INVALID, 'the stored Shopify event has no topic');
    }
    const isReturnTopic = (SHOPIFY_RETURN_TOPICS as readonly string[]).includes(envelope.topic);
    if (!isReturnTopic && envelope.topic !== SHOPIFY_REFUND_TOPIC) return null;
    if (!isObject(envelope.body)) {
      throw new AdapterError(AdapterErrorCode.INVALID, `the ${envelope.topic} body is not a JSON object`);
    }
    const returnId = returnIdOfBody(envelope.topic, envelope.body);
    // A refund made outside any return is bookkeeping on the order, not an after-sales case.
    if (!returnId && !isReturnTopic) return null;
    if (!returnId)
      throw new AdapterError(AdapterErrorCode.INVALID, `the ${envelope.topic} body has no return id`);
    const triggeredAt = envelope.triggeredAt ? new Date(envelope.triggeredAt) : null;
    const ret = await this.loadReturn(new ShopifyClient(ctx), returnId);
    return mapShopifyReturn(ret, triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null);
  }

  async pull(ctx: AdapterContext, cursor: string | null): Promise<PullPage> {
    const now = ctx.now();
    const state: ShopifyPullCursor = cursor
      ? parseCursor(cursor)
      : {
          since: new Date(now.getTime() - SHOPIFY_PULL_WINDOW.lookbackMs).toISOString(),
          until: null,
          after: null,
        };
    const until = state.until ?? now.toISOString();
    const data = await new ShopifyClient(ctx).request<ShopifyOrdersPage>(SHOPIFY_OPERATIONS.pullOrders, {
      first: SHOPIFY_PAGE_SIZES.orders,
      after: state.after,
      query: `updated_at:>'${state.since}' AND updated_at:<='${until}'`,
    });
    const orders = Array.isArray(data.orders?.nodes) ? data.orders.nodes : [];
    const cases = mapPulledRows(
      orders.flatMap((order) => order.returns?.nodes ?? []),
      (ret) => mapShopifyReturn(ret),
      (ret) => ({ externalId: ret.id ?? null, externalOrderId: ret.order?.id ?? null }),
    );
    const pageInfo = data.orders?.pageInfo;
    if (pageInfo?.hasNextPage && pageInfo.endCursor) {
      const next: ShopifyPullCursor = { since: state.since, until, after: pageInfo.endCursor };
      return { ...cases, nextCursor: JSON.stringify(next), hasMore: true };
    }
    const since = new Date(
      Math.max(Date.parse(state.since), Date.parse(until) - SHOPIFY_PULL_WINDOW.overlapMs),
    );
    const next: ShopifyPullCursor = { since: since.toISOString(), until: null, after: null };
    return { ...cases, nextCursor: JSON.stringify(next), hasMore: false };
  }

  async fetchCase(ctx: AdapterContext, externalId: string): Promise<NormalizedCase> {
    return mapShopifyReturn(await this.loadReturn(new ShopifyClient(ctx), externalId));
  }

  async perform(ctx: AdapterContext, action: AdapterAction, ticket: TicketForAction): Promise<ActionOutcome> {
    const client = new ShopifyClient(ctx);
    const id = shopifyGid('Return', ticket.externalId);
    switch (action.type) {
      case 'approve_return': {
        // Shopify has no address on the approval; return labels and instructions are set up separately.
        const payload = await client.mutate<ShopifyReturnMutationPayload>(
          SHOPIFY_OPERATIONS.approveReturn,
          'returnApproveRequest',
          { input: { id, notifyCustomer: true } },
        );
        return this.outcome(client, ticket.externalId, payload);
      }
      case 'refuse_return': {
        const payload = await client.mutate<ShopifyReturnMutationPayload>(
          SHOPIFY_OPERATIONS.declineReturn,
          'returnDeclineRequest',
          { input: { id, ...declineInput(action.reason, action.reasonCode), notifyCustomer: true } },
        );
        return this.outcome(client, ticket.externalId, payload);
      }
      case 'confirm_return_received': {
        // Processing without a financial transfer is Shopify's "items received": it confirms the returned
        // quantities (https://shopify.dev/docs/apps/build/orders-fulfillment/returns-apps/migrate-to-return-processing).
        const ret = await this.loadReturn(client, ticket.externalId);
        const lines = processableLines(ret);
        if (lines.length === 0) {
          throw new AdapterError(AdapterErrorCode.INVALID, `return ${ret.name} has no items left to process`);
        }
        const payload = await client.mutate<ShopifyReturnMutationPayload>(
          SHOPIFY_OPERATIONS.processReturn,
          'returnProcess',
          { input: { returnId: id, returnLineItems: lines, notifyCustomer: true } },
        );
        return this.outcome(client, ticket.externalId, payload);
      }
      case 'approve_refund':
        return this.refund(client, ticket, action.amount);
      case 'refuse_refund':
      case 'send_message':
        throw new AdapterError(
          AdapterErrorCode.UNSUPPORTED,
          `Shopify has no Admin API for ${action.type}; decline the return or contact the customer from the admin`,
        );
    }
  }

  /**
   * `returnProcess` with `financialTransfer.issueRefund` against the order's captured payment, so the refund is
   * attached to the Return (the shared reference's `refundCreate` books it on the order only, and the ticket never
   * saw it). The full requested amount processes the returned lines that are left; a smaller amount is money
   * only, so the lines stay processable. [U] `returnProcess` takes no `@idempotent` key in 2026-01: a replay after
   * a lost answer is caught by the hub's re-read (the refund is on the Return), and a deliberate second refund is
   * simply a second call.
   */
  private async refund(
    client: ShopifyClient,
    ticket: TicketForAction,
    asked: MinorMoney | null,
  ): Promise<ActionOutcome> {
    const ret = await this.loadReturn(client, ticket.externalId);
    const current = mapShopifyReturn(ret);
    const amount = asked ?? current.requestedAmount;
    if (!amount || amount.amountMinor <= 0) {
      throw new AdapterError(
        AdapterErrorCode.INVALID,
        'no refund amount was given and the return has no priced lines',
      );
    }
    const orders = await client.request<ShopifyOrderTransactionsQuery>(SHOPIFY_OPERATIONS.orderTransactions, {
      id: ret.order.id,
    });
    const parent = orders.order?.transactions.find(
      (transaction) => ['SALE', 'CAPTURE'].includes(transaction.kind) && transaction.status === 'SUCCESS',
    );
    if (!parent) {
      throw new AdapterError(
        AdapterErrorCode.INVALID,
        `order ${ret.order.name} has no captured payment to refund`,
      );
    }
    if (parent.amountSet.presentmentMoney.currencyCode !== amount.currency) {
      throw new AdapterError(
        AdapterErrorCode.INVALID,
        `the order was paid in ${parent.amountSet.presentmentMoney.currencyCode}; refund it from the Shopify admin`,
      );
    }
    const full = current.requestedAmount?.amountMinor === amount.amountMinor;
    const payload = await client.mutate<ShopifyReturnMutationPayload>(
      SHOPIFY_OPERATIONS.processReturn,
      'returnProcess',
      {
        input: {
          returnId: shopifyGid('Return', ticket.externalId),
          returnLineItems: full ? processableLines(ret) : [],
          notifyCustomer: true,
          note: `Refund of return ${ret.name}`,
          financialTransfer: {
            issueRefund: {
              orderTransactions: [
                {
                  parentId: parent.id,
                  transactionAmount: {
                    amount: minorToDecimal(amount.amountMinor, amount.currency),
                    currencyCode: amount.currency,
                  },
                },
              ],
            },
          },
        },
      },
    );
    return this.outcome(client, ticket.externalId, payload);
  }

  private async outcome(
    client: ShopifyClient,
    externalId: string,
    payload: ShopifyReturnMutationPayload,
  ): Promise<ActionOutcome> {
    const ret = payload.return ?? (await this.loadReturn(client, externalId));
    return { response: payload, updatedCase: mapShopifyReturn(ret) };
  }

  private async loadReturn(client: ShopifyClient, externalId: string): Promise<ShopifyReturn> {
    const data = await client.request<ShopifyReturnQuery>(SHOPIFY_OPERATIONS.fetchReturn, {
      id: shopifyGid('Return', externalId),
    });
    if (!data.return)
      throw new AdapterError(AdapterErrorCode.NOT_FOUND, `Shopify return ${externalId} not found`);
    return data.return;
  }
}

/** The returned quantities `returnProcess` can still confirm, as its `returnLineItems` input. */
function processableLines(ret: ShopifyReturn): { id: string; quantity: number }[] {
  return (ret.returnLineItems?.nodes ?? []).flatMap((line) => {
    const quantity = line.processableQuantity ?? line.quantity ?? 0;
    return typeof line.id === 'string' && quantity > 0 ? [{ id: line.id, quantity }] : [];
  });
}

/**
 * A `ReturnDeclineReason` given as reason code (or typed as the reason) is passed through; anything
 * else is OTHER. Free text travels as the note the customer sees, capped at Shopify's 500 characters.
 */
export function declineInput(
  reason: string,
  reasonCode: string | null = null,
): { declineReason: string; declineNote?: string } {
  const isEnum = (value: string) => (SHOPIFY_DECLINE_REASONS as readonly string[]).includes(value);
  const code = reasonCode?.trim().toUpperCase() ?? '';
  const text = reason.trim();
  if (isEnum(code))
    return text
      ? { declineReason: code, declineNote: text.slice(0, SHOPIFY_DECLINE_NOTE_MAX) }
      : { declineReason: code };
  if (isEnum(text.toUpperCase())) return { declineReason: text.toUpperCase() };
  return { declineReason: 'OTHER', declineNote: text.slice(0, SHOPIFY_DECLINE_NOTE_MAX) };
}
