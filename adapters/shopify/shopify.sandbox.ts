import { randomBytes, randomUUID } from 'node:crypto';
import type { MarketplaceSandbox, SandboxPushTarget } from '../contract';
import { HttpSandbox } from '../shared/http-sandbox';
import { generateOrder, pick, SAMPLE_REASONS } from '../shared/case-generator';
import { minorToDecimal, decimalToMinor } from '../shared/money';
import {
  bigId,
  postPush,
  SandboxHttpServer,
  shufflePushes,
  type SandboxRequest,
  type SandboxResponse,
} from '../shared/sandbox-server';
import { hmacBase64 } from '../shared/signing';
import { legacyIdOf, shopifyGid } from './shopify.client';
import { SHOPIFY_API_VERSION } from './shopify.queries';

const CURRENCY = 'USD';
const BUCKET = { maximumAvailable: 2000, restoreRate: 100 };
/** What each operation costs here; in the range Shopify computes for the same selections. */
const OPERATION_COST: Record<string, number> = {
  PullOrders: 600,
  FetchReturn: 60,
  OrderTransactions: 6,
  ApproveReturn: 70,
  DeclineReturn: 70,
  CloseReturn: 70,
  CreateRefund: 10,
  ProcessReturn: 70,
};
const DECLINE_REASONS = ['RETURN_PERIOD_ENDED', 'FINAL_SALE', 'OTHER'];
/** Shopify's standard reason definitions, by the deprecated enum value their handle is the kebab case of. */
const REASON_NAMES: Record<string, string> = {
  DEFECTIVE: 'Damaged or defective',
  NOT_AS_DESCRIBED: 'Item not as described',
  SIZE_TOO_SMALL: 'Size was too small',
  WRONG_ITEM: 'Received the wrong item',
  UNWANTED: 'Customer changed their mind',
  OTHER: 'Other',
};
/** The generator's reason codes as Shopify `ReturnReason` values. */
const REASON_ENUM: Record<string, string> = {
  damaged: 'DEFECTIVE',
  quality: 'DEFECTIVE',
  not_as_described: 'NOT_AS_DESCRIBED',
  size: 'SIZE_TOO_SMALL',
  missing_item: 'WRONG_ITEM',
  no_reason: 'UNWANTED',
};

interface SandboxLine {
  id: string;
  sku: string;
  title: string;
  priceMinor: number;
  quantity: number;
}

interface SandboxRefund {
  id: string;
  createdAt: string;
  amountMinor: number;
  returnId: string | null;
  lines: { lineItemId: string; quantity: number }[];
}

interface SandboxOrder {
  id: string;
  name: string;
  updatedAt: string;
  /** When the carrier delivered the order's one fulfillment. */
  deliveredAt: string;
  customerId: string;
  lines: SandboxLine[];
  paidMinor: number;
  transactionId: string;
  refunds: SandboxRefund[];
  returnIds: string[];
}

interface SandboxReturn {
  id: string;
  name: string;
  status: 'REQUESTED' | 'OPEN' | 'CLOSED' | 'DECLINED' | 'CANCELED';
  createdAt: string;
  requestApprovedAt: string | null;
  closedAt: string | null;
  orderId: string;
  exchange: boolean;
  decline: { reason: string; note: string | null } | null;
  lines: {
    id: string;
    lineItemId: string;
    quantity: number;
    /** Confirmed by `returnProcess`. */
    processed: number;
    reason: string;
    note: string | null;
  }[];
}

interface Delivery {
  topic: string;
  body: string;
  eventId: string;
  triggeredAt: string;
}

/** One point per object returned, as Shopify's actual cost roughly is. */
function actualCost(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((total: number, item) => total + actualCost(item), 0);
  if (typeof value !== 'object' || value === null) return 0;
  return 1 + Object.values(value).reduce((total: number, item) => total + actualCost(item), 0);
}

function gql(data: unknown, requested: number, actual: number, available: number): SandboxResponse {
  return {
    status: 200,
    body: {
      data,
      extensions: {
        cost: {
          requestedQueryCost: requested,
          actualQueryCost: actual,
          throttleStatus: { ...BUCKET, currentlyAvailable: available },
        },
      },
    },
  };
}

