import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedUrlQuery } from 'node:querystring';
import { isDeepStrictEqual } from 'node:util';
import nock from 'nock';
import {
  AdapterError,
  AdapterErrorCode,
  WebhookSignatureError,
  type AdapterAction,
  type AdapterContext,
  type IncomingPush,
  type MarketplaceAdapter,
  type TicketForAction,
} from '../contract';
import { parseLosslessJson } from '../shared/lossless-json';
import { DOUYIN_PULL_WINDOW, DouyinAdapter } from './douyin.adapter';
import { douyinReceivedAt } from './douyin.delivery';
import { DOUYIN_STATE_CHANGED_SUB_CODE } from './douyin.errors';
import { mapDouyinDetail, mapDouyinListItem } from './douyin.mapper';
import { DOUYIN_PATHS, type DouyinDetailData, type DouyinListItem, type DouyinPath } from './douyin.types';
import { guardNock, rejection } from '../shared/testing/nock-guard';

const GATEWAY = 'https://openapi-fxg.jinritemai.com';
const adapter = new DouyinAdapter();
const fixtureText = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const NOW = new Date(1_700_003_600_000);
const NOW_SECONDS = 1_700_003_600;
const CREDENTIALS = { appKey: '7012345678901234567', appSecret: 'dy-secret-42', accessToken: 'dy-token' };

function context(credentials: Record<string, string> = {}): AdapterContext {
  return {
    connection: {
      id: 'conn-dy',
      tenantId: 'tenant-1',
      platform: 'douyin',
      shopId: '4463798',
      apiBaseUrl: adapter.defaultApiBaseUrl(),
      credentials: { ...CREDENTIALS, ...credentials },
    },
    limiter: { acquire: () => Promise.resolve() },
    now: () => NOW,
  };
}

/** The documented rule written out again, so requests are checked against it rather than against the client. */
function documentedSign(method: string, paramJson: string): string {
  const { appKey, appSecret } = CREDENTIALS;
  const pattern = `app_key${appKey}method${method}param_json${paramJson}timestamp${NOW_SECONDS}v2`;
  return createHmac('sha256', appSecret).update(`${appSecret}${pattern}${appSecret}`).digest('hex');
}

/**
 * Expects `paramJson` byte for byte as the body (so int64 ids must be bare digits and keys sorted), under a
 * query signed over that same text.
 */
function signedCall(scope: nock.Scope, path: DouyinPath, paramJson: string): nock.Interceptor {
  const method = path.slice(1).replace('/', '.');
  return (
    scope
      .matchHeader('content-type', /^application\/json/)
      // The official SDKs ask for the current error codes with this header; the error table assumes them.
      .matchHeader('x-open-no-old-err-code', '1')
      .post(path, paramJson)
      .query((query: ParsedUrlQuery) => {
        const { sign, ...unsigned } = query;
        const expected = {
          app_key: CREDENTIALS.appKey,
          method,
          timestamp: String(NOW_SECONDS),
          v: '2',
          sign_method: 'hmac-sha256',
          access_token: CREDENTIALS.accessToken,
        };
        return isDeepStrictEqual(unsigned, expected) && sign === documentedSign(method, paramJson);
      })
  );
}

const listItems = (
  parseLosslessJson(fixtureText('aftersale-list.json')) as { data: { items: DouyinListItem[] } }
).data.items;
const detailData = (parseLosslessJson(fixtureText('aftersale-detail.json')) as { data: DouyinDetailData })
  .data;
const DETAIL_PARAMS = '{"after_sale_id":"7098765432109876543"}';

const ticket: TicketForAction = {
  externalId: '7098765432109876543',
  externalOrderId: '4891234567890123400',
  kind: 'return_refund',
  stage: 'requested',
  requestedAmount: { amountMinor: 3900, currency: 'CNY' },
  platformVersion: '1700000300',
  raw: listItems[0],
};

const { unmatched } = guardNock();

