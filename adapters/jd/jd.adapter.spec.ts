import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedUrlQuery } from 'node:querystring';
import { isDeepStrictEqual } from 'node:util';
import { isSafeNumber, parse } from 'lossless-json';
import nock from 'nock';
import {
  AdapterErrorCode,
  type AdapterAction,
  type AdapterContext,
  type MarketplaceAdapter,
  type TicketForAction,
} from '../contract';
import {
  JD_APPROVE_NOTE,
  JD_PULL_WINDOW,
  JD_RECEIVE_REGISTER_DEFAULTS,
  JD_REFUND_APPROVE_REMARK,
  JdAdapter,
} from './jd.adapter';
import { jdRefundApplyStage, jdServiceKind, jdServiceStage } from './jd.mapper';
import { JD_METHODS, type JdMethod } from './jd.types';
import { guardNock, rejection } from '../shared/testing/nock-guard';

const GATEWAY = 'https://api.jd.com';
const ROUTER = '/routerjson';
const adapter = new JdAdapter();
const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const NOW = new Date('2026-11-23T09:05:00Z'); // 17:05:00 GMT+8
const CREDENTIALS = {
  appKey: 'A1B2C3',
  appSecret: 'jdsecret',
  accessToken: 'tok-123',
  buId: '10086001',
  operatePin: 'op1',
};
const OPERATOR = { buId: '10086001', operatePin: 'op1', operateNick: 'op1' };
const SERVICE_ID = '7091800003790954036';
const APPLY_ID = '5123456789012345678';
/** The service order the ticket names, as JOS wants it: 19-digit ids as bare JSON integers. */
const TARGET = { ...OPERATOR, serviceId: 7091800003790954036n, orderId: 3012345678901234567n };

function context(credentials: Record<string, string> = CREDENTIALS): AdapterContext {
  return {
    connection: {
      id: 'c1',
      tenantId: 't1',
      platform: 'jd',
      shopId: '10086001',
      apiBaseUrl: adapter.defaultApiBaseUrl(),
      credentials,
    },
    limiter: { acquire: () => Promise.resolve() },
    now: () => NOW,
  };
}

/** The documented rule written out again, so requests are checked against it rather than against the client. */
function documentedSign(params: Record<string, string>): string {
  const pairs = Object.keys(params)
    .filter((key) => key !== 'sign')
    .sort()
    .map((key) => `${key}${params[key]}`)
    .join('');
  const { appSecret } = CREDENTIALS;
  return createHash('md5').update(`${appSecret}${pairs}${appSecret}`).digest('hex').toUpperCase();
}

/** Integers beyond 2^53 come back as bigint, so an id sent as a JSON string cannot match its expectation. */
function jsonOf(text: string): unknown {
  return parse(text, null, (value) => (isSafeNumber(value) ? Number(value) : BigInt(value)));
}

/**
 * Expects exactly these system parameters in the query and exactly this business JSON alone in the body, signed
 * over both. nock calls a body matcher with the request options as `this`, the one place both halves meet.
 */
function signedCall(
  scope: nock.Scope,
  method: JdMethod,
  business: Record<string, unknown>,
): nock.Interceptor {
  const system = {
    method,
    app_key: CREDENTIALS.appKey,
    access_token: CREDENTIALS.accessToken,
    timestamp: '2026-11-23 17:05:00',
    v: '2.0',
  };
  return scope
    .post(ROUTER, function (this: { path: string }, form: Record<string, string>) {
      const { '360buy_param_json': json, ...others } = form;
      const sign = new URLSearchParams(this.path.split('?')[1]).get('sign');
      return (
        Object.keys(others).length === 0 &&
        isDeepStrictEqual(jsonOf(json), business) &&
        sign === documentedSign({ ...system, '360buy_param_json': json })
      );
    })
    .query((query: ParsedUrlQuery) => {
      const { sign: _sign, ...unsigned } = query;
      return isDeepStrictEqual(unsigned, system);
    });
}

