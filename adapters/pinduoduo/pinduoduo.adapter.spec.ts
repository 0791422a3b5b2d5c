import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import nock from 'nock';
import {
  AdapterError,
  AdapterErrorCode,
  type AdapterAction,
  type AdapterContext,
  type MarketplaceAdapter,
  type TicketForAction,
} from '../contract';
import { parseLosslessJson } from '../shared/lossless-json';
import { PDD_PULL_WINDOW, PDD_RETURN_AGREE_NOTE, PinduoduoAdapter } from './pinduoduo.adapter';
import { mapPddListItem, mapPddRefundInformation } from './pinduoduo.mapper';
import {
  PDD_METHODS,
  type PddMethod,
  type PddRefundInformation,
  type PddRefundListItem,
} from './pinduoduo.types';
import { guardNock, rejection } from '../shared/testing/nock-guard';

const GATEWAY = 'https://gw-api.pinduoduo.com';
const ROUTER = '/api/router';
const adapter = new PinduoduoAdapter();
const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const NOW = new Date('2021-07-07T06:30:00Z');
const NOW_SECONDS = NOW.getTime() / 1000;
const CREDENTIALS = { clientId: 'cid', clientSecret: 'secret', accessToken: 'token' };

type PddForm = Record<string, string>;

function context(credentials: Record<string, string> = {}): AdapterContext {
  return {
    connection: {
      id: 'conn-1',
      tenantId: 'tenant-1',
      platform: 'pinduoduo',
      shopId: '171504183',
      apiBaseUrl: adapter.defaultApiBaseUrl(),
      credentials: { ...CREDENTIALS, ...credentials },
    },
    limiter: { acquire: () => Promise.resolve() },
    now: () => NOW,
  };
}

/** The documented rule written out again, so requests are checked against it rather than against the client. */
function documentedSign(form: PddForm): string {
  const pairs = Object.keys(form)
    .filter((key) => key !== 'sign')
    .sort()
    .map((key) => `${key}${form[key]}`)
    .join('');
  return createHash('md5')
    .update(`${CREDENTIALS.clientSecret}${pairs}${CREDENTIALS.clientSecret}`)
    .digest('hex')
    .toUpperCase();
}

/** Matches a form holding the common parameters for NOW and exactly these business ones, correctly signed. */
function signedForm(type: PddMethod, business: PddForm = {}) {
  return (form: PddForm): boolean => {
    const { sign, ...unsigned } = form;
    const expected = {
      type,
      client_id: CREDENTIALS.clientId,
      access_token: CREDENTIALS.accessToken,
      timestamp: String(NOW_SECONDS),
      data_type: 'JSON',
      version: 'V1',
      ...business,
    };
    return isDeepStrictEqual(unsigned, expected) && sign === documentedSign(form);
  };
}

const gateway = () =>
  nock(GATEWAY, { reqheaders: { 'content-type': /^application\/x-www-form-urlencoded/ } });
const emptyPage = '{"refund_increment_get_response":{"total_count":0,"refund_list":[]}}';

const listRows = (
  parseLosslessJson(fixture('refund-increment-get.json')) as {
    refund_increment_get_response: { refund_list: PddRefundListItem[] };
  }
).refund_increment_get_response.refund_list;
const detail = parseLosslessJson(fixture('refund-information-get.json')) as PddRefundInformation;

const ticket: TicketForAction = {
  externalId: '7381745730123456789',
  externalOrderId: '210707-339507978993455',
  kind: 'refund_only',
  stage: 'requested',
  requestedAmount: { amountMinor: 12990, currency: 'CNY' },
  platformVersion: null,
  raw: listRows[0],
};
const detailParams = { after_sales_id: '7381745730123456789', order_sn: '210707-339507978993455' };

const { unmatched } = guardNock();

