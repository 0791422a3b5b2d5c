import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import nock from 'nock';
import {
  AdapterErrorCode,
  type AdapterAction,
  type AdapterContext,
  type MarketplaceAdapter,
  type TicketForAction,
} from '../contract';
import { parseLosslessJson } from '../shared/lossless-json';
import {
  TaobaoAdapter,
  TOP_PULL_WINDOW,
  TOP_RETURN_AGREE_REMARK,
  TOP_REVIEW_MESSAGE,
} from './taobao.adapter';
import { mapTopRefund, topKind, topStage } from './taobao.mapper';
import { TOP_METHODS, TOP_REFUND_FIELDS, type TopMethod, type TopRefund } from './taobao.types';
import { TOP_APP_METHODS } from './taobao.client';
import { guardNock, rejection } from '../shared/testing/nock-guard';

const GATEWAY = 'https://eco.taobao.com';
const ROUTER = '/router/rest';
const adapter = new TaobaoAdapter();
const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const NOW = new Date('2026-11-23T09:05:00Z'); // 17:05:00 GMT+8
const DAY_MS = 24 * 60 * 60 * 1000;
const CREDENTIALS = { appKey: '12345678', appSecret: 'helloworld', sessionKey: 'test-session' };
const REFUND_ID = '7091800003790954036';

type TopForm = Record<string, string>;

function context(): AdapterContext {
  return {
    connection: {
      id: 'c1',
      tenantId: 't1',
      platform: 'taobao',
      shopId: '沙箱旗舰店',
      apiBaseUrl: adapter.defaultApiBaseUrl(),
      credentials: CREDENTIALS,
    },
    limiter: { acquire: () => Promise.resolve() },
    now: () => NOW,
  };
}

/** The documented md5 rule written out again, so requests are checked against it rather than against the client. */
function documentedSign(form: TopForm): string {
  const pairs = Object.keys(form)
    .filter((key) => key !== 'sign' && form[key] !== '')
    .sort()
    .map((key) => `${key}${form[key]}`)
    .join('');
  const { appSecret } = CREDENTIALS;
  return createHash('md5').update(`${appSecret}${pairs}${appSecret}`).digest('hex').toUpperCase();
}

/** Matches a form holding the common parameters for NOW and exactly these business ones, correctly signed. */
function signedForm(method: TopMethod, business: TopForm = {}) {
  return (form: TopForm): boolean => {
    const { sign, ...unsigned } = form;
    const expected = {
      method,
      app_key: CREDENTIALS.appKey,
      // TMC belongs to the app, not to a seller: no session.
      ...(TOP_APP_METHODS.has(method) ? {} : { session: CREDENTIALS.sessionKey }),
      timestamp: '2026-11-23 17:05:00',
      format: 'json',
      v: '2.0',
      sign_method: 'md5',
      ...business,
    };
    return isDeepStrictEqual(unsigned, expected) && sign === documentedSign(form);
  };
}

const gateway = () =>
  nock(GATEWAY, { reqheaders: { 'content-type': /^application\/x-www-form-urlencoded/ } });
const refundGet = (refundId = REFUND_ID) =>
  signedForm(TOP_METHODS.refundGet, { refund_id: refundId, fields: TOP_REFUND_FIELDS });
const listForm = (start: string, end: string, page: number) =>
  signedForm(TOP_METHODS.refundsReceiveGet, {
    fields: TOP_REFUND_FIELDS,
    start_modified: start,
    end_modified: end,
    page_no: String(page),
    page_size: '100',
    use_has_next: 'true',
  });