const jos = () => nock(GATEWAY, { reqheaders: { 'content-type': /^application\/x-www-form-urlencoded/ } });
const syncWindow = (page: number) => ({
  ...OPERATOR,
  updateTimeBegin: '2026-11-22 17:05:00',
  updateTimeEnd: '2026-11-23 17:05:00',
  pageNumber: page,
  pageSize: 50,
});
const serviceRead = { ...OPERATOR, serviceId: 7091800003790954036n, pageNumber: 1, pageSize: 1 };
const applyRead = { ids: APPLY_ID, pageIndex: 1, pageSize: 1 };
const writeOk = (method: JdMethod) =>
  `{"${method.replace(/\./g, '_')}_responce":{"code":"0","result":{"success":true,"resultCode":"1"}}}`;

const serviceTicket: TicketForAction = {
  externalId: SERVICE_ID,
  externalOrderId: '3012345678901234567',
  kind: 'return_refund',
  stage: 'requested',
  requestedAmount: null,
  platformVersion: '3',
  raw: { applyDetailId: '9123456789012345678' },
};
const applyTicket: TicketForAction = {
  ...serviceTicket,
  externalId: `RA-${APPLY_ID}`,
  externalOrderId: '3012345678901234570',
  kind: 'refund_only',
  requestedAmount: { amountMinor: 12990, currency: 'CNY' },
  platformVersion: null,
  raw: {},
};

const { unmatched } = guardNock();

describe('JD mapping', () => {
  it.each([
    [10001, 10, 'requested'],
    [10004, 10, 'refused'],
    [10005, 10, 'awaiting_return'],
    [10007, 10, 'return_received'],
    [10010, 11, 'refunded'],
    [10010, 20, 'closed'],
    [10011, 10, 'cancelled'],
  ])('maps serviceStatus %s (customerExpect %s) to stage %s', (serviceStatus, customerExpect, stage) => {
    expect(jdServiceStage({ serviceStatus, customerExpect })).toBe(stage);
  });

  it.each([
    [10, 'return_refund'],
    [11, 'refund_only'],
    [20, 'exchange'],
    [30, 'repair'],
    [80, 'reissue'],
  ])('maps customerExpect %s to kind %s', (customerExpect, kind) => {
    expect(jdServiceKind({ customerExpect })).toBe(kind);
  });

  it.each([
    [0, 'requested'],
    [1, 'refunding'],
    [2, 'refused'],
    [3, 'refunded'],
    [4, 'refused'],
    [5, 'refunding'],
    [6, 'refunded'],
    [7, 'awaiting_return'],
    [8, 'requested'],
    [9, 'refunded'],
    [10, 'awaiting_return'],
    [11, 'cancelled'],
  ])('maps refund application status %s to stage %s', (status, stage) => {
    expect(jdRefundApplyStage({ status })).toBe(stage);
  });

  it('rejects unknown statuses', () => {
    expect(jdRefundApplyStage({ status: '9' })).toBe('refunded');
    expect(() => jdRefundApplyStage({ status: 42 })).toThrow('unknown JD refund application status');
    expect(() => jdServiceStage({ serviceStatus: 99999 })).toThrow('unknown JD serviceStatus');
  });
});

