import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { AdapterErrorCode, WebhookSignatureError, type AdapterContext } from '../contract';
import { apiRefund, WoocommerceAdapter } from './woocommerce.adapter';
import { wooAuthorization } from './woocommerce.client';
import { isWooCase, mapWooOrder, parseWooGmt, WOO_ORDER_STATUS_STAGE } from './woocommerce.mapper';
import type { WooOrder } from './woocommerce.types';
import { guardNock } from '../shared/testing/nock-guard';

const SITE = 'https://shop.example.com';
const API = '/wp-json/wc/v3';
const fixturePath = (name: string): string => join(__dirname, '__fixtures__', name);
const fixture = (name: string): string => readFileSync(fixturePath(name), 'utf8');
const order = (): WooOrder => JSON.parse(fixture('order-partially-refunded.json')) as WooOrder;

/*
 * Computed once, independently of the adapter:
 *   node -e "console.log(require('crypto').createHmac('sha256','wc_test_secret')
 *            .update(require('fs').readFileSync('__fixtures__/order-partially-refunded.json')).digest('base64'))"
 *   node -e "console.log('Basic '+Buffer.from('ck_test:cs_test').toString('base64'))"
 */
const ORDER_SIGNATURE = 'owtBKHu8goadtQ9lLokhXpSxAVk+V5N3wAA2ZHZjQoM=';
const BASIC = 'Basic Y2tfdGVzdDpjc190ZXN0';

const NOW = new Date('2025-03-02T12:00:00Z');
const connection = {
  id: 'conn-woo',
  tenantId: 't-1',
  platform: 'woocommerce' as const,
  shopId: 'shop.example.com',
  apiBaseUrl: SITE,
  credentials: { consumerKey: 'ck_test', consumerSecret: 'cs_test', webhookSecret: 'wc_test_secret' },
};
const acquire = jest.fn(() => Promise.resolve());
const ctx: AdapterContext = { connection, limiter: { acquire }, now: () => new Date('2025-03-02T12:00:00Z') };

const headers = {
  'x-wc-webhook-signature': ORDER_SIGNATURE,
  'x-wc-webhook-topic': 'order.updated',
  'x-wc-webhook-resource': 'order',
  'x-wc-webhook-event': 'updated',
  'x-wc-webhook-id': '7',
  'x-wc-webhook-delivery-id': '2f2b6f1f5a3c4e0d9b8a7c6d5e4f3a2b',
};