const ORDER_ID = '2918463734761365258';
const traceSearch = (tid = ORDER_ID) => signedForm(TOP_METHODS.logisticsTraceSearch, { tid });
/** `refund_get_response` around the requested refund of the list fixture (order ORDER_ID, shipped). */
const requestedRefundGet = (changes: Record<string, string> = {}): string => {
  const row = fixture('refunds-receive-get.json').match(
    /"refund":\[(\{.*?"refund_id":7091800003790954036.*?\})[,\]]/,
  )?.[1];
  if (!row) throw new Error('fixture row missing');
  let text = row;
  for (const [field, value] of Object.entries(changes)) {
    text = text.replace(new RegExp(`"${field}":"[^"]*"`), `"${field}":"${value}"`);
  }
  return `{"refund_get_response":{"refund":${text}}}`;
};

const listRows = (
  parseLosslessJson(fixture('refunds-receive-get.json')) as {
    refunds_receive_get_response: { refunds: { refund: TopRefund[] } };
  }
).refunds_receive_get_response.refunds.refund;

const ticket = (overrides: Partial<TicketForAction> = {}): TicketForAction => ({
  externalId: REFUND_ID,
  externalOrderId: '2918463734761365258',
  kind: 'return_refund',
  stage: 'requested',
  requestedAmount: { amountMinor: 20007, currency: 'CNY' },
  platformVersion: '1763888500123',
  raw: { refund_phase: 'aftersale' },
  ...overrides,
});

const { unmatched } = guardNock();

/** The review that flags a Tmall refund for the batch agree, as the adapter sends it first. */
const review = () =>
  signedForm(TOP_METHODS.refundReview, {
    refund_id: REFUND_ID,
    operator: '沙箱旗舰店',
    refund_phase: 'aftersale',
    refund_version: '1763888500123',
    result: 'true',
    message: TOP_REVIEW_MESSAGE,
  });
const reviewed = '{"rp_refund_review_response":{"is_success":true}}';
/** A Taobao (C shop) refund: no refund_phase. */
const taobaoTicket = (overrides: Partial<TicketForAction> = {}) => ticket({ raw: {}, ...overrides });

describe('Taobao mapping', () => {
  it('normalises a refund: exact ids, yuan strings in fen, GMT+8 times, refund_version', () => {
    const [pending, done] = listRows.map(mapTopRefund);
    expect(pending).toMatchObject({
      externalId: REFUND_ID,
      externalOrderId: '2918463734761365258',
      kind: 'return_refund',
      stage: 'requested',
      reason: '用了两天就坏了',
      reasonCode: '质量问题',
      category: 'quality',
      requestedAmount: { amountMinor: 20007, currency: 'CNY' },
      refundedAmount: null,
      buyer: { externalId: 'AAHLxYz9AAB', displayName: 't**1', vip: false },
      items: [
        {
          sku: 'BLENDER-600',
          title: '便携榨汁机 600ml',
          quantity: 2,
          unitPrice: { amountMinor: 12900, currency: 'CNY' },
        },
      ],
      platformDeadlineAt: new Date('2026-11-25T08:55:02Z'),
      externalCreatedAt: new Date('2026-11-23T08:55:02Z'),
      externalUpdatedAt: new Date('2026-11-23T09:01:40Z'),
      platformVersion: '1763888500123',
    });
    expect(done).toMatchObject({
      externalId: '181784773340365852',
      externalOrderId: '3918463734761365111',
      kind: 'refund_only',
      stage: 'refunded',
      category: 'logistics',
      reason: '快递/物流一直未送到',
      refundedAmount: { amountMinor: 3900, currency: 'CNY' },
    });
  });

  it.each([
    ['WAIT_SELLER_AGREE', 1, 'requested'],
    ['WAIT_BUYER_RETURN_GOODS', 1, 'awaiting_return'],
    ['WAIT_SELLER_CONFIRM_GOODS', 1, 'return_shipped'],
    ['SELLER_REFUSE_BUYER', 1, 'refused'],
    ['SELLER_REFUSE_BUYER', 3, 'arbitration'],
    ['CLOSED', 3, 'closed'],
    ['SUCCESS', 1, 'refunded'],
    ['WAIT_SELLER_CONSIGN_GOODS', 1, 'return_received'],
  ])('maps status %s with cs_status %s to stage %s', (status, cs, stage) => {
    expect(topStage({ status, cs_status: cs })).toBe(stage);
  });

  it('rejects a status it does not know instead of guessing', () => {
    expect(() => topStage({ status: 'WAIT_SOMETHING_NEW' })).toThrow('unknown TOP refund status');
  });

  it.each([
    ['REFUND', false, 'refund_only'],
    ['REFUND_AND_RETURN', true, 'return_refund'],
    ['TMALL_EXCHANGE', true, 'exchange'],
    ['RESHIPPING', false, 'reissue'],
    ['OTHERS', true, 'return_refund'],
    [undefined, false, 'refund_only'],
  ])('maps dispute_type %s (has_good_return %s) to kind %s', (disputeType, hasReturn, kind) => {
    expect(topKind({ dispute_type: disputeType, has_good_return: hasReturn })).toBe(kind);
  });

  it('asks for refund_version and refund_phase on every read, since write calls must echo them', () => {
    expect(TOP_REFUND_FIELDS.split(',')).toEqual(expect.arrayContaining(['refund_version', 'refund_phase']));
  });
});