describe('Douyin mapping', () => {
  it('maps a list item: string ids, fen amounts including postage, update_time as the version', () => {
    expect(mapDouyinListItem(listItems[0])).toMatchObject({
      externalId: '7098765432109876543',
      externalOrderId: '4891234567890123400',
      kind: 'return_refund',
      stage: 'requested',
      reason: '收到的杯子有破损，外包装也压坏了',
      reasonCode: '101',
      requestedAmount: { amountMinor: 3900, currency: 'CNY' },
      refundedAmount: null,
      items: [
        { sku: 'CUP-330-WHT', title: '陶瓷马克杯 330ml 白色', quantity: 1, unitPrice: { amountMinor: 3900 } },
      ],
      platformVersion: '1700000300',
      platformDeadlineAt: new Date(1_700_172_800_000),
      externalUpdatedAt: new Date(1_700_000_300_000),
    });
    expect(mapDouyinListItem(listItems[1])).toMatchObject({
      kind: 'refund_only',
      stage: 'refunded',
      requestedAmount: { amountMinor: 13500 },
      refundedAmount: { amountMinor: 13500 },
      platformDeadlineAt: null,
    });
  });

  it('maps the detail, whose int64 ids arrive as bare numbers', () => {
    expect(mapDouyinDetail(detailData)).toMatchObject({
      externalId: '7098765432109876543',
      externalOrderId: '4891234567890123400',
      stage: 'awaiting_return',
      reason: '收到的杯子有破损，外包装也压坏了：杯口有裂缝',
      reasonCode: '101',
      evidence: ['https://p3-aftersale.ecombdimg.com/obj/evidence-1.jpeg'],
      items: [{ sku: 'CUP-330-WHT', quantity: 1, unitPrice: { amountMinor: 3900 } }],
      platformVersion: '1700000900',
    });
  });

  it.each([
    [6, 'requested'],
    [7, 'awaiting_return'],
    [8, 'return_received'],
    [11, 'return_shipped'],
    [12, 'refunded'],
    [13, 'exchange_shipped'],
    [14, 'closed'],
    [27, 'refused'],
    [28, 'closed'],
    [29, 'refused'],
  ])('status %i is stage %s', (status, stage) => {
    const item = {
      ...listItems[0],
      aftersale_info: { ...listItems[0].aftersale_info, aftersale_status: status },
    };
    expect(mapDouyinListItem(item).stage).toBe(stage);
  });

  it.each([
    [0, 'return_refund'],
    [1, 'refund_only'],
    [2, 'refund_only'],
    [3, 'exchange'],
    [7, 'reissue'],
    [8, 'repair'],
  ])('type %i is kind %s', (type, kind) => {
    const item = {
      ...listItems[0],
      aftersale_info: { ...listItems[0].aftersale_info, aftersale_type: type },
    };
    expect(mapDouyinListItem(item).kind).toBe(kind);
  });

  it('puts a case under arbitration while customer service decides, and rejects unknown statuses', () => {
    const arbitrating = {
      ...listItems[0],
      aftersale_info: { ...listItems[0].aftersale_info, arbitrate_status: 1 },
    };
    expect(mapDouyinListItem(arbitrating).stage).toBe('arbitration');
    const unknown = {
      ...listItems[0],
      aftersale_info: { ...listItems[0].aftersale_info, aftersale_status: 99 },
    };
    expect(() => mapDouyinListItem(unknown)).toThrow(AdapterError);
  });
});