describe('WoocommerceAdapter', () => {
  const adapter = new WoocommerceAdapter();
  guardNock();

  describe('verifyWebhook', () => {
    const push = (rawBody: Buffer, extra: Record<string, string> = headers) => ({
      rawBody,
      headers: extra,
      query: {},
    });

    it('accepts the hand-computed signature and keeps the order body as the payload', () => {
      const raw = readFileSync(fixturePath('order-partially-refunded.json'));
      const { events } = adapter.verifyWebhook(push(raw), connection, NOW);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        eventType: 'order.updated',
        externalId: '4711',
        payload: raw.toString('utf8'),
      });
      expect(events[0].dedupeKey).toMatch(/^7:2f2b6f1f5a3c4e0d9b8a7c6d5e4f3a2b:[0-9a-f]{32}$/);
    });

    it('keeps two orders saved in the same second apart although WooCommerce gives them one delivery id', () => {
      const secret = 'wc_test_secret';
      const sign = (body: string) => createHmac('sha256', secret).update(body).digest('base64');
      const a = '{"id":1,"status":"refunded"}';
      const b = '{"id":2,"status":"refunded"}';
      const [first] = adapter.verifyWebhook(
        push(Buffer.from(a), { ...headers, 'x-wc-webhook-signature': sign(a) }),
        connection,
        NOW,
      ).events;
      const [second] = adapter.verifyWebhook(
        push(Buffer.from(b), { ...headers, 'x-wc-webhook-signature': sign(b) }),
        connection,
        NOW,
      ).events;
      const [again] = adapter.verifyWebhook(
        push(Buffer.from(a), { ...headers, 'x-wc-webhook-signature': sign(a) }),
        connection,
        NOW,
      ).events;
      expect(first.dedupeKey).not.toBe(second.dedupeKey);
      expect(again.dedupeKey).toBe(first.dedupeKey);
    });

    it('answers the unsigned webhook_id= ping with no events instead of an error', () => {
      const { events } = adapter.verifyWebhook(
        push(Buffer.from('webhook_id=7'), { 'content-type': 'application/x-www-form-urlencoded' }),
        connection,
        NOW,
      );
      expect(events).toEqual([]);
    });

    it('rejects a wrong or missing signature', () => {
      const raw = readFileSync(fixturePath('order-partially-refunded.json'));
      expect(() =>
        adapter.verifyWebhook(
          push(raw, { ...headers, 'x-wc-webhook-signature': 'owtBKHu8goadtQ9lLokhXpSxAVk+V5N3wAA2ZHZjQoN=' }),
          connection,
          NOW,
        ),
      ).toThrow(WebhookSignatureError);
      const { 'x-wc-webhook-signature': _missing, ...unsigned } = headers;
      expect(() => adapter.verifyWebhook(push(raw, unsigned), connection, NOW)).toThrow(
        WebhookSignatureError,
      );
    });
  });

  describe('mapping', () => {
    it('maps a partly refunded order to one case keyed by the order id, money in fen', () => {
      const mapped = mapWooOrder(order());
      expect(mapped).toMatchObject({
        externalId: '4711',
        externalOrderId: '4711',
        kind: 'refund_only',
        stage: 'refunded',
        reason: '收到的杯子有破损，外包装也压坏了 / 运费补偿',
        requestedAmount: { amountMinor: 9970, currency: 'CNY' },
        refundedAmount: { amountMinor: 4490, currency: 'CNY' },
        buyer: { externalId: '25', displayName: '小***子', vip: false },
      });
      expect(mapped.items).toEqual([
        {
          sku: 'CUP-330-WHT',
          title: '陶瓷马克杯 330ml 白色',
          quantity: 1,
          unitPrice: { amountMinor: 3990, currency: 'CNY' },
        },
        {
          sku: 'SOCKS-5PK',
          title: '运动袜 5双装',
          quantity: 2,
          unitPrice: { amountMinor: 2490, currency: 'CNY' },
        },
      ]);
      expect(mapped.externalCreatedAt.toISOString()).toBe('2025-03-01T08:00:00.000Z');
      expect(mapped.externalUpdatedAt.toISOString()).toBe('2025-03-02T10:30:00.000Z');
    });

    it('maps order statuses to stages and only refunded orders to cases', () => {
      expect(WOO_ORDER_STATUS_STAGE.refunded).toBe('refunded');
      expect(WOO_ORDER_STATUS_STAGE.cancelled).toBe('cancelled');
      expect(WOO_ORDER_STATUS_STAGE.failed).toBe('closed');
      expect(WOO_ORDER_STATUS_STAGE.completed).toBe('refunded');
      expect(isWooCase({ ...order(), refunds: [] })).toBe(false);
      const full = mapWooOrder({ ...order(), status: 'refunded', refunds: [] });
      expect(full.refundedAmount).toEqual({ amountMinor: 9970, currency: 'CNY' });
      expect(mapWooOrder({ ...order(), customer_id: 0 }).buyer?.externalId).toBeNull();
    });

    it('takes the completion date as the delivery time, from the order itself, none before completion', () => {
      expect(mapWooOrder({ ...order(), date_completed_gmt: '2025-03-01T20:15:00' }).deliveredAt).toEqual(
        new Date('2025-03-01T20:15:00Z'),
      );
      expect(mapWooOrder({ ...order(), date_completed_gmt: null }).deliveredAt).toBeNull();
      expect(mapWooOrder(order()).deliveredAt).toBeNull();
      expect(() => mapWooOrder({ ...order(), date_completed_gmt: 'soon' })).toThrow(/date_completed_gmt/);
    });

    it('reads *_gmt timestamps as UTC', () => {
      expect(parseWooGmt('2025-03-02T10:30:00', 'x').toISOString()).toBe('2025-03-02T10:30:00.000Z');
      expect(() => parseWooGmt('', 'x')).toThrow();
    });
  });

  describe('resolveEvent', () => {
    it('maps an order webhook body directly, and skips orders without refunds', async () => {
      const payload = fixture('order-partially-refunded.json');
      await expect(
        adapter.resolveEvent(ctx, {
          dedupeKey: 'k',
          eventType: 'order.updated',
          externalId: '4711',
          payload,
        }),
      ).resolves.toMatchObject({
        externalId: '4711',
      });
      const plain = JSON.stringify({ ...order(), refunds: [] });
      await expect(
        adapter.resolveEvent(ctx, {
          dedupeKey: 'k',
          eventType: 'order.updated',
          externalId: '4711',
          payload: plain,
        }),
      ).resolves.toBeNull();
    });

    it('re-reads the order named by an action.* webhook', async () => {
      const scope = nock(SITE, { reqheaders: { authorization: BASIC } })
        .get(`${API}/orders/4711`)
        .reply(200, fixture('order-partially-refunded.json'));
      const result = await adapter.resolveEvent(ctx, {
        dedupeKey: 'k',
        eventType: 'action.woocommerce_order_refunded',
        externalId: '4711',
        payload: '{"action":"woocommerce_order_refunded","arg":4711}',
      });
      expect(scope.isDone()).toBe(true);
      expect(result?.refundedAmount?.amountMinor).toBe(4490);
    });
  });

  describe('pull', () => {
    it('lists orders modified in the window with Basic auth, page by page, keeping refunded ones', async () => {
      expect(wooAuthorization('ck_test', 'cs_test')).toBe(BASIC);
      const window = {
        modified_after: '2025-03-01T12:00:00',
        modified_before: '2025-03-02T12:00:00',
        dates_are_gmt: 'true',
        orderby: 'id',
        order: 'asc',
        per_page: '100',
      };
      const scope = nock(SITE, { reqheaders: { authorization: BASIC } })
        .get(`${API}/orders`)
        .query({ ...window, page: '1' })
        .reply(
          200,
          `[${fixture('order-partially-refunded.json')}, ${JSON.stringify({ ...order(), id: 4712, refunds: [] })}]`,
          {
            'X-WP-Total': '3',
            'X-WP-TotalPages': '2',
          },
        )
        .get(`${API}/orders`)
        .query({ ...window, page: '2' })
        .reply(200, '[]', { 'X-WP-Total': '3', 'X-WP-TotalPages': '2' });
      const first = await adapter.pull(ctx, null);
      expect(first.cases.map((c) => c.externalId)).toEqual(['4711']);
      expect(first.hasMore).toBe(true);
      const second = await adapter.pull(ctx, first.nextCursor);
      expect(second.hasMore).toBe(false);
      expect(JSON.parse(second.nextCursor ?? '')).toEqual({
        since: '2025-03-02T11:55:00.000Z',
        until: null,
        page: 1,
      });
      expect(scope.isDone()).toBe(true);
      expect(acquire).toHaveBeenCalled();
    });

    it('refuses to send keys to a plain-HTTP site', async () => {
      const insecure = { ...ctx, connection: { ...connection, apiBaseUrl: 'http://shop.example.com' } };
      await expect(adapter.pull(insecure, null)).rejects.toMatchObject({ code: AdapterErrorCode.INVALID });
    });
  });

  describe('errors', () => {
    it('maps a refused refund (HTTP 500 with its own code) to INVALID, not TEMPORARY', async () => {
      nock(SITE)
        .get(`${API}/orders/4711`)
        .reply(200, fixture('order-partially-refunded.json'))
        .get(`${API}/orders/4711/refunds`)
        .query(true)
        .reply(200, '[]')
        .post(`${API}/orders/4711/refunds`)
        .reply(500, fixture('error-refund-invalid.json'));
      const ticket = { ...mapWooOrder(order()), platformVersion: null };
      await expect(
        adapter.perform(ctx, { type: 'approve_refund', amount: null }, ticket),
      ).rejects.toMatchObject({
        code: AdapterErrorCode.INVALID,
        message: expect.stringContaining('Invalid refund amount.'),
      });
    });

    it('maps bad keys to AUTH, unknown orders to NOT_FOUND, 429 to RATE_LIMITED and bare 5xx to TEMPORARY', async () => {
      nock(SITE)
        .get(`${API}/orders/1`)
        .reply(401, {
          code: 'woocommerce_rest_authentication_error',
          message: 'Consumer key is invalid.',
          data: { status: 401 },
        })
        .get(`${API}/orders/2`)
        .reply(404, {
          code: 'woocommerce_rest_shop_order_invalid_id',
          message: 'Invalid ID.',
          data: { status: 404 },
        })
        .get(`${API}/orders/3`)
        .reply(429, 'Too Many Requests', { 'Retry-After': '3' })
        .get(`${API}/orders/4`)
        .reply(502, '<html>Bad gateway</html>');
      await expect(adapter.fetchCase(ctx, '1')).rejects.toMatchObject({ code: AdapterErrorCode.AUTH });
      await expect(adapter.fetchCase(ctx, '2')).rejects.toMatchObject({ code: AdapterErrorCode.NOT_FOUND });
      await expect(adapter.fetchCase(ctx, '3')).rejects.toMatchObject({
        code: AdapterErrorCode.RATE_LIMITED,
        retryAfterMs: 3000,
      });
      await expect(adapter.fetchCase(ctx, '4')).rejects.toMatchObject({ code: AdapterErrorCode.TEMPORARY });
    });
  });

  describe('perform', () => {
    const ticket = { ...mapWooOrder(order()), platformVersion: null };

    it('refunds the rest as a decimal string with api_refund and an idempotency marker, then re-reads the order', async () => {
      let sent: Record<string, unknown> | null = null;
      const scope = nock(SITE, { reqheaders: { authorization: BASIC } })
        .get(`${API}/orders/4711`)
        .reply(200, fixture('order-partially-refunded.json'))
        .get(`${API}/orders/4711/refunds`)
        .query({ per_page: '100' })
        .reply(200, '[]')
        .post(`${API}/orders/4711/refunds`, (body: Record<string, unknown>) => Boolean((sent = body)))
        .reply(201, { id: 4730, amount: '54.80', reason: '', refunded_payment: true, meta_data: [] })
        .get(`${API}/orders/4711`)
        .reply(200, JSON.stringify({ ...order(), status: 'refunded' }));
      const outcome = await adapter.perform(ctx, { type: 'approve_refund', amount: null }, ticket);
      expect(scope.isDone()).toBe(true);
      // 99.70 paid − 44.90 already refunded
      expect(sent).toMatchObject({ amount: '54.80', api_refund: true });
      expect((sent as unknown as { meta_data: { key: string; value: string }[] }).meta_data[0]).toMatchObject(
        {
          key: '_after_sales_hub_key',
          value: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      );
      expect(outcome.updatedCase?.stage).toBe('refunded');
    });

    it('does not refund twice when a refund with the same key already exists', async () => {
      let key = '';
      nock(SITE)
        .get(`${API}/orders/4711`)
        .reply(200, fixture('order-partially-refunded.json'))
        .get(`${API}/orders/4711/refunds`)
        .query(true)
        .reply(200, '[]')
        .post(`${API}/orders/4711/refunds`, (body: { meta_data: { value: string }[] }) =>
          Boolean((key = body.meta_data[0].value)),
        )
        .reply(201, { id: 4730 })
        .get(`${API}/orders/4711`)
        .reply(200, fixture('order-partially-refunded.json'));
      await adapter.perform(
        ctx,
        { type: 'approve_refund', amount: { amountMinor: 1000, currency: 'CNY' } },
        ticket,
      );
      const scope = nock(SITE)
        .get(`${API}/orders/4711`)
        .reply(200, fixture('order-partially-refunded.json'))
        .get(`${API}/orders/4711/refunds`)
        .query(true)
        .reply(200, [
          { id: 4730, amount: '10.00', meta_data: [{ id: 1, key: '_after_sales_hub_key', value: key }] },
        ])
        .get(`${API}/orders/4711`)
        .reply(200, fixture('order-partially-refunded.json'));
      const retry = await adapter.perform(
        ctx,
        { type: 'approve_refund', amount: { amountMinor: 1000, currency: 'CNY' } },
        ticket,
      );
      expect(scope.isDone()).toBe(true);
      expect(retry.response).toMatchObject({ id: 4730 });
    });

    it('sends a message as a customer order note', async () => {
      const scope = nock(SITE)
        .post(`${API}/orders/4711/notes`, { note: '退款已处理，请留意到账', customer_note: true })
        .reply(201, { id: 90, note: '退款已处理，请留意到账', customer_note: true });
      const outcome = await adapter.perform(
        ctx,
        { type: 'send_message', text: '退款已处理，请留意到账' },
        ticket,
      );
      expect(scope.isDone()).toBe(true);
      expect(outcome).toEqual({
        response: { id: 90, note: '退款已处理，请留意到账', customer_note: true },
        updatedCase: null,
      });
    });

    it('reads api_refund from the credentials, defaulting to the gateway refund', () => {
      expect(apiRefund({})).toBe(true);
      expect(apiRefund({ apiRefund: 'false' })).toBe(false);
      expect(apiRefund({ apiRefund: 'TRUE' })).toBe(true);
    });

    it('has no returns workflow upstream', async () => {
      await expect(
        adapter.perform(ctx, { type: 'approve_return', returnAddress: null }, ticket),
      ).rejects.toMatchObject({
        code: AdapterErrorCode.UNSUPPORTED,
      });
    });
  });
});