describe('JdAdapter.pull', () => {
  it('pulls service orders, refund applications by apply time, then by check time, then moves on with an overlap', async () => {
    const scope = jos();
    signedCall(scope, JD_METHODS.ascSyncList, syncWindow(1)).reply(200, fixture('asc-sync-list.json'));
    signedCall(scope, JD_METHODS.refundApplyList, {
      applyTimeStart: '2026-11-22 17:05:00',
      applyTimeEnd: '2026-11-23 17:05:00',
      pageIndex: 1,
      pageSize: 50,
    }).reply(200, fixture('refundapply-query-page-list.json'));
    const first = await adapter.pull(context(), null);
    expect(first.hasMore).toBe(true);
    expect(JSON.parse(String(first.nextCursor))).toEqual({
      start: NOW.getTime() - JD_PULL_WINDOW.lookbackMs,
      end: NOW.getTime(),
      page: 1,
      family: 'apply',
    });
    expect(first.cases[0]).toMatchObject({
      externalId: SERVICE_ID,
      externalOrderId: '3012345678901234567',
      kind: 'return_refund',
      stage: 'requested',
      reason: '右耳没有声音',
      requestedAmount: { amountMinor: 294400, currency: 'CNY' },
      items: [{ sku: '100012345678', quantity: 2, unitPrice: { amountMinor: 147200, currency: 'CNY' } }],
      externalCreatedAt: new Date('2026-11-23T08:40:00Z'),
      externalUpdatedAt: new Date('2026-11-23T09:02:10Z'),
      platformVersion: '3',
    });
    expect(first.cases[1]).toMatchObject({ kind: 'repair', stage: 'closed', refundedAmount: null });
    expect(first.cases[2]).toMatchObject({
      stage: 'refunded',
      refundedAmount: { amountMinor: 3990, currency: 'CNY' },
    });
    signedCall(scope, JD_METHODS.refundApplyList, {
      checkTimeStart: '2026-11-22 17:05:00',
      checkTimeEnd: '2026-11-23 17:05:00',
      pageIndex: 1,
      pageSize: 50,
    }).reply(200, fixture('refundapply-checked-page-list.json'));
    const second = await adapter.pull(context(), first.nextCursor);
    expect(second.cases).toHaveLength(1);
    expect(second.cases[0]).toMatchObject({
      externalId: `RA-${APPLY_ID}`,
      externalOrderId: '3012345678901234570',
      kind: 'refund_only',
      stage: 'requested',
      requestedAmount: { amountMinor: 12990, currency: 'CNY' },
    });
    expect(second.hasMore).toBe(true);
    expect(JSON.parse(String(second.nextCursor))).toMatchObject({ page: 1, family: 'checked' });
    const third = await adapter.pull(context(), second.nextCursor);
    expect(scope.isDone()).toBe(true);
    expect(third.cases.map((item) => [item.externalId, item.stage])).toEqual([
      ['RA-5123456789012345601', 'refunded'],
      ['RA-5123456789012345603', 'cancelled'],
    ]);
    expect(third.cases[0].refundedAmount).toEqual({ amountMinor: 5990, currency: 'CNY' });
    expect(third.unmapped).toHaveLength(1);
    expect(third.unmapped?.[0]).toMatchObject({
      error: 'unknown JD refund application status 42',
      event: { eventType: 'pull.unmapped', externalId: 'RA-5123456789012345602' },
    });
    expect(third.hasMore).toBe(false);
    expect(JSON.parse(String(third.nextCursor))).toEqual({
      start: NOW.getTime() - JD_PULL_WINDOW.overlapMs,
      end: null,
      page: 1,
      family: 'asc',
    });
  });

  it('pages service orders within a fixed window while totalCount says there are more', async () => {
    const manyPages = fixture('asc-sync-list.json').replace('"totalCount":3', '"totalCount":120');
    const scope = jos();
    signedCall(scope, JD_METHODS.ascSyncList, syncWindow(1)).reply(200, manyPages);
    signedCall(scope, JD_METHODS.ascSyncList, syncWindow(2)).reply(200, manyPages);
    const first = await adapter.pull(context(), null);
    const window = { start: NOW.getTime() - JD_PULL_WINDOW.lookbackMs, end: NOW.getTime(), family: 'asc' };
    expect(JSON.parse(String(first.nextCursor))).toEqual({ ...window, page: 2 });
    const second = await adapter.pull(context(), first.nextCursor);
    expect(scope.isDone()).toBe(true);
    expect(second.hasMore).toBe(true);
    expect(JSON.parse(String(second.nextCursor))).toEqual({ ...window, page: 3 });
  });

  it.each([
    ['error-token-expired.json', AdapterErrorCode.AUTH],
    ['error-throttled.json', AdapterErrorCode.RATE_LIMITED],
  ])('fails the pull on %s with %s', async (name, code) => {
    const scope = signedCall(jos(), JD_METHODS.ascSyncList, syncWindow(1)).reply(200, fixture(name));
    expect((await rejection(adapter.pull(context(), null))).code).toBe(code);
    expect(scope.isDone()).toBe(true);
  });

  it('needs buId and operatePin for service orders, and refuses a foreign cursor, without calling', async () => {
    const withoutOperator = context({ appKey: 'A1B2C3', appSecret: 'jdsecret', accessToken: 'tok-123' });
    expect((await rejection(adapter.pull(withoutOperator, null))).code).toBe(AdapterErrorCode.INVALID);
    const foreign = JSON.stringify({ start: 0, end: null, page: 1, family: 'orders' });
    expect((await rejection(adapter.pull(context(), foreign))).code).toBe(AdapterErrorCode.INVALID);
    expect(unmatched).toEqual([]);
  });
});