/** JSON text with the REST ids of a webhook body as bare numbers, as Shopify sends them. */
function restJson(value: unknown): string {
  return JSON.stringify(value).replace(/"(id|order_id|line_item_id)":"(\d+)"/g, '"$1":$2');
}

/**
 * A Shopify shop: Admin GraphQL at `/admin/api/{version}/graphql.json` with a leaky cost bucket,
 * returns and refunds with Shopify's state rules, and HMAC-signed `returns/*` / `refunds/create` webhooks.
 */
export class ShopifySandbox extends HttpSandbox implements MarketplaceSandbox {
  readonly platform = 'shopify' as const;
  readonly shopId = 'hub-sandbox.myshopify.com';
  readonly credentials: Record<string, string> = {
    accessToken: `shpat_${randomBytes(16).toString('hex')}`,
    apiSecret: randomBytes(24).toString('hex'),
  };
  private readonly orders = new Map<string, SandboxOrder>();
  private readonly returns = new Map<string, SandboxReturn>();
  private readonly idempotentRefunds = new Map<string, unknown>();
  private target: SandboxPushTarget | null = null;
  private available = BUCKET.maximumAvailable;
  private bucketAt = Date.now();
  private counter = 1000;
  protected readonly http = new SandboxHttpServer(
    (request, fault) => this.handle(request, fault),
    (request) => this.operationOf(request),
  );

  setPushTarget(target: SandboxPushTarget | null): void {
    this.target = target;
  }

  caseState(externalId: string): { return: SandboxReturn; order: SandboxOrder } | undefined {
    const ret = this.returns.get(externalId);
    const order = ret ? this.orders.get(ret.orderId) : undefined;
    return ret && order ? structuredClone({ return: ret, order }) : undefined;
  }

