import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { AdapterError, AdapterErrorCode, WebhookSignatureError, type AdapterContext } from '../contract';
import { parseLosslessJson } from '../shared/lossless-json';
import { declineInput, ShopifyAdapter } from './shopify.adapter';
import { mapShopifyReturn, returnStage, SHOPIFY_RETURN_REASON_CATEGORY } from './shopify.mapper';
import type { ShopifyReturn } from './shopify.types';
import { guardNock } from '../shared/testing/nock-guard';

const BASE = 'https://hub-test.myshopify.com';
const PATH = '/admin/api/2026-01/graphql.json';
const RETURN_ID = '7091800003790954036';
const fixturePath = (name: string): string => join(__dirname, '__fixtures__', name);
const fixture = (name: string): string => readFileSync(fixturePath(name), 'utf8');
const fetchedReturn = (): ShopifyReturn =>
  (JSON.parse(fixture('graphql-fetch-return.json')) as { data: { return: ShopifyReturn } }).data.return;

/*
 * Signature vectors computed once, independently of the adapter, with
 *   node -e "const c=require('crypto');console.log(c.createHmac('sha256','shpss_test_secret')
 *            .update(require('fs').readFileSync('<fixture>')).digest('base64'))"
 * over the fixture files' exact bytes (trailing newline included).
 */
const APPROVE_HMAC = 'dio9m5FhyuBH8r+q3nqhCI26SMk3QmHBz6WlQgXmnYY=';
const REFUND_HMAC = '5jx7dSjOzO/JMQMRzfUazIUZQQbQmnbt9ChSjQT/nww=';

const NOW = new Date('2025-03-02T12:00:00Z');
const connection = {
  id: 'conn-1',
  tenantId: 't-1',
  platform: 'shopify' as const,
  shopId: 'hub-test.myshopify.com',
  apiBaseUrl: BASE,
  credentials: { accessToken: 'shpat_test_token', apiSecret: 'shpss_test_secret' },
};
const ctx: AdapterContext = {
  connection,
  limiter: { acquire: () => Promise.resolve() },
  now: () => new Date('2025-03-02T12:00:00Z'),
};

function push(file: string, headers: Record<string, string>) {
  return { rawBody: readFileSync(fixturePath(file)), headers, query: {} };
}

function gqlReply(data: unknown) {
  return {
    data,
    extensions: {
      cost: {
        requestedQueryCost: 10,
        actualQueryCost: 10,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: 100 },
      },
    },
  };
}

interface GqlBody {
  operationName: string;
  query: string;
  variables: Record<string, unknown>;
}