describe('JdAdapter.fetchCase', () => {
  it('reads a service order by serviceId, ignoring the order id the hub may pass', async () => {
    const scope = signedCall(jos(), JD_METHODS.ascSyncList, serviceRead).reply(
      200,
      fixture('asc-sync-list.json'),
    );
    const asHub: MarketplaceAdapter = adapter;
    const found = await asHub.fetchCase!(context(), SERVICE_ID, '3012345678901234567');
    expect(scope.isDone()).toBe(true);
    expect(found).toMatchObject({ externalId: SERVICE_ID, platformVersion: '3' });
  });

  it('reports NOT_FOUND when the answer does not hold the case asked for', async () => {
    const scope = signedCall(jos(), JD_METHODS.refundApplyList, {
      ...applyRead,
      ids: '5123456789012345679',
    }).reply(200, fixture('refundapply-query-page-list.json'));
    const error = await rejection(adapter.fetchCase(context(), 'RA-5123456789012345679'));
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(AdapterErrorCode.NOT_FOUND);
  });
});

describe('JdAdapter.perform on service orders', () => {
  it('approves a return with jingdong.asc.audit.delivery: address area ids, sysVersion, exact ids', async () => {
    const scope = jos();
    signedCall(scope, JD_METHODS.ascAuditDelivery, {
      ...TARGET,
      approveNotes: JD_APPROVE_NOTE,
      sysVersion: 3,
      approveReasonCid1: 1,
      returnContactName: '张三',
      returnContactTel: '13800000000',
      returnContactMobile: '13800000000',
      returnZipcode: '',
      returnProvince: 15,
      returnCity: 1213,
      returnCounty: 3038,
      returnDetailAddress: '科创十一街18号',
      applyDetailIdList: [9123456789012345678n],
    }).reply(200, writeOk(JD_METHODS.ascAuditDelivery));
    signedCall(scope, JD_METHODS.ascSyncList, serviceRead).reply(200, fixture('asc-sync-list.json'));
    // JOS has no idempotency parameter, so the hub's key must not reach the business JSON.
    const asHub: MarketplaceAdapter = adapter;
    const outcome = await asHub.perform(
      context(),
      {
        type: 'approve_return',
        returnAddress: {
          name: '张三',
          phone: '13800000000',
          address: '科创十一街18号',
          province: '15',
          city: '1213',
          district: '3038',
        },
      },
      serviceTicket,
      { idempotencyKey: 'act-1' },
    );
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase?.externalId).toBe(SERVICE_ID);
  });

  it('reports a stale sysVersion on refuse as CONFLICT', async () => {
    const scope = signedCall(jos(), JD_METHODS.ascAuditRefuse, {
      ...TARGET,
      approveNotes: '商品已使用，不支持退货',
      sysVersion: 3,
      approveReasonCid1: 7,
    }).reply(200, fixture('asc-audit-refuse-stale.json'));
    const error = await rejection(
      adapter.perform(
        context(),
        { type: 'refuse_refund', reason: '商品已使用，不支持退货', reasonCode: '7' },
        serviceTicket,
      ),
    );
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(AdapterErrorCode.CONFLICT);
  });

  it('refuses a return with the default audit reason when the code is not a number, then re-reads', async () => {
    const scope = jos();
    signedCall(scope, JD_METHODS.ascAuditRefuse, {
      ...TARGET,
      approveNotes: '超过七天无理由退货期限',
      sysVersion: 3,
      approveReasonCid1: 1,
    }).reply(200, writeOk(JD_METHODS.ascAuditRefuse));
    signedCall(scope, JD_METHODS.ascSyncList, serviceRead).reply(200, fixture('asc-sync-list.json'));
    const outcome = await adapter.perform(
      context(),
      { type: 'refuse_return', reason: '超过七天无理由退货期限', reasonCode: '超期' },
      serviceTicket,
    );
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase?.externalId).toBe(SERVICE_ID);
  });

  it('registers a received return with the operator as receiver and the default condition codes', async () => {
    const scope = jos();
    signedCall(scope, JD_METHODS.ascReceiveRegister, {
      ...TARGET,
      receivePin: 'op1',
      receiveName: 'op1',
      ...JD_RECEIVE_REGISTER_DEFAULTS,
      receiveRemark: '已收到退货',
    }).reply(200, writeOk(JD_METHODS.ascReceiveRegister));
    signedCall(scope, JD_METHODS.ascSyncList, serviceRead).reply(200, fixture('asc-sync-list.json'));
    await adapter.perform(
      context(),
      { type: 'confirm_return_received' },
      { ...serviceTicket, stage: 'return_shipped' },
    );
    expect(scope.isDone()).toBe(true);
  });

  it('still reports the audit when the re-read after it fails', async () => {
    const scope = jos();
    signedCall(scope, JD_METHODS.ascAuditRefuse, {
      ...TARGET,
      approveNotes: '不同意',
      sysVersion: 3,
      approveReasonCid1: 1,
    }).reply(200, writeOk(JD_METHODS.ascAuditRefuse));
    signedCall(scope, JD_METHODS.ascSyncList, serviceRead).reply(200, fixture('error-throttled.json'));
    const outcome = await adapter.perform(
      context(),
      { type: 'refuse_refund', reason: '不同意', reasonCode: null },
      serviceTicket,
    );
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase).toBeNull();
    expect(outcome.rereadError).toMatch(/JD error 2 /);
  });

  it.each<[string, TicketForAction, AdapterAction, AdapterErrorCode]>([
    [
      'approve_refund, which service orders lack',
      serviceTicket,
      { type: 'approve_refund', amount: null },
      AdapterErrorCode.UNSUPPORTED,
    ],
    [
      'a return address without JD area ids',
      serviceTicket,
      { type: 'approve_return', returnAddress: { name: 'a', phone: '1', address: 'x', province: '浙江' } },
      AdapterErrorCode.INVALID,
    ],
    [
      'an audit without sysVersion',
      { ...serviceTicket, platformVersion: null },
      { type: 'refuse_refund', reason: '不同意', reasonCode: null },
      AdapterErrorCode.INVALID,
    ],
    [
      'a refusal without notes',
      serviceTicket,
      { type: 'refuse_return', reason: ' ', reasonCode: null },
      AdapterErrorCode.INVALID,
    ],
  ])('rejects %s without calling', async (_, target, action, code) => {
    expect((await rejection(adapter.perform(context(), action, target))).code).toBe(code);
    expect(unmatched).toEqual([]);
  });
});