describe('TaobaoAdapter.pull', () => {
  it('pulls a modified-time window page by page, then moves on with a 5-minute overlap', async () => {
    const scope = gateway()
      .post(ROUTER, listForm('2026-11-22 17:05:00', '2026-11-23 17:05:00', 1))
      .reply(200, fixture('refunds-receive-get.json'))
      .post(ROUTER, traceSearch())
      .reply(200, fixture('logistics-trace-search.json'))
      .post(ROUTER, listForm('2026-11-22 17:05:00', '2026-11-23 17:05:00', 2))
      .reply(200, fixture('refunds-receive-get-last.json'));
    const first = await adapter.pull(context(), null);
    expect(first.hasMore).toBe(true);
    expect(first.cases.map((item) => item.externalId)).toEqual([REFUND_ID, '181784773340365852']);
    // The requested refund carries its order's sign-for time (GMT+8 in the trace); the refunded one needs none.
    expect(first.cases.map((item) => item.deliveredAt ?? null)).toEqual([
      new Date('2026-11-20T08:20:38Z'),
      null,
    ]);
    const second = await adapter.pull(context(), first.nextCursor);
    expect(scope.isDone()).toBe(true);
    expect(second.hasMore).toBe(false);
    expect(second.cases.map((item) => [item.externalId, item.stage])).toEqual([
      ['7091800003790954099', 'arbitration'],
    ]);
    expect(JSON.parse(String(second.nextCursor))).toEqual({
      start: NOW.getTime() - TOP_PULL_WINDOW.overlapMs,
      end: null,
      page: 1,
    });
  });

  it('caps a window that lags behind at one day and reports more to read', async () => {
    const start = NOW.getTime() - 3 * DAY_MS;
    const scope = gateway()
      .post(ROUTER, listForm('2026-11-20 17:05:00', '2026-11-21 17:05:00', 1))
      .reply(200, fixture('refunds-receive-get-last.json'));
    const page = await adapter.pull(context(), JSON.stringify({ start, end: null, page: 1 }));
    expect(scope.isDone()).toBe(true);
    expect(page.hasMore).toBe(true);
    expect(JSON.parse(String(page.nextCursor))).toEqual({
      start: start + DAY_MS - TOP_PULL_WINDOW.overlapMs,
      end: null,
      page: 1,
    });
  });

  it.each([
    ['error-app-call-limited.json', AdapterErrorCode.RATE_LIMITED],
    ['error-invalid-session.json', AdapterErrorCode.AUTH],
  ])('fails the pull on %s with %s', async (name, code) => {
    const scope = gateway()
      .post(ROUTER, listForm('2026-11-22 17:05:00', '2026-11-23 17:05:00', 1))
      .reply(200, fixture(name));
    expect((await rejection(adapter.pull(context(), null))).code).toBe(code);
    expect(scope.isDone()).toBe(true);
  });

  it('rejects a cursor it did not write', async () => {
    expect((await rejection(adapter.pull(context(), '{"page":0}'))).code).toBe(AdapterErrorCode.INVALID);
  });
});