  async generateCases(count: number): Promise<string[]> {
    const deliveries: Delivery[] = [];
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const now = new Date().toISOString();
      const generated = generateOrder();
      const reason = pick(SAMPLE_REASONS);
      const number = (this.counter += 1);
      const lines = generated.lines.map((line) => ({ ...line, id: bigId('4') }));
      const order: SandboxOrder = {
        id: bigId('6'),
        name: `#${number}`,
        updatedAt: now,
        deliveredAt: new Date(Date.now() - (1 + Math.floor(Math.random() * 10)) * 86_400_000).toISOString(),
        customerId: bigId('8'),
        lines,
        paidMinor: generated.totalMinor,
        transactionId: bigId('5'),
        refunds: [],
        returnIds: [],
      };
      // A partial request returns only the first line, once.
      const returned =
        generated.requestedMinor < generated.totalMinor ? [{ ...lines[0], quantity: 1 }] : lines;
      const ret: SandboxReturn = {
        id: bigId('9'),
        name: `#${number}-R1`,
        status: 'REQUESTED',
        createdAt: now,
        requestApprovedAt: null,
        closedAt: null,
        orderId: order.id,
        exchange: reason.kind === 'exchange',
        decline: null,
        lines: returned.map((line) => ({
          id: bigId('3'),
          lineItemId: line.id,
          quantity: line.quantity,
          processed: 0,
          reason: REASON_ENUM[reason.code] ?? 'OTHER',
          note: reason.text,
        })),
      };
      order.returnIds.push(ret.id);
      this.orders.set(order.id, order);
      this.returns.set(ret.id, ret);
      ids.push(ret.id);
      deliveries.push(this.returnDelivery('returns/request', ret));
    }
    await this.push(deliveries);
    return ids;
  }

  /** Requested returns get approved; open ones are closed with a refund through the return, as the admin does. */
  async advanceCases(count: number): Promise<string[]> {
    const deliveries: Delivery[] = [];
    const moved: string[] = [];
    for (const ret of this.returns.values()) {
      if (moved.length >= count) break;
      const order = this.orders.get(ret.orderId);
      if (!order) continue;
      const now = new Date().toISOString();
      if (ret.status === 'REQUESTED') {
        ret.status = 'OPEN';
        ret.requestApprovedAt = now;
        order.updatedAt = now;
        deliveries.push(this.returnDelivery('returns/approve', ret));
      } else if (ret.status === 'OPEN') {
        const refund = this.addRefund(order, this.returnValue(ret, order), ret.id, now);
        ret.status = 'CLOSED';
        ret.closedAt = now;
        deliveries.push(this.refundDelivery(order, refund), this.returnDelivery('returns/close', ret));
      } else continue;
      moved.push(ret.id);
    }
    await this.push(deliveries);
    return moved;
  }

  private operationOf(request: SandboxRequest): string | null {
    try {
      const body = JSON.parse(request.body) as { operationName?: string; query?: string };
      return body.operationName ?? /(?:query|mutation)\s+(\w+)/.exec(body.query ?? '')?.[1] ?? null;
    } catch {
      return null;
    }
  }

  private handle(
    request: SandboxRequest,
    fault: 'throttle' | 'server_error' | 'timeout' | null,
  ): SandboxResponse {
    if (request.method !== 'POST' || !/^\/admin\/api\/[\w-]+\/graphql\.json$/.test(request.path)) {
      return { status: 404, body: { errors: 'Not Found' } };
    }
    if (request.headers['x-shopify-access-token'] !== this.credentials.accessToken) {
      return {
        status: 401,
        body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      };
    }
    if (fault === 'server_error') return { status: 500, body: { errors: 'Internal Server Error' } };
    const operation = this.operationOf(request);
    let variables: Record<string, unknown>;
    let document: string;
    try {
      const body = JSON.parse(request.body) as { query: string; variables?: Record<string, unknown> };
      document = body.query;
      variables = body.variables ?? {};
    } catch {
      return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
    }
    const cost = OPERATION_COST[operation ?? ''] ?? 50;
    const now = Date.now();
    this.available = Math.min(
      BUCKET.maximumAvailable,
      this.available + ((now - this.bucketAt) / 1000) * BUCKET.restoreRate,
    );
    this.bucketAt = now;
    if (fault === 'throttle' || this.available < cost) {
      const available = fault === 'throttle' ? Math.min(this.available, cost / 4) : this.available;
      return {
        status: 200,
        body: {
          errors: [
            {
              message: 'Throttled',
              extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
            },
          ],
          extensions: {
            cost: {
              requestedQueryCost: cost,
              actualQueryCost: null,
              throttleStatus: { ...BUCKET, currentlyAvailable: Math.floor(available) },
            },
          },
        },
      };
    }
    // Shopify checks the requested cost but charges the actual one, which depends on what came back.
    const respond = (data: unknown): SandboxResponse => {
      const actual = Math.min(cost, actualCost(data));
      this.available -= actual;
      return gql(data, cost, actual, Math.floor(this.available));
    };
    const input = (variables.input ?? {}) as Record<string, unknown>;
    switch (operation) {
      case 'PullOrders':
        return respond(this.pullOrders(variables));
      case 'FetchReturn':
        return respond({ return: this.findReturn(variables.id) });
      case 'OrderTransactions': {
        const order = this.orders.get(legacyIdOf(String(variables.id ?? '')));
        return respond({
          order: order
            ? {
                id: shopifyGid('Order', order.id),
                transactions: [
                  {
                    id: shopifyGid('OrderTransaction', order.transactionId),
                    kind: 'SALE',
                    status: 'SUCCESS',
                    gateway: 'shopify_payments',
                    amountSet: {
                      presentmentMoney: {
                        amount: minorToDecimal(order.paidMinor, CURRENCY),
                        currencyCode: CURRENCY,
                      },
                    },
                  },
                ],
              }
            : null,
        });
      }
      case 'ApproveReturn':
        return respond({ returnApproveRequest: this.transition(input.id, 'REQUESTED', 'OPEN') });
      case 'CloseReturn':
        return respond({ returnClose: this.transition(variables.id, 'OPEN', 'CLOSED') });
      case 'DeclineReturn': {
        const reason = String(input.declineReason ?? '');
        if (!DECLINE_REASONS.includes(reason)) {
          return {
            status: 200,
            body: {
              errors: [
                {
                  message: `Variable $input of type ReturnDeclineRequestInput! was provided invalid value for declineReason (Expected "${reason}" to be one of: ${DECLINE_REASONS.join(', ')})`,
                  extensions: {
                    value: input,
                    problems: [{ path: ['declineReason'], explanation: 'invalid enum value' }],
                  },
                },
              ],
            },
          };
        }
        const note = typeof input.declineNote === 'string' ? input.declineNote : null;
        if (note && note.length > 500) {
          return respond({
            returnDeclineRequest: {
              return: null,
              userErrors: [
                {
                  code: 'TOO_LONG',
                  field: ['input', 'declineNote'],
                  message: 'Decline note is too long (maximum is 500 characters)',
                },
              ],
            },
          });
        }
        return respond({
          returnDeclineRequest: this.transition(input.id, 'REQUESTED', 'DECLINED', { reason, note }),
        });
      }
      case 'CreateRefund':
        return respond({ refundCreate: this.createRefund(document, input, variables.idempotencyKey) });
      case 'ProcessReturn':
        return respond({ returnProcess: this.processReturn(input) });
      case null:
      default:
        return {
          status: 200,
          body: {
            errors: [
              {
                message: `Unknown operation ${operation ?? '(none)'}`,
                extensions: { code: 'undefinedField' },
              },
            ],
          },
        };
    }
  }

  private pullOrders(variables: Record<string, unknown>): unknown {
    const query = String(variables.query ?? '');
    const since = /updated_at:>'([^']+)'/.exec(query)?.[1];
    const until = /updated_at:<='([^']+)'/.exec(query)?.[1];
    const matching = [...this.orders.values()]
      .filter((order) => (!since || order.updatedAt > since) && (!until || order.updatedAt <= until))
      .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id.localeCompare(b.id));
    const offset = variables.after
      ? Number(Buffer.from(String(variables.after), 'base64').toString('utf8'))
      : 0;
    const first = Math.min(250, Number(variables.first ?? 50));
    const page = matching.slice(offset, offset + first);
    const end = offset + page.length;
    return {
      orders: {
        pageInfo: {
          hasNextPage: end < matching.length,
          endCursor: page.length ? Buffer.from(String(end)).toString('base64') : null,
        },
        nodes: page.map((order) => ({
          id: shopifyGid('Order', order.id),
          updatedAt: order.updatedAt,
          returns: {
            nodes: order.returnIds.flatMap((id) => {
              const ret = this.returns.get(id);
              return ret ? [this.renderReturn(ret)] : [];
            }),
          },
        })),
      },
    };
  }

  private findReturn(id: unknown): unknown {
    const ret = this.returns.get(legacyIdOf(String(id ?? '')));
    return ret ? this.renderReturn(ret) : null;
  }

  private transition(
    id: unknown,
    from: SandboxReturn['status'],
    to: SandboxReturn['status'],
    decline: SandboxReturn['decline'] = null,
  ): unknown {
    const ret = this.returns.get(legacyIdOf(String(id ?? '')));
    if (!ret)
      return {
        return: null,
        userErrors: [{ code: 'NOT_FOUND', field: ['id'], message: 'Return does not exist.' }],
      };
    if (ret.status !== from) {
      return {
        return: null,
        userErrors: [
          {
            code: 'INVALID_STATE',
            field: ['id'],
            message: `Return is ${ret.status.toLowerCase()}; only a ${from.toLowerCase()} return can become ${to.toLowerCase()}.`,
          },
        ],
      };
    }
    const now = new Date().toISOString();
    ret.status = to;
    if (to === 'OPEN') ret.requestApprovedAt = now;
    if (to === 'CLOSED') ret.closedAt = now;
    if (decline) ret.decline = decline;
    const order = this.orders.get(ret.orderId);
    if (order) order.updatedAt = now;
    return { return: this.renderReturn(ret), userErrors: [] };
  }

  /**
   * `returnProcess`: confirms returned quantities and, with `financialTransfer.issueRefund`, refunds on the
   * Return. [U] A return whose items are all processed and refunded is closed; one processed without a refund
   * stays open until the merchant closes it.
   */
  private processReturn(input: Record<string, unknown>): unknown {
    const refused = (code: string, field: string[], message: string) => ({
      return: null,
      userErrors: [{ code, field, message }],
    });
    const ret = this.returns.get(legacyIdOf(String(input.returnId ?? '')));
    if (!ret) return refused('NOT_FOUND', ['input', 'returnId'], 'Return does not exist.');
    if (ret.status !== 'OPEN') {
      return refused(
        'INVALID_STATE',
        ['input', 'returnId'],
        `Return is ${ret.status.toLowerCase()}; only an open return can be processed.`,
      );
    }
    const order = this.orders.get(ret.orderId);
    if (!order) return refused('NOT_FOUND', ['input', 'returnId'], 'Order does not exist.');
    const lines = Array.isArray(input.returnLineItems)
      ? (input.returnLineItems as { id: string; quantity: number }[])
      : [];
    const planned: [SandboxReturn['lines'][number], number][] = [];
    for (const [index, wanted] of lines.entries()) {
      const line = ret.lines.find((candidate) => candidate.id === legacyIdOf(String(wanted.id)));
      if (!line)
        return refused(
          'NOT_FOUND',
          ['input', 'returnLineItems', String(index), 'id'],
          'Return line item does not exist.',
        );
      if (
        !Number.isInteger(wanted.quantity) ||
        wanted.quantity < 1 ||
        wanted.quantity > line.quantity - line.processed
      ) {
        return refused(
          'INVALID',
          ['input', 'returnLineItems', String(index), 'quantity'],
          'Quantity exceeds the processable quantity.',
        );
      }
      planned.push([line, wanted.quantity]);
    }
    const issue = (input.financialTransfer as { issueRefund?: { orderTransactions?: unknown } } | undefined)
      ?.issueRefund;
    let amountMinor = 0;
    if (issue) {
      const transactions = Array.isArray(issue.orderTransactions)
        ? (issue.orderTransactions as Record<string, unknown>[])
        : [];
      const transaction = transactions[0];
      const money = (transaction?.transactionAmount ?? {}) as { amount?: string; currencyCode?: string };
      if (!transaction || legacyIdOf(String(transaction.parentId ?? '')) !== order.transactionId) {
        return refused(
          'INVALID',
          ['input', 'financialTransfer', 'issueRefund', 'orderTransactions', '0', 'parentId'],
          'Parent transaction is invalid',
        );
      }
      if (money.currencyCode !== CURRENCY) {
        return refused(
          'INVALID',
          ['input', 'financialTransfer', 'issueRefund', 'orderTransactions', '0', 'transactionAmount'],
          'Currency does not match the order',
        );
      }
      amountMinor = decimalToMinor(String(money.amount), CURRENCY);
      const refunded = order.refunds.reduce((total, refund) => total + refund.amountMinor, 0);
      if (amountMinor <= 0 || amountMinor > order.paidMinor - refunded) {
        return refused(
          'INVALID',
          ['input', 'financialTransfer'],
          'Refund amount is greater than the net payment received',
        );
      }
    }
    if (planned.length === 0 && !issue) {
      return refused(
        'INVALID',
        ['input'],
        'Nothing to process: give return line items or a financial transfer.',
      );
    }
    const now = new Date().toISOString();
    for (const [line, quantity] of planned) line.processed += quantity;
    if (issue) {
      const refund = this.addRefund(
        order,
        amountMinor,
        ret.id,
        now,
        planned.map(([line, quantity]) => ({ lineItemId: line.lineItemId, quantity })),
      );
      void this.push([this.refundDelivery(order, refund)]);
    }
    order.updatedAt = now;
    if (issue && ret.lines.every((line) => line.processed >= line.quantity)) {
      ret.status = 'CLOSED';
      ret.closedAt = now;
    }
    return { return: this.renderReturn(ret), userErrors: [] };
  }

  private createRefund(document: string, input: Record<string, unknown>, key: unknown): unknown {
    if (!/@idempotent\(key:/.test(document) || typeof key !== 'string' || !key) {
      return {
        refund: null,
        userErrors: [{ field: null, message: 'An idempotency key is required for refundCreate.' }],
      };
    }
    const seen = this.idempotentRefunds.get(key);
    if (seen) return seen;
    const order = this.orders.get(legacyIdOf(String(input.orderId ?? '')));
    if (!order)
      return { refund: null, userErrors: [{ field: ['orderId'], message: 'Order does not exist' }] };
    const transactions = Array.isArray(input.transactions)
      ? (input.transactions as Record<string, unknown>[])
      : [];
    const transaction = transactions[0];
    if (!transaction || legacyIdOf(String(transaction.parentId ?? '')) !== order.transactionId) {
      return {
        refund: null,
        userErrors: [{ field: ['transactions', '0', 'parentId'], message: 'Parent transaction is invalid' }],
      };
    }
    const amountMinor = decimalToMinor(String(transaction.amount), CURRENCY);
    const refunded = order.refunds.reduce((total, refund) => total + refund.amountMinor, 0);
    if (amountMinor <= 0 || amountMinor > order.paidMinor - refunded) {
      return {
        refund: null,
        userErrors: [
          {
            field: ['transactions', '0', 'amount'],
            message: `Refund amount $${String(transaction.amount)} is greater than net payment received $${minorToDecimal(order.paidMinor - refunded, CURRENCY)}`,
          },
        ],
      };
    }
    const lines = Array.isArray(input.refundLineItems)
      ? (input.refundLineItems as { lineItemId: string; quantity: number }[]).map((line) => ({
          lineItemId: legacyIdOf(line.lineItemId),
          quantity: line.quantity,
        }))
      : [];
    // refundCreate books the refund on the order only; Shopify links refunds to a return through its own return flow.
    const refund = this.addRefund(order, amountMinor, null, new Date().toISOString(), lines);
    const payload = {
      refund: {
        id: shopifyGid('Refund', refund.id),
        createdAt: refund.createdAt,
        totalRefundedSet: {
          shopMoney: { amount: minorToDecimal(amountMinor, CURRENCY), currencyCode: CURRENCY },
        },
      },
      userErrors: [],
    };
    this.idempotentRefunds.set(key, payload);
    void this.push([this.refundDelivery(order, refund)]);
    return payload;
  }

  private addRefund(
    order: SandboxOrder,
    amountMinor: number,
    returnId: string | null,
    at: string,
    lines: SandboxRefund['lines'] = [],
  ): SandboxRefund {
    const refund: SandboxRefund = { id: bigId('2'), createdAt: at, amountMinor, returnId, lines };
    order.refunds.push(refund);
    order.updatedAt = at;
    return refund;
  }

  private returnValue(ret: SandboxReturn, order: SandboxOrder): number {
    return ret.lines.reduce((total, line) => {
      const item = order.lines.find((candidate) => candidate.id === line.lineItemId);
      return total + (item ? item.priceMinor * line.quantity : 0);
    }, 0);
  }

  private renderReturn(ret: SandboxReturn): unknown {
    const order = this.orders.get(ret.orderId);
    const money = (minor: number) => ({
      shopMoney: { amount: minorToDecimal(minor, CURRENCY), currencyCode: CURRENCY },
    });
    return {
      id: shopifyGid('Return', ret.id),
      name: ret.name,
      status: ret.status,
      createdAt: ret.createdAt,
      requestApprovedAt: ret.requestApprovedAt,
      closedAt: ret.closedAt,
      totalQuantity: ret.lines.reduce((total, line) => total + line.quantity, 0),
      decline: ret.decline,
      order: order
        ? {
            id: shopifyGid('Order', order.id),
            name: order.name,
            updatedAt: order.updatedAt,
            customer: { id: shopifyGid('Customer', order.customerId) },
            fulfillments: [{ deliveredAt: order.deliveredAt }],
          }
        : null,
      returnLineItems: {
        nodes: ret.lines.map((line) => {
          const item = order?.lines.find((candidate) => candidate.id === line.lineItemId);
          return {
            id: shopifyGid('ReturnLineItem', line.id),
            quantity: line.quantity,
            processedQuantity: line.processed,
            processableQuantity: ret.status === 'OPEN' ? line.quantity - line.processed : 0,
            returnReasonDefinition: {
              handle: line.reason.toLowerCase().replace(/_/g, '-'),
              name: REASON_NAMES[line.reason] ?? line.reason,
            },
            returnReasonNote: line.reason === 'OTHER' ? line.note : '',
            customerNote: line.reason === 'OTHER' ? null : line.note,
            fulfillmentLineItem: item
              ? {
                  lineItem: {
                    id: shopifyGid('LineItem', item.id),
                    sku: item.sku,
                    title: item.title,
                    discountedUnitPriceSet: money(item.priceMinor),
                  },
                }
              : null,
          };
        }),
      },
      exchangeLineItems: {
        nodes: ret.exchange ? [{ id: shopifyGid('ExchangeLineItem', `${ret.id}1`) }] : [],
      },
      refunds: {
        nodes: (order?.refunds ?? [])
          .filter((refund) => refund.returnId === ret.id)
          .map((refund) => ({
            id: shopifyGid('Refund', refund.id),
            createdAt: refund.createdAt,
            totalRefundedSet: money(refund.amountMinor),
          })),
      },
    };
  }

  private returnDelivery(topic: string, ret: SandboxReturn): Delivery {
    const base = { id: ret.id, admin_graphql_api_id: shopifyGid('Return', ret.id) };
    const order = { id: ret.orderId, admin_graphql_api_id: shopifyGid('Order', ret.orderId) };
    let body: unknown;
    if (topic === 'returns/request' || topic === 'returns/approve') {
      body = {
        ...base,
        status: ret.status.toLowerCase(),
        name: ret.name,
        order,
        return_line_items: ret.lines.map((line) => ({
          id: line.id,
          admin_graphql_api_id: shopifyGid('ReturnLineItem', line.id),
          fulfillment_line_item: { id: line.lineItemId, line_item: { id: line.lineItemId } },
          quantity: line.quantity,
          return_reason: line.reason.toLowerCase(),
          return_reason_note: line.reason === 'OTHER' ? line.note : '',
          customer_note: line.reason === 'OTHER' ? null : line.note,
        })),
        exchange_line_items: [],
        return_shipping_fees: [],
        total_return_line_items: ret.lines.length,
        total_exchange_line_items: ret.exchange ? 1 : 0,
      };
    } else if (topic === 'returns/decline') {
      body = { ...base, status: 'declined', order, decline: ret.decline };
    } else {
      body = { ...base, order_id: ret.orderId, status: ret.status.toLowerCase() };
    }
    return { topic, body: restJson(body), eventId: randomUUID(), triggeredAt: new Date().toISOString() };
  }

  private refundDelivery(order: SandboxOrder, refund: SandboxRefund): Delivery {
    const amount = minorToDecimal(refund.amountMinor, CURRENCY);
    const body = {
      id: refund.id,
      admin_graphql_api_id: shopifyGid('Refund', refund.id),
      order_id: order.id,
      created_at: refund.createdAt,
      processed_at: refund.createdAt,
      note: null,
      restock: false,
      user_id: null,
      refund_line_items: refund.lines.map((line) => ({
        line_item_id: line.lineItemId,
        quantity: line.quantity,
        restock_type: 'no_restock',
      })),
      refund_shipping_lines: [],
      transactions: [
        { amount, currency: CURRENCY, kind: 'refund', status: 'success', gateway: 'shopify_payments' },
      ],
      order_adjustments: [],
      duties: [],
      return: refund.returnId
        ? { id: refund.returnId, admin_graphql_api_id: shopifyGid('Return', refund.returnId) }
        : null,
    };
    return {
      topic: 'refunds/create',
      body: restJson(body),
      eventId: randomUUID(),
      triggeredAt: refund.createdAt,
    };
  }

  private async push(deliveries: Delivery[]): Promise<void> {
    const target = this.target;
    if (!target) return;
    for (const delivery of shufflePushes(deliveries, this.http.duplicateRatio, this.http.reorderRatio)) {
      await postPush(target.url, delivery.body, {
        'x-shopify-topic': delivery.topic,
        'x-shopify-hmac-sha256': hmacBase64('sha256', this.credentials.apiSecret, delivery.body),
        'x-shopify-shop-domain': this.shopId,
        'x-shopify-api-version': SHOPIFY_API_VERSION,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': delivery.eventId,
        'x-shopify-triggered-at': delivery.triggeredAt,
      });
    }
  }
}