describe('JdAdapter.perform on refund applications', () => {
  it('approves with replyRefund status 1 and the id as a bare integer, then re-reads by ids', async () => {
    const scope = jos();
    signedCall(scope, JD_METHODS.refundApplyReply, {
      id: 5123456789012345678n,
      status: 1,
      checkUserName: 'op1',
      remark: JD_REFUND_APPROVE_REMARK,
    }).reply(200, fixture('refundapply-reply.json'));
    signedCall(scope, JD_METHODS.refundApplyList, applyRead).reply(
      200,
      fixture('refundapply-query-page-list.json'),
    );
    const outcome = await adapter.perform(context(), { type: 'approve_refund', amount: null }, applyTicket);
    expect(scope.isDone()).toBe(true);
    expect(outcome.updatedCase?.externalId).toBe(`RA-${APPLY_ID}`);
  });

  it('refuses with status 2, the remark and the default reject type; a refused reply is INVALID', async () => {
    const scope = signedCall(jos(), JD_METHODS.refundApplyReply, {
      id: 5123456789012345678n,
      status: 2,
      checkUserName: 'op1',
      remark: '商品已发出',
      rejectType: 5,
    }).reply(
      200,
      '{"jingdong_pop_afs_soa_refundapply_replyRefund_responce":{"code":"0","replyResult":{"success":false,"errorMsg":"该申请单已审核"}}}',
    );
    const error = await rejection(
      adapter.perform(
        context(),
        { type: 'refuse_refund', reason: '商品已发出', reasonCode: null },
        applyTicket,
      ),
    );
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(AdapterErrorCode.INVALID);
    expect(error.message).toContain('该申请单已审核');
  });

  it.each<[string, AdapterAction, AdapterErrorCode]>([
    [
      'a partial amount',
      { type: 'approve_refund', amount: { amountMinor: 100, currency: 'CNY' } },
      AdapterErrorCode.INVALID,
    ],
    ['a return approval', { type: 'approve_return', returnAddress: null }, AdapterErrorCode.UNSUPPORTED],
    ['a message', { type: 'send_message', text: '您好' }, AdapterErrorCode.UNSUPPORTED],
  ])('rejects %s without calling', async (_, action, code) => {
    expect((await rejection(adapter.perform(context(), action, applyTicket))).code).toBe(code);
    expect(unmatched).toEqual([]);
  });
});