describe('Pinduoduo mapping', () => {
  it('keeps 19-digit ids as strings and converts yuan strings to fen', () => {
    const mapped = mapPddListItem(listRows[0]);
    expect(mapped).toMatchObject({
      externalId: '7381745730123456789',
      externalOrderId: '210707-339507978993455',
      kind: 'refund_only',
      stage: 'requested',
      requestedAmount: { amountMinor: 12990, currency: 'CNY' },
      refundedAmount: null,
      items: [
        { sku: 'BLENDER-600', title: '便携榨汁机 600ml', quantity: 2, unitPrice: { amountMinor: 12990 } },
      ],
      reason: '快递一直没收到，物流信息一周没更新',
      platformVersion: null,
    });
    expect(mapped.externalCreatedAt.toISOString()).toBe('2021-07-07T05:57:05.000Z');
  });

  it('reads status 3 with a return tracking number as the parcel being on its way back', () => {
    expect(mapPddListItem(listRows[1])).toMatchObject({ kind: 'return_refund', stage: 'return_shipped' });
    expect(mapPddListItem({ ...listRows[1], tracking_number: '' }).stage).toBe('requested');
  });

  it('maps a refunded exchange and fills the refunded amount', () => {
    expect(mapPddListItem(listRows[2])).toMatchObject({
      kind: 'exchange',
      stage: 'refunded',
      refundedAmount: { amountMinor: 8900, currency: 'CNY' },
    });
  });

  it.each([
    [2, 'refund_only'],
    [3, 'return_refund'],
    [4, 'exchange'],
    [5, 'reissue'],
  ])('list type %i is %s', (type, kind) => {
    expect(mapPddListItem({ ...listRows[0], after_sales_type: type }).kind).toBe(kind);
  });

  it.each([
    [1, 'refund_only'],
    [2, 'return_refund'],
    [3, 'exchange'],
    [4, 'reissue'],
    [5, 'repair'],
  ])('detail type %i is %s (numbered differently from the list)', (type, kind) => {
    expect(mapPddRefundInformation({ ...detail, after_sales_type: type }).kind).toBe(kind);
  });

  it.each([
    [4, 'refunding'],
    [6, 'refused'],
    [7, 'awaiting_return'],
    [8, 'arbitration'],
    [10, 'refunded'],
    [11, 'cancelled'],
    [16, 'closed'],
  ])('status %i is stage %s', (status, stage) => {
    expect(mapPddRefundInformation({ ...detail, after_sales_status: status }).stage).toBe(stage);
  });

  it('reads detail amounts as fen, keeps evidence and rejects unknown codes', () => {
    const mapped = mapPddRefundInformation(detail);
    expect(mapped).toMatchObject({
      externalId: '7381745730123456789',
      requestedAmount: { amountMinor: 12990, currency: 'CNY' },
      evidence: ['https://img.pddpic.com/refund/6f1e2c.jpeg'],
    });
    expect(mapped.externalUpdatedAt.toISOString()).toBe('2021-07-07T07:02:11.000Z');
    expect(() => mapPddRefundInformation({ ...detail, after_sales_status: 99 })).toThrow(AdapterError);
  });
});

const orderInformation = (orderSn: string) => signedForm(PDD_METHODS.orderInformation, { order_sn: orderSn });

describe('PinduoduoAdapter.pull', () => {
  const listPage = (start: number, end: number, page: number) =>
    signedForm(PDD_METHODS.refundList, {
      after_sales_status: '1',
      after_sales_type: '1',
      start_updated_at: String(start),
      end_updated_at: String(end),
      page: String(page),
      page_size: '100',
    });

  it('starts a day back in a 30-minute window and pages while total_count says so', async () => {
    const start = NOW_SECONDS - PDD_PULL_WINDOW.lookbackMs / 1000;
    const end = start + 30 * 60;
    const first = fixture('refund-increment-get.json').replace('"total_count": 3', '"total_count": 150');
    const scope = gateway()
      .post(ROUTER, listPage(start, end, 1))
      .reply(200, first)
      .post(ROUTER, orderInformation('210707-339507978993455'))
      .reply(200, fixture('order-information-get.json'))
      .post(ROUTER, listPage(start, end, 2))
      .reply(200, '{"refund_increment_get_response":{"total_count":150,"refund_list":[]}}');

    const page1 = await adapter.pull(context(), null);
    expect(page1.cases.map((found) => found.externalId)).toEqual([
      '7381745730123456789',
      '7381745730123456790',
      '7381745730123456791',
    ]);
    expect(page1.hasMore).toBe(true);
    // The requested case carries its order's receive_time (GMT+8); the return on its way back needs none.
    expect(page1.cases.map((found) => found.deliveredAt ?? null)).toEqual([
      new Date('2021-07-04T10:30:05Z'),
      null,
      null,
    ]);

    const page2 = await adapter.pull(context(), page1.nextCursor);
    expect(scope.isDone()).toBe(true);
    expect(page2.hasMore).toBe(true);
    expect(JSON.parse(page2.nextCursor!)).toEqual({ start: (end - 5 * 60) * 1000, end: null, page: 1 });
  });

  it('stops at now with a 5-minute overlap kept for the next run, from a cursor stored in seconds', async () => {
    const scope = gateway()
      .post(ROUTER, listPage(NOW_SECONDS - 600, NOW_SECONDS, 1))
      .reply(200, emptyPage)
      .post(ROUTER, listPage(NOW_SECONDS - 300, NOW_SECONDS, 1))
      .reply(200, emptyPage);
    const cursor = JSON.stringify({ start: NOW_SECONDS - 600, end: null, page: 1 });
    const page = await adapter.pull(context(), cursor);
    expect(page.hasMore).toBe(false);
    expect(JSON.parse(page.nextCursor!)).toEqual({ start: (NOW_SECONDS - 300) * 1000, end: null, page: 1 });
    await adapter.pull(context(), page.nextCursor);
    expect(scope.isDone()).toBe(true);
  });

  it('maps a throttled list call to RATE_LIMITED and an expired token to AUTH', async () => {
    const scope = gateway()
      .post(ROUTER, listPage(NOW_SECONDS - 600, NOW_SECONDS, 1))
      .reply(200, fixture('error-throttled.json'))
      .post(ROUTER, listPage(NOW_SECONDS - 600, NOW_SECONDS, 1))
      .reply(200, fixture('error-token-expired.json'));
    const cursor = JSON.stringify({ start: NOW_SECONDS - 600, end: null, page: 1 });
    expect((await rejection(adapter.pull(context(), cursor))).code).toBe(AdapterErrorCode.RATE_LIMITED);
    expect((await rejection(adapter.pull(context(), cursor))).code).toBe(AdapterErrorCode.AUTH);
    expect(scope.isDone()).toBe(true);
  });

  it('rejects a cursor it did not write', async () => {
    expect((await rejection(adapter.pull(context(), 'garbage'))).code).toBe(AdapterErrorCode.INVALID);
  });
});

