import { createHash, randomBytes } from 'node:crypto';
import type { MarketplaceSandbox, SandboxPushTarget } from '../contract';
import { HttpSandbox } from '../shared/http-sandbox';
import { generateOrder, pick, SAMPLE_BUYERS, SAMPLE_REASONS } from '../shared/case-generator';
import { decimalToMinor, minorToDecimal } from '../shared/money';
import {
  postPush,
  SandboxHttpServer,
  shufflePushes,
  type SandboxRequest,
  type SandboxResponse,
} from '../shared/sandbox-server';
import { hmacBase64 } from '../shared/signing';
import { WOO_API_PREFIX } from './woocommerce.client';
import type { WooLineItem, WooOrder, WooOrderNote, WooRefund } from './woocommerce.types';

const CURRENCY = 'CNY';
const WEBHOOK_ID = 7;

interface SandboxWooOrder extends WooOrder {
  refundDetails: WooRefund[];
  notes: WooOrderNote[];
}

function gmt(date = new Date()): string {
  return date.toISOString().slice(0, 19);
}

function wpError(
  status: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): SandboxResponse {
  return { status, body: { code, message, data: { status } }, headers };
}

/** What WooCommerce puts in an order's `refunds` array for each refund. */
function summary(refund: WooRefund): WooOrder['refunds'][number] {
  return { id: refund.id, reason: refund.reason, total: `-${refund.amount}` };
}

/**
 * A WooCommerce site: REST v3 orders, refunds and notes behind consumer-key Basic auth, and
 * `order.updated` webhooks signed with `X-WC-Webhook-Signature`, preceded by the `webhook_id=` ping.
 */
export class WoocommerceSandbox extends HttpSandbox implements MarketplaceSandbox {
  readonly platform = 'woocommerce' as const;
  readonly shopId = 'shop.example.com';
  readonly credentials: Record<string, string> = {
    consumerKey: `ck_${randomBytes(20).toString('hex')}`,
    consumerSecret: `cs_${randomBytes(20).toString('hex')}`,
    webhookSecret: randomBytes(18).toString('base64'),
  };
  private readonly orders = new Map<string, SandboxWooOrder>();
  private target: SandboxPushTarget | null = null;
  private pinged = false;
  private nextId = 4200;
  protected readonly http = new SandboxHttpServer(
    (request, fault) => this.handle(request, fault),
    (request) => `${request.method} ${request.path.replace(WOO_API_PREFIX, '').replace(/\/\d+/g, '/{id}')}`,
  );

  setPushTarget(target: SandboxPushTarget | null): void {
    this.target = target;
    this.pinged = false;
  }

  caseState(externalId: string): SandboxWooOrder | undefined {
    const order = this.orders.get(externalId);
    return order ? structuredClone(order) : undefined;
  }

  /** Completed orders that the shop then refunded, a quarter of them only in part. */
  async generateCases(count: number): Promise<string[]> {
    const created: SandboxWooOrder[] = [];
    for (let i = 0; i < count; i += 1) {
      const generated = generateOrder();
      const reason = pick(SAMPLE_REASONS);
      const now = gmt();
      const id = this.allocateId();
      const lineItems: WooLineItem[] = generated.lines.map((line) => ({
        id: this.allocateId(),
        name: line.title,
        product_id: 100 + line.priceMinor,
        variation_id: 0,
        quantity: line.quantity,
        sku: line.sku,
        price: line.priceMinor / 100,
        subtotal: minorToDecimal(line.priceMinor * line.quantity, CURRENCY),
        total: minorToDecimal(line.priceMinor * line.quantity, CURRENCY),
      }));
      const order: SandboxWooOrder = {
        id,
        number: String(id),
        status: 'completed',
        currency: CURRENCY,
        date_created_gmt: now,
        date_modified_gmt: now,
        // Created as completed: fulfilled at once, as a store that completes on delivery would record it.
        date_completed_gmt: now,
        total: minorToDecimal(generated.totalMinor, CURRENCY),
        customer_id: Math.random() < 0.3 ? 0 : 1000 + (id % 97),
        billing: { first_name: pick(SAMPLE_BUYERS), last_name: '' },
        line_items: lineItems,
        refunds: [],
        refundDetails: [],
        notes: [],
      };
      // A first, partial refund opens the case; the rest is what the merchant still has to decide on.
      this.addRefund(order, Math.max(100, Math.floor(generated.totalMinor / 200) * 100), reason.text, []);
      this.orders.set(String(id), order);
      created.push(order);
    }
    await this.push(created);
    return created.map((order) => String(order.id));
  }