describe('Taobao sign-for times', () => {
  it('reads the sign-for time of a requested refund from the order trace, once per order', async () => {
    const fresh = new TaobaoAdapter();
    const scope = gateway()
      .post(ROUTER, refundGet())
      .times(2)
      .reply(200, requestedRefundGet())
      .post(ROUTER, traceSearch())
      .reply(200, fixture('logistics-trace-search.json'));
    const first = await fresh.fetchCase(context(), REFUND_ID);
    const again = await fresh.fetchCase(context(), REFUND_ID);
    expect(scope.isDone()).toBe(true);
    expect(first).toMatchObject({ stage: 'requested', deliveredAt: new Date('2026-11-20T08:20:38Z') });
    expect(again.deliveredAt).toEqual(first.deliveredAt);
  });

  it('leaves the time unknown while the parcel is not signed for, or the signing was refused', async () => {
    const fresh = new TaobaoAdapter();
    const refused = fixture('logistics-trace-search.json').replace(
      '"status_desc":"【苏州市】已签收，签收人：本人","action":"SIGN"',
      '"status_desc":"【苏州市】客户拒签，快件退回","action":"SIGN"',
    );
    const scope = gateway()
      .post(ROUTER, refundGet())
      .reply(200, requestedRefundGet())
      .post(ROUTER, traceSearch())
      .reply(200, refused);
    expect((await fresh.fetchCase(context(), REFUND_ID)).deliveredAt ?? null).toBeNull();
    expect(scope.isDone()).toBe(true);
  });

  it('asks nothing for an order not shipped yet, nor for a case past the request', async () => {
    const fresh = new TaobaoAdapter();
    const scope = gateway()
      .post(ROUTER, refundGet())
      .reply(200, requestedRefundGet({ order_status: 'WAIT_SELLER_SEND_GOODS' }))
      .post(ROUTER, refundGet())
      .reply(200, fixture('refund-get.json'));
    expect((await fresh.fetchCase(context(), REFUND_ID)).deliveredAt ?? null).toBeNull();
    expect((await fresh.fetchCase(context(), REFUND_ID)).stage).toBe('refunded');
    expect(scope.isDone()).toBe(true);
  });

  it('fails the read when the trace is throttled, but not when the app may not read traces', async () => {
    const fresh = new TaobaoAdapter();
    const throttled = gateway()
      .post(ROUTER, refundGet())
      .reply(200, requestedRefundGet())
      .post(ROUTER, traceSearch())
      .reply(200, fixture('error-app-call-limited.json'));
    expect((await rejection(fresh.fetchCase(context(), REFUND_ID))).code).toBe(AdapterErrorCode.RATE_LIMITED);
    expect(throttled.isDone()).toBe(true);
    const denied = gateway()
      .post(ROUTER, refundGet())
      .reply(200, requestedRefundGet())
      .post(ROUTER, traceSearch())
      .reply(
        200,
        '{"error_response":{"code":11,"msg":"Insufficient isv permissions","sub_code":"isv.permission-api-package-limit","request_id":"3x1"}}',
      );
    const read = await fresh.fetchCase(context(), REFUND_ID);
    expect(denied.isDone()).toBe(true);
    expect(read.deliveredAt ?? null).toBeNull();
  });
});