describe('PinduoduoAdapter.fetchCase', () => {
  it('reads the case by the order number given beside the after-sales id', async () => {
    const scope = gateway()
      .post(ROUTER, signedForm(PDD_METHODS.refundInformation, detailParams))
      .reply(200, fixture('refund-information-get.json'));
    const found = await adapter.fetchCase(context(), '7381745730123456789', '210707-339507978993455');
    expect(scope.isDone()).toBe(true);
    expect(found).toMatchObject({
      externalId: '7381745730123456789',
      externalOrderId: '210707-339507978993455',
      stage: 'refunding',
    });
  });

  it('reads the receipt time of a requested case once per order, and keeps a case whose order read fails', async () => {
    const fresh = new PinduoduoAdapter();
    const requested = fixture('refund-information-get.json').replace(
      /"after_sales_status":\s*4/,
      '"after_sales_status": 2',
    );
    const scope = gateway()
      .post(ROUTER, signedForm(PDD_METHODS.refundInformation, detailParams))
      .times(2)
      .reply(200, requested)
      .post(ROUTER, orderInformation('210707-339507978993455'))
      .reply(200, fixture('order-information-get.json'));
    const first = await fresh.fetchCase(context(), '7381745730123456789', '210707-339507978993455');
    const again = await fresh.fetchCase(context(), '7381745730123456789', '210707-339507978993455');
    expect(scope.isDone()).toBe(true);
    expect(first).toMatchObject({ stage: 'requested', deliveredAt: new Date('2021-07-04T10:30:05Z') });
    expect(again.deliveredAt).toEqual(first.deliveredAt);

    const other = new PinduoduoAdapter();
    const failing = gateway()
      .post(ROUTER, signedForm(PDD_METHODS.refundInformation, detailParams))
      .times(2)
      .reply(200, requested)
      .post(ROUTER, orderInformation('210707-339507978993455'))
      .reply(200, fixture('error-throttled.json'))
      .post(ROUTER, orderInformation('210707-339507978993455'))
      .reply(200, '{"error_response":{"error_code":10000,"error_msg":"订单不存在","request_id":"1"}}');
    const throttled = await rejection(
      other.fetchCase(context(), '7381745730123456789', '210707-339507978993455'),
    );
    expect(throttled.code).toBe(AdapterErrorCode.RATE_LIMITED);
    const unknown = await other.fetchCase(context(), '7381745730123456789', '210707-339507978993455');
    expect(failing.isDone()).toBe(true);
    expect(unknown.deliveredAt ?? null).toBeNull();
  });

  it('needs the order number to read a case', async () => {
    expect((await rejection(adapter.fetchCase(context(), '7381745730123456789'))).code).toBe(
      AdapterErrorCode.INVALID,
    );
    expect((await rejection(adapter.fetchCase(context(), '7381745730123456789', null))).code).toBe(
      AdapterErrorCode.INVALID,
    );
  });
});