  /** Partly refunded orders get the rest refunded, which turns them `refunded`. */
  async advanceCases(count: number): Promise<string[]> {
    const moved: SandboxWooOrder[] = [];
    for (const order of this.orders.values()) {
      if (moved.length >= count) break;
      const remaining = this.remaining(order);
      if (order.status === 'refunded' || remaining <= 0) continue;
      this.addRefund(order, remaining, '剩余款项一并退回', []);
      moved.push(order);
    }
    await this.push(moved);
    return moved.map((order) => String(order.id));
  }

  private allocateId(): number {
    this.nextId += 1 + Math.floor(Math.random() * 3);
    return this.nextId;
  }

  private remaining(order: SandboxWooOrder): number {
    const refunded = order.refundDetails.reduce(
      (total, refund) => total + decimalToMinor(refund.amount, CURRENCY),
      0,
    );
    return decimalToMinor(order.total, CURRENCY) - refunded;
  }

  private addRefund(
    order: SandboxWooOrder,
    amountMinor: number,
    reason: string,
    meta: WooRefund['meta_data'],
  ): WooRefund {
    const refund: WooRefund = {
      id: this.allocateId(),
      date_created_gmt: gmt(),
      amount: minorToDecimal(amountMinor, CURRENCY),
      reason,
      refunded_by: 1,
      refunded_payment: true,
      meta_data: meta.map((entry, index) => ({ id: index + 1, key: entry.key, value: entry.value })),
    };
    // WooCommerce lists the newest refund first.
    order.refundDetails.unshift(refund);
    order.refunds = order.refundDetails.map(summary);
    if (this.remaining(order) <= 0) order.status = 'refunded';
    order.date_modified_gmt = gmt();
    return refund;
  }

  private authorised(request: SandboxRequest): boolean {
    const header = request.headers.authorization ?? '';
    const basic = header.startsWith('Basic ')
      ? Buffer.from(header.slice(6), 'base64').toString('utf8')
      : null;
    const [key, secret] = basic
      ? [basic.slice(0, basic.indexOf(':')), basic.slice(basic.indexOf(':') + 1)]
      : [request.query.consumer_key, request.query.consumer_secret];
    return key === this.credentials.consumerKey && secret === this.credentials.consumerSecret;
  }

  private handle(
    request: SandboxRequest,
    fault: 'throttle' | 'server_error' | 'timeout' | null,
  ): SandboxResponse {
    if (!request.path.startsWith(`${WOO_API_PREFIX}/`)) {
      return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    }
    if (!this.authorised(request)) {
      return wpError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
    }
    if (fault === 'throttle') {
      return wpError(429, 'rest_too_many_requests', 'Too many requests.', { 'retry-after': '2' });
    }
    if (fault === 'server_error') {
      return wpError(500, 'internal_server_error', 'There has been a critical error on this website.');
    }
    const path = request.path.slice(WOO_API_PREFIX.length);
    if (request.method === 'GET' && path === '/orders') return this.listOrders(request.query);
    const match = /^\/orders\/(\d+)(\/refunds|\/notes)?$/.exec(path);
    const order = match ? this.orders.get(match[1]) : undefined;
    if (!match)
      return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    if (!order) return wpError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
    const route = `${request.method} ${match[2] ?? ''}`;
    switch (route) {
      case 'GET ':
        return { status: 200, body: this.render(order) };
      case 'GET /refunds':
        return { status: 200, body: order.refundDetails };
      case 'POST /refunds':
        return this.createRefund(order, request.body);
      case 'POST /notes':
        return this.createNote(order, request.body);
      default:
        return wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    }
  }