describe('TaobaoAdapter.perform', () => {
  it('reviews a Tmall refund, agrees it in fen as refund_id|fen|version|phase, then re-reads it', async () => {
    const scope = gateway()
      .post(ROUTER, review())
      .reply(200, reviewed)
      .post(
        ROUTER,
        signedForm(TOP_METHODS.refundsAgree, {
          refund_infos: `${REFUND_ID}|12950|1763888500123|aftersale`,
        }),
      )
      .reply(200, fixture('rp-refunds-agree.json'))
      .post(ROUTER, refundGet())
      .reply(200, fixture('refund-get.json'));
    // TOP has no idempotency parameter, so the hub's key must not reach the form; refund_version is the lock.
    const asHub: MarketplaceAdapter = adapter;
    const outcome = await asHub.perform(
      context(),
      { type: 'approve_refund', amount: { amountMinor: 12950, currency: 'CNY' } },
      ticket(),
      { idempotencyKey: 'act-1' },
    );
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase).toMatchObject({
      stage: 'refunded',
      refundedAmount: { amountMinor: 12950, currency: 'CNY' },
      platformVersion: '1763889600000',
    });
  });

  it('agrees the requested amount of a Taobao refund without a phase, taking the version from raw', async () => {
    const scope = gateway()
      .post(
        ROUTER,
        signedForm(TOP_METHODS.refundsAgree, { refund_infos: `${REFUND_ID}|20007|1763888500123` }),
      )
      .reply(200, fixture('rp-refunds-agree.json'))
      .post(ROUTER, refundGet())
      .reply(200, fixture('refund-get.json'));
    await adapter.perform(
      context(),
      { type: 'approve_refund', amount: null },
      taobaoTicket({ platformVersion: null, raw: { refund_version: 1763888500123 } }),
    );
    expect(scope.isDone()).toBe(true);
  });

  it('reports a stale refund_version on an agree line as CONFLICT, another refusal as INVALID', async () => {
    const agree = signedForm(TOP_METHODS.refundsAgree, {
      refund_infos: `${REFUND_ID}|20007|1763888500123|aftersale`,
    });
    const scope = gateway()
      .post(ROUTER, review())
      .reply(200, reviewed)
      .post(ROUTER, agree)
      .reply(200, fixture('rp-refunds-agree-stale.json'))
      .post(ROUTER, review())
      .reply(200, reviewed)
      .post(ROUTER, agree)
      .reply(
        200,
        fixture('rp-refunds-agree-stale.json').replace(
          /refund_version 已过期，请刷新后重试/g,
          '超过单笔退款限额',
        ),
      );
    const approve = () => adapter.perform(context(), { type: 'approve_refund', amount: null }, ticket());
    expect((await rejection(approve())).code).toBe(AdapterErrorCode.CONFLICT);
    const refused = await rejection(approve());
    expect(scope.isDone()).toBe(true);
    expect(refused.code).toBe(AdapterErrorCode.INVALID);
    expect(refused.message).toContain('超过单笔退款限额');
  });

  it('maps a stale refund_version error envelope to CONFLICT', async () => {
    const scope = gateway()
      .post(ROUTER, review())
      .reply(200, reviewed)
      .post(
        ROUTER,
        signedForm(TOP_METHODS.refundsAgree, { refund_infos: `${REFUND_ID}|20007|1763888500123|aftersale` }),
      )
      .reply(200, fixture('error-stale-version.json'));
    const error = await rejection(
      adapter.perform(context(), { type: 'approve_refund', amount: null }, ticket()),
    );
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(AdapterErrorCode.CONFLICT);
  });

  it('still reports the agree when the re-read after it is throttled', async () => {
    const scope = gateway()
      .post(ROUTER, review())
      .reply(200, reviewed)
      .post(
        ROUTER,
        signedForm(TOP_METHODS.refundsAgree, { refund_infos: `${REFUND_ID}|20007|1763888500123|aftersale` }),
      )
      .reply(200, fixture('rp-refunds-agree.json'))
      .post(ROUTER, refundGet())
      .reply(200, fixture('error-app-call-limited.json'));
    const outcome = await adapter.perform(context(), { type: 'approve_refund', amount: null }, ticket());
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase).toBeNull();
    expect(outcome.response).toMatchObject({ succ: true, msg_code: 'OP_SUCC' });
  });

  it.each<[string, TicketForAction, AdapterAction]>([
    ['without a refund_version', ticket({ platformVersion: null }), { type: 'approve_refund', amount: null }],
    [
      'in another currency',
      ticket(),
      { type: 'approve_refund', amount: { amountMinor: 100, currency: 'USD' } },
    ],
    ['without any amount', ticket({ requestedAmount: null }), { type: 'approve_refund', amount: null }],
  ])('refuses to agree %s, without calling', async (_, target, action) => {
    expect((await rejection(adapter.perform(context(), action, target))).code).toBe(AdapterErrorCode.INVALID);
    expect(unmatched).toEqual([]);
  });

  it('asks for the SMS code when a large agree is held, and sends it with the second call', async () => {
    const info = `${REFUND_ID}|20007|1763888500123`;
    const scope = gateway()
      .post(ROUTER, signedForm(TOP_METHODS.refundsAgree, { refund_infos: info }))
      .reply(
        200,
        '{"error_response":{"code":15,"msg":"Remote service error","sub_code":"isv.refund-need-verify-code","sub_msg":"已向卖家手机发送短信验证码"}}',
      )
      .post(ROUTER, signedForm(TOP_METHODS.refundsAgree, { refund_infos: info, code: '520131' }))
      .reply(200, fixture('rp-refunds-agree.json'))
      .post(ROUTER, refundGet())
      .reply(200, fixture('refund-get.json'));
    const approve = { type: 'approve_refund', amount: null } as const;
    const held = await rejection(adapter.perform(context(), approve, taobaoTicket()));
    expect(held).toMatchObject({
      code: AdapterErrorCode.VERIFICATION_REQUIRED,
      message: '已向卖家手机发送短信验证码',
    });
    const outcome = await adapter.perform(context(), approve, taobaoTicket(), {
      idempotencyKey: 'act-1',
      verificationCode: '520131',
    });
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase?.externalId).toBe(REFUND_ID);
  });

  it('refuses more than TOP agrees in one call without calling', async () => {
    const tooMuch = { type: 'approve_refund', amount: { amountMinor: 600_001, currency: 'CNY' } } as const;
    expect((await rejection(adapter.perform(context(), tooMuch, taobaoTicket()))).message).toContain('¥6000');
    expect(unmatched).toEqual([]);
  });

  it('refuses a Taobao refund with the message and a numeric refuse reason, then re-reads', async () => {
    const scope = gateway()
      .post(
        ROUTER,
        signedForm(TOP_METHODS.refundRefuse, {
          refund_id: REFUND_ID,
          refuse_message: '商品已影响二次销售',
          refuse_reason_id: '4010',
        }),
      )
      .reply(
        200,
        `{"refund_refuse_response":{"refund":{"refund_id":${REFUND_ID},"status":"SELLER_REFUSE_BUYER","modified":"2026-11-23 17:06:00"},"is_success":true}}`,
      )
      .post(ROUTER, refundGet())
      .reply(200, fixture('refund-get.json'));
    const outcome = await adapter.perform(
      context(),
      { type: 'refuse_refund', reason: ' 商品已影响二次销售 ', reasonCode: '4010' },
      taobaoTicket(),
    );
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase?.externalId).toBe(REFUND_ID);
  });

  it.each<[string, TicketForAction]>([
    ['a Tmall refund, which needs refuse_proof', ticket()],
    ['a refund before shipment', taobaoTicket({ raw: { order_status: 'WAIT_SELLER_SEND_GOODS' } })],
    ['a seven-day no-reason return', taobaoTicket({ raw: { reason: '七天无理由退换货' } })],
  ])('does not refuse %s, without calling', async (_, target) => {
    const refusal = { type: 'refuse_refund', reason: '商品已影响二次销售', reasonCode: null } as const;
    const error = await rejection(adapter.perform(context(), refusal, target));
    expect([AdapterErrorCode.UNSUPPORTED, AdapterErrorCode.INVALID]).toContain(error.code);
    expect(unmatched).toEqual([]);
  });

  it('agrees a Tmall return with the saved address id, the remark and the address spelled out, then re-reads', async () => {
    const scope = gateway()
      .post(
        ROUTER,
        signedForm(TOP_METHODS.returnGoodsAgree, {
          refund_id: REFUND_ID,
          refund_phase: 'aftersale',
          refund_version: '1763888500123',
          remark: TOP_RETURN_AGREE_REMARK,
          seller_address_id: '60021',
          name: '张三',
          address: '浙江省杭州市余杭区文一西路969号',
          post: '311121',
          tel: '13800000000',
          mobile: '13800000000',
        }),
      )
      .reply(200, '{"rp_returngoods_agree_response":{"is_success":true}}')
      .post(ROUTER, refundGet())
      .reply(200, fixture('refund-get.json'));
    const outcome = await adapter.perform(
      context(),
      {
        type: 'approve_return',
        returnAddress: {
          name: '张三',
          phone: '13800000000',
          address: '文一西路969号',
          province: '浙江省',
          city: '杭州市',
          district: '余杭区',
          postcode: '311121',
          externalAddressId: '60021',
        },
      },
      ticket(),
    );
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase?.externalId).toBe(REFUND_ID);
  });

  it('offers no text messages, since taobao.refund.message.add requires an image', async () => {
    expect(adapter.capabilities.actions).not.toContain('send_message');
    expect(adapter.capabilities.unsupportedReasons?.send_message).toContain('image');
    const error = await rejection(
      adapter.perform(context(), { type: 'send_message', text: '已联系快递核实' }, ticket()),
    );
    expect(error.code).toBe(AdapterErrorCode.UNSUPPORTED);
    expect(unmatched).toEqual([]);
  });

  it('checks refusal text and return address before calling', async () => {
    const perform = (action: AdapterAction) => rejection(adapter.perform(context(), action, taobaoTicket()));
    expect((await perform({ type: 'refuse_refund', reason: '不', reasonCode: null })).code).toBe(
      AdapterErrorCode.INVALID,
    );
    const noPostcode = await perform({
      type: 'approve_return',
      returnAddress: {
        name: '张三',
        phone: '13800000000',
        address: '文一西路969号',
        externalAddressId: '60021',
      },
    });
    expect(noPostcode.message).toContain('post');
    const noAddress = await perform({ type: 'approve_return', returnAddress: null });
    expect(noAddress.message).toContain('seller_address_id');
    expect(unmatched).toEqual([]);
  });

  it.each<AdapterAction>([
    { type: 'confirm_return_received' },
    { type: 'refuse_return', reason: '不同意', reasonCode: null },
  ])('$type is UNSUPPORTED', async (action) => {
    expect((await rejection(adapter.perform(context(), action, ticket()))).code).toBe(
      AdapterErrorCode.UNSUPPORTED,
    );
  });
});