describe('PinduoduoAdapter.perform', () => {
  const agreeRequest = JSON.stringify(detailParams);

  it('agrees a refund with the request object JSON-encoded, then re-reads the case', async () => {
    const scope = gateway()
      .post(ROUTER, signedForm(PDD_METHODS.refundAgree, { request: agreeRequest }))
      .reply(200, fixture('refund-agree.json'))
      .post(ROUTER, signedForm(PDD_METHODS.refundInformation, detailParams))
      .reply(200, fixture('refund-information-get.json'));
    // PDD has no idempotency parameter, so the key the hub passes must not reach the signed form.
    const asHub: MarketplaceAdapter = adapter;
    const outcome = await asHub.perform(context(), { type: 'approve_refund', amount: null }, ticket, {
      idempotencyKey: 'act-1',
    });
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase).toMatchObject({ externalId: '7381745730123456789', stage: 'refunding' });
  });

  it('turns succ:false into INVALID with the platform message', async () => {
    const scope = gateway()
      .post(ROUTER, signedForm(PDD_METHODS.refundAgree, { request: agreeRequest }))
      .reply(200, fixture('refund-agree-refused.json'));
    const error = await rejection(
      adapter.perform(context(), { type: 'approve_refund', amount: null }, ticket),
    );
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(AdapterErrorCode.INVALID);
    expect(error.message).toContain('当前售后状态不允许同意退款');
  });

  it('refuses a partial amount, which pdd.refund.agree cannot carry, without calling', async () => {
    const action = { type: 'approve_refund' as const, amount: { amountMinor: 100, currency: 'CNY' } };
    expect((await rejection(adapter.perform(context(), action, ticket))).code).toBe(AdapterErrorCode.INVALID);
    expect(unmatched).toEqual([]);
  });

  it('agrees a return with the default address of the address book when none is configured', async () => {
    const returnTicket = { ...ticket, externalId: '7381745730123456790', kind: 'return_refund' as const };
    const scope = gateway()
      .post(ROUTER, signedForm(PDD_METHODS.refundAddressList))
      .reply(200, fixture('refund-address-list-get.json'))
      .post(
        ROUTER,
        signedForm(PDD_METHODS.returnGoodsAgree, {
          request: JSON.stringify({
            after_sales_id: '7381745730123456790',
            order_sn: '210707-339507978993455',
            operate_desc: PDD_RETURN_AGREE_NOTE,
            return_address_id: '4055512345678901235',
          }),
        }),
      )
      .reply(200, fixture('refund-returngoods-agree.json'))
      .post(
        ROUTER,
        signedForm(PDD_METHODS.refundInformation, { ...detailParams, after_sales_id: '7381745730123456790' }),
      )
      .reply(200, fixture('refund-information-get.json'));
    await adapter.perform(context(), { type: 'approve_return', returnAddress: null }, returnTicket);
    expect(scope.isDone()).toBe(true);
  });

  it('uses credentials.returnAddressId without looking the address book up', async () => {
    const scope = gateway()
      .post(
        ROUTER,
        signedForm(PDD_METHODS.returnGoodsAgree, {
          request: JSON.stringify({
            ...detailParams,
            operate_desc: PDD_RETURN_AGREE_NOTE,
            return_address_id: '998877',
          }),
        }),
      )
      .reply(200, fixture('refund-returngoods-agree.json'))
      .post(ROUTER, signedForm(PDD_METHODS.refundInformation, detailParams))
      .reply(200, fixture('refund-information-get.json'));
    await adapter.perform(
      context({ returnAddressId: '998877' }),
      { type: 'approve_return', returnAddress: null },
      ticket,
    );
    expect(scope.isDone()).toBe(true);
  });

  it('still reports success when the re-read after the action is throttled', async () => {
    const scope = gateway()
      .post(ROUTER, signedForm(PDD_METHODS.refundAgree, { request: agreeRequest }))
      .reply(200, fixture('refund-agree.json'))
      .post(ROUTER, signedForm(PDD_METHODS.refundInformation, detailParams))
      .reply(200, fixture('error-throttled.json'));
    const outcome = await adapter.perform(context(), { type: 'approve_refund', amount: null }, ticket);
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase).toBeNull();
    expect(outcome.rereadError).toMatch(/52101|throttl|limit/i);
  });

  it.each<AdapterAction>([
    { type: 'refuse_refund', reason: '不同意', reasonCode: null },
    { type: 'refuse_return', reason: '不同意', reasonCode: '1' },
    { type: 'confirm_return_received' },
    { type: 'send_message', text: '您好' },
  ])('$type is UNSUPPORTED', async (action) => {
    expect((await rejection(adapter.perform(context(), action, ticket))).code).toBe(
      AdapterErrorCode.UNSUPPORTED,
    );
  });

  it('declares only the two documented actions, and pushes over its message channel, not HTTP', () => {
    expect(adapter.capabilities.actions).toEqual(['approve_refund', 'approve_return']);
    expect(adapter.capabilities.push).toBe('message-channel');
    expect((adapter as MarketplaceAdapter).verifyWebhook).toBeUndefined();
  });
});