describe('JdAdapter pushes', () => {
  const pushed = { dedupeKey: 'k', eventType: 'refund', externalId: null, payload: '{}' };

  it('takes no pushes: it has no webhook verifier and pushed events cannot be resolved', async () => {
    expect((adapter as MarketplaceAdapter).verifyWebhook).toBeUndefined();
    expect(adapter.capabilities.push).toBe('none');
    expect((await rejection(adapter.resolveEvent(context(), pushed))).code).toBe(
      AdapterErrorCode.UNSUPPORTED,
    );
  });

  it('re-reads an unmapped pulled row when it is retried', async () => {
    const scope = jos();
    signedCall(scope, JD_METHODS.ascSyncList, syncWindow(1)).reply(200, fixture('asc-sync-list.json'));
    signedCall(scope, JD_METHODS.refundApplyList, {
      applyTimeStart: '2026-11-22 17:05:00',
      applyTimeEnd: '2026-11-23 17:05:00',
      pageIndex: 1,
      pageSize: 50,
    }).reply(200, fixture('refundapply-query-page-list.json').replace('"status":0', '"status":42'));
    const first = await adapter.pull(context(), null);
    const second = await adapter.pull(context(), first.nextCursor);
    expect(second.cases).toEqual([]);
    const unmapped = second.unmapped?.[0];
    expect(unmapped?.error).toBe('unknown JD refund application status 42');
    signedCall(scope, JD_METHODS.refundApplyList, applyRead).reply(
      200,
      fixture('refundapply-query-page-list.json'),
    );
    const resolved = await adapter.resolveEvent(context(), unmapped!.event);
    expect(scope.isDone()).toBe(true);
    expect(resolved).toMatchObject({ externalId: `RA-${APPLY_ID}`, stage: 'requested' });
  });
});