describe('TaobaoAdapter TMC and reads', () => {
  it('consumes TMC messages: exact 19-digit ids, only refund topics become events, all are confirmed', async () => {
    const scope = gateway()
      .post(ROUTER, signedForm(TOP_METHODS.tmcConsume, { quantity: '100' }))
      .reply(200, fixture('tmc-messages-consume.json'))
      .post(
        ROUTER,
        signedForm(TOP_METHODS.tmcConfirm, { s_message_ids: '7091800003790954036,7091800003790954037' }),
      )
      .reply(200, '{"tmc_messages_confirm_response":{"is_success":true}}');
    const consumed = await adapter.consumeAppMessages(context());
    expect(consumed.received).toBe(2);
    expect(consumed.messages).toHaveLength(1);
    expect(consumed.messages[0].shopKeys).toEqual(['2200000000001', '沙箱旗舰店']);
    expect(consumed.messages[0].event).toMatchObject({
      dedupeKey: '7091800003790954036',
      eventType: 'taobao_refund_RefundCreated',
      externalId: '181784773340365852',
    });
    expect(consumed.messages[0].event.payload).toContain('"id":"7091800003790954036"');
    await consumed.confirm();
    expect(scope.isDone()).toBe(true);
  });

  it('fails the confirm when TMC says it did not succeed, so the batch is not taken as stored', async () => {
    const scope = gateway()
      .post(ROUTER, signedForm(TOP_METHODS.tmcConsume, { quantity: '100' }))
      .reply(200, fixture('tmc-messages-consume.json'))
      .post(
        ROUTER,
        signedForm(TOP_METHODS.tmcConfirm, { s_message_ids: '7091800003790954036,7091800003790954037' }),
      )
      .reply(200, '{"tmc_messages_confirm_response":{"is_success":false}}');
    const consumed = await adapter.consumeAppMessages(context());
    expect((await rejection(consumed.confirm())).code).toBe(AdapterErrorCode.TEMPORARY);
    expect(scope.isDone()).toBe(true);
  });

  it('confirms nothing when the queue is empty', async () => {
    const scope = gateway()
      .post(ROUTER, signedForm(TOP_METHODS.tmcConsume, { quantity: '100' }))
      .reply(200, '{"tmc_messages_consume_response":{}}');
    const consumed = await adapter.consumeAppMessages(context());
    await consumed.confirm();
    expect(scope.isDone()).toBe(true);
    expect(consumed.messages).toEqual([]);
    expect(consumed.received).toBe(0);
  });

  it('resolves a TMC event by re-reading the refund its content names', async () => {
    const scope = gateway()
      .post(ROUTER, refundGet('181784773340365852'))
      .reply(200, fixture('refund-get.json'));
    const resolved = await adapter.resolveEvent(context(), {
      dedupeKey: '1',
      eventType: 'taobao_refund_RefundCreated',
      externalId: null,
      payload: JSON.stringify({
        id: 1,
        topic: 'taobao_refund_RefundCreated',
        content: '{"refund_id":181784773340365852}',
      }),
    });
    expect(scope.isDone()).toBe(true);
    expect(resolved?.externalId).toBe(REFUND_ID);
  });

  it('refuses to resolve a payload that is not a TMC message, without calling', async () => {
    const event = {
      dedupeKey: 'x',
      eventType: 'taobao_refund_RefundCreated',
      externalId: null,
      payload: '[1]',
    };
    expect((await rejection(adapter.resolveEvent(context(), event))).code).toBe(AdapterErrorCode.INVALID);
    expect(unmatched).toEqual([]);
  });

  it('reads one refund by id, ignoring the order id the hub may pass, and reports a missing one', async () => {
    const scope = gateway()
      .post(ROUTER, refundGet())
      .reply(200, fixture('refund-get.json'))
      .post(ROUTER, refundGet())
      .reply(200, '{"refund_get_response":{"request_id":"9skd0yqfr2"}}');
    const asHub: MarketplaceAdapter = adapter;
    const found = await asHub.fetchCase!(context(), REFUND_ID, '2918463734761365258');
    expect(found).toMatchObject({ externalId: REFUND_ID, externalOrderId: '2918463734761365258' });
    expect((await rejection(adapter.fetchCase(context(), REFUND_ID))).code).toBe(AdapterErrorCode.NOT_FOUND);
    expect(scope.isDone()).toBe(true);
  });

  it('refuses a refund id that is not a number, without calling', async () => {
    expect((await rejection(adapter.fetchCase(context(), 'RA-1'))).code).toBe(AdapterErrorCode.INVALID);
    expect(unmatched).toEqual([]);
  });

  it('takes no HTTP pushes: it has no webhook verifier, TMC brings its messages', () => {
    const asHub: MarketplaceAdapter = adapter;
    expect(asHub.verifyWebhook).toBeUndefined();
    expect(asHub.consumeAppMessages).toBeDefined();
  });
});