describe('ShopifyAdapter', () => {
  const adapter = new ShopifyAdapter();
  guardNock();

  describe('verifyWebhook', () => {
    const headers = {
      'x-shopify-hmac-sha256': APPROVE_HMAC,
      'x-shopify-topic': 'returns/approve',
      'x-shopify-event-id': '0c6a2f3e-7d1b-4f6e-9a57-6a1f0e3b2c11',
      'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
      'x-shopify-triggered-at': '2025-03-02T10:00:00.000Z',
    };

    it('accepts the hand-computed signature and dedupes on X-Shopify-Event-Id', () => {
      const { events } = adapter.verifyWebhook(
        push('webhook-returns-approve.json', headers),
        connection,
        NOW,
      );
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        dedupeKey: '0c6a2f3e-7d1b-4f6e-9a57-6a1f0e3b2c11',
        eventType: 'returns/approve',
        externalId: RETURN_ID,
      });
    });

    it('stores topic, trigger time and the untouched body, 19-digit ids included', () => {
      const [event] = adapter.verifyWebhook(
        push('webhook-returns-approve.json', headers),
        connection,
        NOW,
      ).events;
      expect(event.payload).toContain('"id":7091800003790954036,');
      const envelope = parseLosslessJson(event.payload) as {
        topic: string;
        triggeredAt: string;
        body: { id: string };
      };
      expect(envelope.topic).toBe('returns/approve');
      expect(envelope.triggeredAt).toBe('2025-03-02T10:00:00.000Z');
      expect(envelope.body.id).toBe(RETURN_ID);
    });

    it('falls back to X-Shopify-Webhook-Id when there is no event id', () => {
      const { 'x-shopify-event-id': _omitted, ...rest } = headers;
      const [event] = adapter.verifyWebhook(
        push('webhook-returns-approve.json', rest),
        connection,
        NOW,
      ).events;
      expect(event.dedupeKey).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
    });

    it('rejects a wrong or missing signature, and a body changed after signing', () => {
      expect(() =>
        adapter.verifyWebhook(
          push('webhook-returns-approve.json', { ...headers, 'x-shopify-hmac-sha256': REFUND_HMAC }),
          connection,
          NOW,
        ),
      ).toThrow(WebhookSignatureError);
      const { 'x-shopify-hmac-sha256': _missing, ...unsigned } = headers;
      expect(() =>
        adapter.verifyWebhook(push('webhook-returns-approve.json', unsigned), connection, NOW),
      ).toThrow(WebhookSignatureError);
      const tampered = { ...push('webhook-returns-approve.json', headers) };
      tampered.rawBody = Buffer.from(tampered.rawBody.toString('utf8').replace('"open"', '"closed"'));
      expect(() => adapter.verifyWebhook(tampered, connection, NOW)).toThrow(WebhookSignatureError);
    });

    it('takes the return id from a refunds/create body', () => {
      const [event] = adapter.verifyWebhook(
        push('webhook-refunds-create.json', {
          'x-shopify-hmac-sha256': REFUND_HMAC,
          'x-shopify-topic': 'refunds/create',
        }),
        connection,
        NOW,
      ).events;
      expect(event.externalId).toBe(RETURN_ID);
    });
  });

  describe('resolveEvent', () => {
    function stored(topic: string, body: string, triggeredAt: string | null = null) {
      return {
        dedupeKey: 'k',
        eventType: topic,
        externalId: null,
        payload: `{"topic":${JSON.stringify(topic)},"triggeredAt":${JSON.stringify(triggeredAt)},"body":${body}}`,
      };
    }

    it('re-reads the return by its GID and never dates it before the webhook was triggered', async () => {
      const scope = nock(BASE)
        .post(PATH, (body: GqlBody) => body.variables.id === `gid://shopify/Return/${RETURN_ID}`)
        .reply(200, fixture('graphql-fetch-return.json'));
      const result = await adapter.resolveEvent(
        ctx,
        stored('returns/approve', fixture('webhook-returns-approve.json'), '2025-03-02T10:00:00.000Z'),
      );
      expect(scope.isDone()).toBe(true);
      expect(result?.externalId).toBe(RETURN_ID);
      expect(result?.stage).toBe('awaiting_return');
      expect(result?.externalUpdatedAt.toISOString()).toBe('2025-03-02T10:00:00.000Z');
    });

    it('follows a refund to its return, and ignores a refund made outside any return', async () => {
      const scope = nock(BASE).post(PATH).reply(200, fixture('graphql-fetch-return.json'));
      expect(
        (await adapter.resolveEvent(ctx, stored('refunds/create', fixture('webhook-refunds-create.json'))))
          ?.externalId,
      ).toBe(RETURN_ID);
      expect(scope.isDone()).toBe(true);
      const orphan = '{"id":2011223344556677889,"order_id":5512345678901234567,"return":null}';
      await expect(adapter.resolveEvent(ctx, stored('refunds/create', orphan))).resolves.toBeNull();
    });

    it('answers NOT_FOUND when the return no longer exists', async () => {
      nock(BASE)
        .post(PATH)
        .reply(200, gqlReply({ return: null }));
      await expect(
        adapter.resolveEvent(ctx, stored('returns/cancel', `{"id":${RETURN_ID},"status":"canceled"}`)),
      ).rejects.toMatchObject({ code: AdapterErrorCode.NOT_FOUND });
    });
  });

  describe('mapping', () => {
    it('maps every ReturnStatus, in either case, to a stage', () => {
      expect(returnStage('REQUESTED', 0)).toBe('requested');
      expect(returnStage('requested', 0)).toBe('requested');
      expect(returnStage('OPEN', 0)).toBe('awaiting_return');
      expect(returnStage('open', 1)).toBe('awaiting_return');
      expect(returnStage('CLOSED', 0)).toBe('closed');
      expect(returnStage('closed', 2)).toBe('refunded');
      expect(returnStage('DECLINED', 0)).toBe('refused');
      expect(returnStage('canceled', 0)).toBe('cancelled');
      expect(() => returnStage('ARCHIVED', 0)).toThrow(AdapterError);
    });

    it('takes the delivery time from the latest delivered fulfillment of the order', () => {
      const ret = fetchedReturn();
      expect(mapShopifyReturn(ret).deliveredAt).toBeNull();
      ret.order.fulfillments = [
        { deliveredAt: '2026-11-20T08:00:00Z' },
        { deliveredAt: null },
        { deliveredAt: '2026-11-21T09:30:00Z' },
      ];
      expect(mapShopifyReturn(ret).deliveredAt).toEqual(new Date('2026-11-21T09:30:00Z'));
    });

    it('maps reasons to categories', () => {
      expect(SHOPIFY_RETURN_REASON_CATEGORY.DEFECTIVE).toBe('quality');
      expect(SHOPIFY_RETURN_REASON_CATEGORY.NOT_AS_DESCRIBED).toBe('quality');
      expect(SHOPIFY_RETURN_REASON_CATEGORY.WRONG_ITEM).toBe('logistics');
      expect(SHOPIFY_RETURN_REASON_CATEGORY.SIZE_TOO_SMALL).toBe('other');
      expect(SHOPIFY_RETURN_REASON_CATEGORY.OTHER).toBeUndefined();
    });

    it('maps a fetched return: ids as strings, decimal strings to cents, lines, reason and buyer', () => {
      const mapped = mapShopifyReturn(fetchedReturn());
      expect(mapped).toMatchObject({
        externalId: RETURN_ID,
        externalOrderId: '5512345678901234567',
        kind: 'return_refund',
        stage: 'awaiting_return',
        reason: '收到的杯子有破损，外包装也压坏了',
        reasonCode: 'DEFECTIVE',
        category: 'quality',
        // 1 × 39.90 + 2 × 29.90
        requestedAmount: { amountMinor: 9970, currency: 'USD' },
        refundedAmount: null,
        buyer: { externalId: '8123456789012345678', displayName: null, vip: false },
        platformVersion: null,
      });
      expect(mapped.items).toEqual([
        {
          sku: 'CUP-330-WHT',
          title: '陶瓷马克杯 330ml 白色',
          quantity: 1,
          unitPrice: { amountMinor: 3990, currency: 'USD' },
        },
        {
          sku: 'SOCKS-5PK',
          title: '运动袜 5双装',
          quantity: 2,
          unitPrice: { amountMinor: 2990, currency: 'USD' },
        },
      ]);
      expect(mapped.externalCreatedAt.toISOString()).toBe('2025-03-01T08:00:00.000Z');
      expect(mapped.externalUpdatedAt.toISOString()).toBe('2025-03-01T09:30:05.000Z');
    });

    it('sums refunds, reports a closed refunded return as refunded and exchanges as exchange', () => {
      const ret = fetchedReturn();
      ret.status = 'CLOSED';
      ret.closedAt = '2025-03-03T00:00:00Z';
      ret.exchangeLineItems = { nodes: [{ id: 'gid://shopify/ExchangeLineItem/1' }] };
      ret.refunds = {
        nodes: [
          {
            id: 'gid://shopify/Refund/1',
            createdAt: '2025-03-02T00:00:00Z',
            totalRefundedSet: { shopMoney: { amount: '19.95', currencyCode: 'USD' } },
          },
          {
            id: 'gid://shopify/Refund/2',
            createdAt: '2025-03-03T00:00:00Z',
            totalRefundedSet: { shopMoney: { amount: '0.05', currencyCode: 'USD' } },
          },
        ],
      };
      const mapped = mapShopifyReturn(ret);
      expect(mapped.stage).toBe('refunded');
      expect(mapped.kind).toBe('exchange');
      expect(mapped.refundedAmount).toEqual({ amountMinor: 2000, currency: 'USD' });
      expect(mapped.externalUpdatedAt.toISOString()).toBe('2025-03-03T00:00:00.000Z');
    });

    it('rejects a return it cannot normalise', () => {
      const ret = fetchedReturn();
      ret.createdAt = 'yesterday';
      expect(() => mapShopifyReturn(ret)).toThrow(AdapterError);
    });
  });

  describe('pull', () => {
    const page = (hasNextPage: boolean, endCursor: string | null) =>
      gqlReply({
        orders: {
          pageInfo: { hasNextPage, endCursor },
          nodes: [
            {
              id: 'gid://shopify/Order/5512345678901234567',
              updatedAt: '2025-03-01T09:30:05Z',
              returns: { nodes: [fetchedReturn()] },
            },
            {
              id: 'gid://shopify/Order/5512345678901234999',
              updatedAt: '2025-03-01T09:40:00Z',
              returns: { nodes: [] },
            },
          ],
        },
      });

    it('reads orders updated in the window page by page, then restarts five minutes before its end', async () => {
      const queries: GqlBody[] = [];
      const scope = nock(BASE)
        .post(PATH, (body: GqlBody) => queries.push(body) > 0)
        .reply(200, page(true, 'eyJsYXN0X2lkIjo1NTEyfQ=='))
        .post(PATH, (body: GqlBody) => queries.push(body) > 0)
        .reply(200, page(false, null));

      const first = await adapter.pull(ctx, null);
      expect(first.hasMore).toBe(true);
      expect(first.cases.map((c) => c.externalId)).toEqual([RETURN_ID]);
      const second = await adapter.pull(ctx, first.nextCursor);
      expect(second.hasMore).toBe(false);
      expect(scope.isDone()).toBe(true);

      expect(queries[0].operationName).toBe('PullOrders');
      expect(queries[0].variables).toEqual({
        first: 10,
        after: null,
        query: "updated_at:>'2025-03-01T12:00:00.000Z' AND updated_at:<='2025-03-02T12:00:00.000Z'",
      });
      expect(queries[1].variables.after).toBe('eyJsYXN0X2lkIjo1NTEyfQ==');
      expect(queries[1].variables.query).toBe(queries[0].variables.query);
      expect(JSON.parse(second.nextCursor ?? '')).toEqual({
        since: '2025-03-02T11:55:00.000Z',
        until: null,
        after: null,
      });
    });
  });

  describe('perform', () => {
    const ticket = {
      externalId: RETURN_ID,
      externalOrderId: '5512345678901234567',
      kind: 'return_refund' as const,
      stage: 'requested' as const,
      requestedAmount: { amountMinor: 9970, currency: 'USD' },
      platformVersion: null,
      raw: fetchedReturn(),
    };
    const transactions = gqlReply({
      order: {
        id: 'gid://shopify/Order/5512345678901234567',
        transactions: [
          {
            id: 'gid://shopify/OrderTransaction/1',
            kind: 'AUTHORIZATION',
            status: 'SUCCESS',
            gateway: 'shopify_payments',
            amountSet: { presentmentMoney: { amount: '99.70', currencyCode: 'USD' } },
          },
          {
            id: 'gid://shopify/OrderTransaction/2',
            kind: 'CAPTURE',
            status: 'SUCCESS',
            gateway: 'shopify_payments',
            amountSet: { presentmentMoney: { amount: '99.70', currencyCode: 'USD' } },
          },
        ],
      },
    });

    it('approves a return with returnApproveRequest and maps the returned Return', async () => {
      let sent: GqlBody | null = null;
      const scope = nock(BASE)
        .post(PATH, (body: GqlBody) => Boolean((sent = body)))
        .reply(200, gqlReply({ returnApproveRequest: { return: fetchedReturn(), userErrors: [] } }));
      const outcome = await adapter.perform(ctx, { type: 'approve_return', returnAddress: null }, ticket);
      expect(scope.isDone()).toBe(true);
      expect(sent).toMatchObject({
        operationName: 'ApproveReturn',
        variables: { input: { id: `gid://shopify/Return/${RETURN_ID}`, notifyCustomer: true } },
      });
      expect(outcome.updatedCase?.stage).toBe('awaiting_return');
    });

    it('declines with a ReturnDeclineReason, sending free text as OTHER plus a note of at most 500 chars', async () => {
      expect(declineInput('final_sale')).toEqual({ declineReason: 'FINAL_SALE' });
      expect(declineInput('超过退货期限')).toEqual({ declineReason: 'OTHER', declineNote: '超过退货期限' });
      expect(declineInput('x'.repeat(600)).declineNote).toHaveLength(500);
      expect(declineInput('已超过30天退货期', 'RETURN_PERIOD_ENDED')).toEqual({
        declineReason: 'RETURN_PERIOD_ENDED',
        declineNote: '已超过30天退货期',
      });
      let sent: GqlBody | null = null;
      nock(BASE)
        .post(PATH, (body: GqlBody) => Boolean((sent = body)))
        .reply(
          200,
          gqlReply({
            returnDeclineRequest: { return: { ...fetchedReturn(), status: 'DECLINED' }, userErrors: [] },
          }),
        );
      const outcome = await adapter.perform(
        ctx,
        { type: 'refuse_return', reason: '超过退货期限', reasonCode: null },
        ticket,
      );
      expect(sent).toMatchObject({
        operationName: 'DeclineReturn',
        variables: { input: { declineReason: 'OTHER', declineNote: '超过退货期限' } },
      });
      expect(outcome.updatedCase?.stage).toBe('refused');
    });

    const processed = () => {
      const fetched = JSON.parse(fixture('graphql-fetch-return.json')) as { data: { return: unknown } };
      return gqlReply({ returnProcess: { return: fetched.data.return, userErrors: [] } });
    };
    const refundTransfer = (amount: string) => ({
      issueRefund: {
        orderTransactions: [
          {
            parentId: 'gid://shopify/OrderTransaction/2',
            transactionAmount: { amount, currencyCode: 'USD' },
          },
        ],
      },
    });

    it('refunds the full request on the Return with returnProcess, processing the returned lines', async () => {
      const sent: GqlBody[] = [];
      const record = (body: GqlBody) => sent.push(body) > 0;
      const scope = nock(BASE)
        .post(PATH, record)
        .reply(200, fixture('graphql-fetch-return.json'))
        .post(PATH, record)
        .reply(200, transactions)
        .post(PATH, record)
        .reply(200, processed());
      const outcome = await adapter.perform(ctx, { type: 'approve_refund', amount: null }, ticket);
      expect(scope.isDone()).toBe(true);
      const refund = sent[2];
      expect(refund.operationName).toBe('ProcessReturn');
      expect(refund.query).toContain('returnProcess(input: $input)');
      expect(refund.variables.input).toEqual({
        returnId: `gid://shopify/Return/${RETURN_ID}`,
        returnLineItems: [
          { id: expect.stringMatching(/^gid:\/\/shopify\/ReturnLineItem\//), quantity: 1 },
          { id: expect.stringMatching(/^gid:\/\/shopify\/ReturnLineItem\//), quantity: 2 },
        ],
        notifyCustomer: true,
        note: 'Refund of return #1106-R2',
        financialTransfer: refundTransfer('99.70'),
      });
      expect(outcome.updatedCase?.externalId).toBe(RETURN_ID);
    });

    it('sends a partial amount as money only, leaving the lines processable', async () => {
      const sent: GqlBody[] = [];
      const record = (body: GqlBody) => sent.push(body) > 0;
      nock(BASE)
        .post(PATH, record)
        .reply(200, fixture('graphql-fetch-return.json'))
        .post(PATH, record)
        .reply(200, transactions)
        .post(PATH, record)
        .reply(200, processed());
      await adapter.perform(
        ctx,
        { type: 'approve_refund', amount: { amountMinor: 1995, currency: 'USD' } },
        ticket,
      );
      const input = sent[2].variables.input as { returnLineItems: unknown[]; financialTransfer: unknown };
      expect(input.returnLineItems).toEqual([]);
      expect(input.financialTransfer).toEqual(refundTransfer('19.95'));
    });

    it('has no refuse_refund or send_message upstream', async () => {
      await expect(adapter.perform(ctx, { type: 'send_message', text: 'hi' }, ticket)).rejects.toMatchObject({
        code: AdapterErrorCode.UNSUPPORTED,
      });
      expect(adapter.capabilities.actions).not.toContain('send_message');
      expect(adapter.capabilities.actions).not.toContain('refuse_refund');
    });
  });
});