describe('DouyinAdapter.verifyWebhook', () => {
  const rawBody = readFileSync(join(__dirname, '__fixtures__', 'push-aftersale.json'));
  // md5('7012345678901234567' + <the fixture's bytes> + 'dy-secret-42'), computed once with node:crypto.
  const EVENT_SIGN = '67c9604319dff8afae580aa0ace4719c';
  const push = (headers: IncomingPush['headers'], body = rawBody): IncomingPush => ({
    rawBody: body,
    headers,
    query: {},
  });

  it('verifies event-sign and splits the array into one event per message', () => {
    const verified = adapter.verifyWebhook(push({ 'event-sign': EVENT_SIGN }), context().connection);
    expect(verified.reply).toEqual({ status: 200, body: { code: 0, msg: 'success' } });
    expect(
      verified.events.map(({ dedupeKey, eventType, externalId }) => ({ dedupeKey, eventType, externalId })),
    ).toEqual([
      { dedupeKey: '7103364211573720621', eventType: 'RefundCreated', externalId: '7098765432109876543' },
      { dedupeKey: '7103364211573720622', eventType: 'tag_100', externalId: null },
    ]);
    const stored = parseLosslessJson(verified.events[0].payload) as { data: string };
    expect(stored.data).toContain('"aftersale_id":7098765432109876543');
  });

  it('rejects a wrong, missing or body-mismatched signature', () => {
    const connection = context().connection;
    expect(() =>
      adapter.verifyWebhook(push({ 'event-sign': EVENT_SIGN.replace('6', '7') }), connection),
    ).toThrow(WebhookSignatureError);
    expect(() => adapter.verifyWebhook(push({}), connection)).toThrow(WebhookSignatureError);
    const tampered = Buffer.from(rawBody.toString('utf8').replace('3900', '9900'));
    expect(() => adapter.verifyWebhook(push({ 'event-sign': EVENT_SIGN }, tampered), connection)).toThrow(
      WebhookSignatureError,
    );
  });

  it('at the app-level URL, names each message by the shop_id inside its data, exactly', () => {
    const app = { appKey: CREDENTIALS.appKey, credentials: CREDENTIALS };
    const verified = adapter.verifyAppPush(push({ 'event-sign': EVENT_SIGN }), app);
    expect(verified.reply).toEqual({ status: 200, body: { code: 0, msg: 'success' } });
    expect(verified.messages.map((message) => message.shopKeys)).toEqual([['4463798'], ['4463798']]);
    expect(verified.messages[0].event.externalId).toBe('7098765432109876543');
  });

  it('at the app-level URL, refuses another secret and an app-id header naming another app', () => {
    const app = { appKey: CREDENTIALS.appKey, credentials: CREDENTIALS };
    expect(() =>
      adapter.verifyAppPush(push({ 'event-sign': EVENT_SIGN }), {
        ...app,
        credentials: { ...CREDENTIALS, appSecret: 'another' },
      }),
    ).toThrow(WebhookSignatureError);
    expect(() =>
      adapter.verifyAppPush(push({ 'event-sign': EVENT_SIGN, 'app-id': '7000000000000000001' }), app),
    ).toThrow(WebhookSignatureError);
    expect(
      adapter.verifyAppPush(push({ 'event-sign': EVENT_SIGN, 'app-id': CREDENTIALS.appKey }), app).messages,
    ).toHaveLength(2);
  });

  it('resolves an after-sales message by re-reading the case, and ignores other tags', async () => {
    const verified = adapter.verifyWebhook(push({ 'event-sign': EVENT_SIGN }), context().connection);
    const scope = signedCall(nock(GATEWAY), DOUYIN_PATHS.detail, DETAIL_PARAMS).reply(
      200,
      fixtureText('aftersale-detail.json'),
    );
    const resolved = await adapter.resolveEvent(context(), verified.events[0]);
    expect(resolved).toMatchObject({ externalId: '7098765432109876543', stage: 'awaiting_return' });
    expect(await adapter.resolveEvent(context(), verified.events[1])).toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  it('refuses to resolve a payload that is not a message', async () => {
    const event = { dedupeKey: 'x', eventType: 'RefundCreated', externalId: null, payload: '[1,2]' };
    expect((await rejection(adapter.resolveEvent(context(), event))).code).toBe(AdapterErrorCode.INVALID);
  });
});

/** The shop order of the requested case in the list fixture, as `/order/orderDetail` is asked for it. */
const orderDetailCall = (scope: nock.Scope, shopOrderId = '4891234567890123400') =>
  signedCall(scope, DOUYIN_PATHS.orderDetail, `{"shop_order_id":"${shopOrderId}"}`);

describe('DouyinAdapter.pull', () => {
  const listParams = (start: number, end: number, page: number) =>
    `{"order_by":["update_time asc"],"page":${page},"size":100,"update_end_time":${end},"update_start_time":${start}}`;

  it('reads by update time from a day back, ordered by update_time, pages from 0', async () => {
    const start = NOW_SECONDS - DOUYIN_PULL_WINDOW.lookbackMs / 1000;
    const scope = signedCall(nock(GATEWAY), DOUYIN_PATHS.list, listParams(start, NOW_SECONDS, 0)).reply(
      200,
      fixtureText('aftersale-list.json'),
    );
    orderDetailCall(scope).reply(200, fixtureText('order-detail.json'));
    const page = await new DouyinAdapter().pull(context(), null);
    expect(scope.isDone()).toBe(true);
    expect(page.cases.map((found) => found.externalId)).toEqual([
      '7098765432109876543',
      '7098765432109876544',
    ]);
    // The requested case carries its own sub-order's delivery, not the other line's; the refunded one none.
    expect(page.cases.map((found) => found.deliveredAt ?? null)).toEqual([new Date(1_699_880_000_000), null]);
    expect(page.hasMore).toBe(false);
    expect(JSON.parse(page.nextCursor!)).toEqual({ start: (NOW_SECONDS - 300) * 1000, end: null, page: 0 });
  });

  it('continues from the last update_time while has_more, so updated cases cannot shift pages', async () => {
    const scope = signedCall(
      nock(GATEWAY),
      DOUYIN_PATHS.list,
      listParams(1_700_000_000, NOW_SECONDS, 0),
    ).reply(200, fixtureText('aftersale-list.json').replace('"has_more": false', '"has_more": true'));
    orderDetailCall(scope).reply(200, fixtureText('order-detail.json'));
    const cursor = JSON.stringify({ start: 1_700_000_000_000, end: null, page: 0 });
    const page = await new DouyinAdapter().pull(context(), cursor);
    expect(scope.isDone()).toBe(true);
    expect(page.hasMore).toBe(true);
    expect(JSON.parse(page.nextCursor!)).toEqual({
      start: 1_700_000_400_000,
      end: NOW_SECONDS * 1000,
      page: 0,
    });
  });

  it('turns the page when a whole page shares the window start, so it cannot loop', async () => {
    const scope = signedCall(
      nock(GATEWAY),
      DOUYIN_PATHS.list,
      listParams(1_700_000_400, NOW_SECONDS, 0),
    ).reply(200, fixtureText('aftersale-list.json').replace('"has_more": false', '"has_more": true'));
    orderDetailCall(scope).reply(200, fixtureText('order-detail.json'));
    // A cursor stored in seconds, as this adapter wrote them before, reads the same.
    const cursor = JSON.stringify({ start: 1_700_000_400, end: null, page: 0 });
    const page = await new DouyinAdapter().pull(context(), cursor);
    expect(scope.isDone()).toBe(true);
    expect(JSON.parse(page.nextCursor!)).toEqual({
      start: 1_700_000_400_000,
      end: NOW_SECONDS * 1000,
      page: 1,
    });
  });

  it('maps an expired token on the list call to AUTH', async () => {
    const scope = signedCall(
      nock(GATEWAY),
      DOUYIN_PATHS.list,
      listParams(NOW_SECONDS - 600, NOW_SECONDS, 0),
    ).reply(200, fixtureText('error-token-expired.json'));
    const cursor = JSON.stringify({ start: NOW_SECONDS - 600, end: null, page: 0 });
    expect((await rejection(adapter.pull(context(), cursor))).code).toBe(AdapterErrorCode.AUTH);
    expect(scope.isDone()).toBe(true);
  });
});

describe('Douyin delivery times', () => {
  it('takes the buyer confirmation where the carrier gave no time, and none while nothing arrived', async () => {
    const confirmedOnly = fixtureText('order-detail.json').replace(
      '"logistics_receipt_time": 1699880000,\n          "confirm_receipt_time": 0',
      '"logistics_receipt_time": 0,\n          "confirm_receipt_time": 1699885000',
    );
    const scope = nock(GATEWAY);
    orderDetailCall(scope).reply(200, confirmedOnly);
    orderDetailCall(scope, '4891234567890123401').reply(
      200,
      fixtureText('order-detail.json')
        .replace(/"logistics_receipt_time": \d+/g, '"logistics_receipt_time": 0')
        .replace(/"confirm_receipt_time": \d+/g, '"confirm_receipt_time": 0'),
    );
    const [first, second] = listItems.map((row) => ({
      ...mapDouyinListItem(row),
      stage: 'requested' as const,
    }));
    const filled = [await douyinReceivedAt(context(), first), await douyinReceivedAt(context(), second)];
    expect(scope.isDone()).toBe(true);
    expect(filled).toEqual([new Date(1_699_885_000_000), null]);
  });

  it('fails a throttled order read, so the case is read again later', async () => {
    const scope = nock(GATEWAY);
    signedCall(scope, DOUYIN_PATHS.detail, DETAIL_PARAMS).reply(
      200,
      fixtureText('aftersale-detail.json').replace(/"after_sale_status":\s*\d+/, '"after_sale_status": 6'),
    );
    orderDetailCall(scope, String(detailData.order_info?.shop_order_id)).reply(
      200,
      fixtureText('error-service-unavailable.json'),
    );
    const error = await rejection(new DouyinAdapter().fetchCase(context(), '7098765432109876543'));
    expect(error.code).toBe(AdapterErrorCode.TEMPORARY);
    expect(scope.isDone()).toBe(true);
  });
});

describe('DouyinAdapter.perform', () => {
  /** The operate body for the ticket's case, under its update_time lock. */
  const operateParams = (type: number, fields = '') =>
    `{"items":[{"aftersale_id":"7098765432109876543",${fields}"update_time":1700000300}],"type":${type}}`;
  const operateThenDetail = (type: number, fields = '') => {
    const scope = nock(GATEWAY);
    signedCall(scope, DOUYIN_PATHS.operate, operateParams(type, fields)).reply(
      200,
      fixtureText('aftersale-operate.json'),
    );
    return signedCall(scope, DOUYIN_PATHS.detail, DETAIL_PARAMS).reply(
      200,
      fixtureText('aftersale-detail.json'),
    );
  };

  it('agrees a return with the saved address id and the update_time lock, then re-reads', async () => {
    const scope = operateThenDetail(101, '"logistics":{"receiver_address_id":5567891234567890123},');
    // Douyin has no idempotency parameter, so the key the hub passes must not reach param_json.
    const asHub: MarketplaceAdapter = adapter;
    const outcome = await asHub.perform(
      context(),
      {
        type: 'approve_return',
        returnAddress: {
          name: '张三',
          phone: '13800138000',
          address: '娄山关路 523 号',
          externalAddressId: '5567891234567890123',
        },
      },
      ticket,
      { idempotencyKey: 'act-1' },
    );
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase?.stage).toBe('awaiting_return');
  });

  it('refuses a spelled-out return address without calling: after_sale_address_detail was retired', async () => {
    const error = await rejection(
      adapter.perform(
        context(),
        {
          type: 'approve_return',
          returnAddress: { name: '张三', phone: '13800138000', address: '娄山关路 523 号', city: '上海市' },
        },
        ticket,
      ),
    );
    expect(error.code).toBe(AdapterErrorCode.INVALID);
    expect(error.message).toContain('receiver_address_id');
    expect(unmatched).toEqual([]);
  });

  it('maps the console-only refusal 11001 to UNSUPPORTED', async () => {
    const scope = nock(GATEWAY);
    signedCall(scope, DOUYIN_PATHS.operate, operateParams(201)).reply(
      200,
      JSON.stringify({
        code: 50002,
        msg: '业务处理失败',
        sub_code: 'isv.business-failed:11001',
        sub_msg: '暂不支持通过OPEN处理，请登录抖店后台人工审核售后单',
      }),
    );
    const error = await rejection(
      adapter.perform(context(), { type: 'approve_refund', amount: null }, ticket),
    );
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(AdapterErrorCode.UNSUPPORTED);
  });

  it('agrees a refund-only case with type 201, and a returned parcel with the second-stage type', async () => {
    const first = operateThenDetail(201);
    await adapter.perform(
      context(),
      { type: 'approve_refund', amount: null },
      { ...ticket, kind: 'refund_only' },
    );
    expect(first.isDone()).toBe(true);
    const second = operateThenDetail(111);
    await adapter.perform(
      context(),
      { type: 'approve_refund', amount: null },
      { ...ticket, stage: 'return_shipped' },
    );
    expect(second.isDone()).toBe(true);
  });

  it('refuses a refund-only case with type 202 and the reject reason code as a number', async () => {
    const scope = operateThenDetail(
      202,
      '"reason":"商品已签收且无质量问题","reject_reason_code":23,"remark":"商品已签收且无质量问题",',
    );
    await adapter.perform(
      context(),
      { type: 'refuse_refund', reason: '商品已签收且无质量问题', reasonCode: '23' },
      { ...ticket, kind: 'refund_only' },
    );
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a return request with the reject-return type and the reject reason code', async () => {
    const scope = operateThenDetail(
      102,
      '"reason":"商品已影响二次销售","reject_reason_code":12,"remark":"商品已影响二次销售",',
    );
    const outcome = await adapter.perform(
      context(),
      { type: 'refuse_return', reason: '商品已影响二次销售', reasonCode: '12' },
      ticket,
    );
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase?.externalId).toBe('7098765432109876543');
  });

  it.each<[string, AdapterAction]>([
    ['refuse_refund without a code', { type: 'refuse_refund', reason: '不同意', reasonCode: null }],
    [
      'refuse_refund with a label for a code',
      { type: 'refuse_refund', reason: '不同意', reasonCode: '外观破损' },
    ],
    ['refuse_return without a code', { type: 'refuse_return', reason: '不同意', reasonCode: null }],
    ['refuse_return with an empty code', { type: 'refuse_return', reason: '不同意', reasonCode: '' }],
    [
      'refuse_return with a code in exponent form',
      { type: 'refuse_return', reason: '不同意', reasonCode: '1e3' },
    ],
  ])('rejects %s as INVALID without calling', async (_, action) => {
    expect((await rejection(adapter.perform(context(), action, ticket))).code).toBe(AdapterErrorCode.INVALID);
    expect(unmatched).toEqual([]);
  });

  it('does not refuse a return on a refund-only case', async () => {
    const action: AdapterAction = { type: 'refuse_return', reason: '不同意', reasonCode: '12' };
    const refundOnly = { ...ticket, kind: 'refund_only' as const };
    expect((await rejection(adapter.perform(context(), action, refundOnly))).code).toBe(
      AdapterErrorCode.INVALID,
    );
    expect(unmatched).toEqual([]);
  });

  it('maps a stale update_time to CONFLICT and a refused item to INVALID', async () => {
    const scope = nock(GATEWAY);
    signedCall(scope, DOUYIN_PATHS.operate, operateParams(201)).reply(
      200,
      JSON.stringify({
        code: 50002,
        msg: '业务处理失败',
        sub_code: DOUYIN_STATE_CHANGED_SUB_CODE,
        sub_msg: '售后状态错误',
      }),
    );
    signedCall(scope, DOUYIN_PATHS.operate, operateParams(201)).reply(
      200,
      fixtureText('aftersale-operate-item-failed.json'),
    );
    const approve = () => adapter.perform(context(), { type: 'approve_refund', amount: null }, ticket);
    expect((await rejection(approve())).code).toBe(AdapterErrorCode.CONFLICT);
    const refused = await rejection(approve());
    expect(scope.isDone()).toBe(true);
    expect(refused.code).toBe(AdapterErrorCode.INVALID);
    expect(refused.message).toContain('当前售后状态不支持同意退款');
  });

  it.each<AdapterAction>([{ type: 'confirm_return_received' }, { type: 'send_message', text: 'x' }])(
    '$type is UNSUPPORTED',
    async (action) => {
      expect((await rejection(adapter.perform(context(), action, ticket))).code).toBe(
        AdapterErrorCode.UNSUPPORTED,
      );
    },
  );

  it('declares refuse_return, allowed only while the return request awaits the merchant', () => {
    expect(adapter.capabilities.actions).toEqual([
      'approve_refund',
      'refuse_refund',
      'approve_return',
      'refuse_return',
    ]);
    expect(adapter.capabilities.actionStages.refuse_return).toEqual(['requested']);
  });
});