  private listOrders(query: Record<string, string>): SandboxResponse {
    const after = query.modified_after;
    const before = query.modified_before;
    const perPage = Math.min(100, Number(query.per_page ?? 10));
    const page = Math.max(1, Number(query.page ?? 1));
    const matching = [...this.orders.values()]
      .filter(
        (order) =>
          (!after || order.date_modified_gmt > after) && (!before || order.date_modified_gmt <= before),
      )
      .sort((a, b) => Number(a.id) - Number(b.id));
    const rows = matching.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: rows.map((order) => this.render(order)),
      headers: {
        'x-wp-total': String(matching.length),
        'x-wp-totalpages': String(Math.max(1, Math.ceil(matching.length / perPage))),
      },
    };
  }

  private createRefund(order: SandboxWooOrder, text: string): SandboxResponse {
    let body: { amount?: unknown; reason?: unknown; meta_data?: WooRefund['meta_data'] };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return wpError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
    }
    let amountMinor: number;
    try {
      amountMinor = decimalToMinor(String(body.amount ?? ''), CURRENCY);
    } catch {
      return wpError(400, 'rest_invalid_param', 'Invalid parameter(s): amount');
    }
    // WooCommerce reports a refused refund as a 500 with its own code.
    if (amountMinor <= 0 || amountMinor > this.remaining(order)) {
      return wpError(500, 'woocommerce_rest_cannot_create_order_refund', 'Invalid refund amount.');
    }
    const refund = this.addRefund(
      order,
      amountMinor,
      typeof body.reason === 'string' ? body.reason : '',
      Array.isArray(body.meta_data) ? body.meta_data : [],
    );
    void this.push([order]);
    return { status: 201, body: refund };
  }

  private createNote(order: SandboxWooOrder, text: string): SandboxResponse {
    let body: { note?: unknown; customer_note?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return wpError(400, 'rest_invalid_json', 'Invalid JSON body passed.');
    }
    if (typeof body.note !== 'string' || !body.note) {
      return wpError(400, 'rest_missing_callback_param', 'Missing parameter(s): note');
    }
    const note: WooOrderNote = {
      id: this.allocateId(),
      author: 'system',
      date_created_gmt: gmt(),
      note: body.note,
      customer_note: body.customer_note === true,
    };
    order.notes.push(note);
    return { status: 201, body: note };
  }

  private render(order: SandboxWooOrder): WooOrder {
    const { refundDetails: _details, notes: _notes, ...wire } = order;
    return structuredClone(wire);
  }

  private async push(orders: SandboxWooOrder[]): Promise<void> {
    const target = this.target;
    if (!target || orders.length === 0) return;
    if (!this.pinged) {
      this.pinged = true;
      await postPush(target.url, `webhook_id=${WEBHOOK_ID}`, {
        'content-type': 'application/x-www-form-urlencoded',
      });
    }
    const deliveries = orders.map((order) => JSON.stringify(this.render(order)));
    for (const body of shufflePushes(deliveries, this.http.duplicateRatio, this.http.reorderRatio)) {
      const second = Math.floor(Date.now() / 1000);
      await postPush(target.url, body, {
        'user-agent': 'WooCommerce/9.1.0 Hookshot (WordPress/6.5.0)',
        'x-wc-webhook-source': `${this.url}/`,
        'x-wc-webhook-topic': 'order.updated',
        'x-wc-webhook-resource': 'order',
        'x-wc-webhook-event': 'updated',
        'x-wc-webhook-signature': hmacBase64('sha256', this.credentials.webhookSecret, body),
        'x-wc-webhook-id': String(WEBHOOK_ID),
        'x-wc-webhook-delivery-id': createHash('md5').update(`${WEBHOOK_ID}${second}`).digest('hex'),
      });
    }
  }
}
