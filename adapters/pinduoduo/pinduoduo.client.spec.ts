import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import nock from 'nock';
import { AdapterErrorCode, type AdapterContext } from '../contract';
import { buildPddParams, PinduoduoClient, signPddParams, unwrapPddResponse } from './pinduoduo.client';
import { PDD_METHODS } from './pinduoduo.types';
import { guardNock, rejection } from '../shared/testing/nock-guard';

const GATEWAY = 'https://gw-api.pinduoduo.com';
const ROUTER = '/api/router';
const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const credentials = { clientId: '4b6f0c1e', clientSecret: 's3cr3t', accessToken: 'tok-9f2' };

type PddForm = Record<string, string>;

function context(): AdapterContext & { acquired: number } {
  const ctx = {
    acquired: 0,
    connection: {
      id: 'conn-1',
      tenantId: 'tenant-1',
      platform: 'pinduoduo' as const,
      shopId: '171504183',
      apiBaseUrl: `${GATEWAY}${ROUTER}`,
      credentials,
    },
    limiter: { acquire: () => Promise.resolve(void (ctx.acquired += 1)) },
    now: () => new Date(1_700_000_000_000),
  };
  return ctx;
}

/** The documented rule written out again, so the client is checked against it rather than against itself. */
function documentedSign(form: PddForm, secret: string): string {
  const pairs = Object.keys(form)
    .filter((key) => key !== 'sign')
    .sort()
    .map((key) => `${key}${form[key]}`)
    .join('');
  return createHash('md5').update(`${secret}${pairs}${secret}`).digest('hex').toUpperCase();
}

const typeIs =
  (type: string) =>
  (form: PddForm): boolean =>
    form.type === type && form.sign === documentedSign(form, credentials.clientSecret);

const { unmatched } = guardNock();

describe('Pinduoduo request signing', () => {
  // Computed once with node:crypto, independently of this code:
  //   md5("s3cr3t" + "access_tokentok-9f2client_id4b6f0c1edata_typeJSONrequest{…}timestamp1700000000typepdd.refund.agreeversionV1" + "s3cr3t")
  //   upper-cased.
  const AGREE_SIGN = '6524FF48ED5401E72F1E5F70FF248996';
  const AGREE_FORM = {
    type: 'pdd.refund.agree',
    client_id: '4b6f0c1e',
    access_token: 'tok-9f2',
    timestamp: '1700000000',
    data_type: 'JSON',
    version: 'V1',
    request: '{"after_sales_id":"7381745730","order_sn":"210707-339507978993455"}',
  };

  it('signs uppercase MD5 over secret + sorted key/value pairs + secret', () => {
    expect(signPddParams(AGREE_FORM, 's3cr3t')).toBe(AGREE_SIGN);
  });

  it('JSON-encodes nested objects before signing and adds the common parameters', () => {
    const params = buildPddParams(
      PDD_METHODS.refundAgree,
      { request: { after_sales_id: '7381745730', order_sn: '210707-339507978993455' } },
      credentials,
      new Date(1_700_000_000_000),
    );
    expect(params).toEqual({ ...AGREE_FORM, sign: AGREE_SIGN });
  });

  it('puts exactly the signed form on the wire', async () => {
    const scope = nock(GATEWAY)
      .post(ROUTER, { ...AGREE_FORM, sign: AGREE_SIGN })
      .reply(200, fixture('refund-agree.json'));
    const answer = await new PinduoduoClient(context()).call<{ result: { after_sales_id: unknown } }>(
      PDD_METHODS.refundAgree,
      { request: { after_sales_id: '7381745730', order_sn: '210707-339507978993455' } },
    );
    expect(scope.isDone()).toBe(true);
    expect(answer.result.after_sales_id).toBe('7381745730123456789');
  });
});

describe('PinduoduoClient', () => {
  it('POSTs the signed form to /api/router and unwraps the …_response key losslessly', async () => {
    const scope = nock(GATEWAY, {
      reqheaders: { 'content-type': /^application\/x-www-form-urlencoded/ },
    })
      .post(
        ROUTER,
        (form: PddForm) =>
          typeIs('pdd.refund.list.increment.get')(form) &&
          form.client_id === '4b6f0c1e' &&
          form.access_token === 'tok-9f2' &&
          form.timestamp === '1700000000' &&
          form.data_type === 'JSON' &&
          form.version === 'V1' &&
          form.start_updated_at === '1699998200' &&
          form.end_updated_at === '1700000000' &&
          form.page === '1',
      )
      .reply(200, fixture('refund-increment-get.json'));
    const ctx = context();
    const page = await new PinduoduoClient(ctx).call<{ refund_list: { id: unknown }[] }>(
      PDD_METHODS.refundList,
      { start_updated_at: 1_699_998_200, end_updated_at: 1_700_000_000, page: 1 },
    );
    expect(scope.isDone()).toBe(true);
    expect(ctx.acquired).toBe(1);
    expect(page.refund_list.map((row) => row.id)).toEqual([
      '7381745730123456789',
      '7381745730123456790',
      '7381745730123456791',
    ]);
  });

  it.each([
    ['error-throttled.json', AdapterErrorCode.RATE_LIMITED, '52101'],
    ['error-too-frequent.json', AdapterErrorCode.RATE_LIMITED, '70031'],
    ['error-token-expired.json', AdapterErrorCode.AUTH, '10019'],
  ])('maps %s to %s', async (name, code, upstreamCode) => {
    const scope = nock(GATEWAY)
      .post(ROUTER, typeIs('pdd.refund.list.increment.get'))
      .reply(200, fixture(name));
    const error = await rejection(new PinduoduoClient(context()).call(PDD_METHODS.refundList));
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(code);
    expect(error.upstream.code).toBe(upstreamCode);
  });

  it('treats unknown business error codes as INVALID', async () => {
    const scope = nock(GATEWAY)
      .post(ROUTER, typeIs('pdd.refund.list.increment.get'))
      .reply(200, '{"error_response":{"error_code":21001,"error_msg":"业务参数错误","request_id":"1"}}');
    const error = await rejection(new PinduoduoClient(context()).call(PDD_METHODS.refundList));
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(AdapterErrorCode.INVALID);
    expect(error.message).toContain('业务参数错误');
  });

  it.each([
    [20004, AdapterErrorCode.AUTH],
    [10016, AdapterErrorCode.AUTH],
    [50000, AdapterErrorCode.TEMPORARY],
    [50002, AdapterErrorCode.TEMPORARY],
    [52001, AdapterErrorCode.TEMPORARY],
    [52002, AdapterErrorCode.TEMPORARY],
  ])('maps error_code %s from the documented table to %s', async (errorCode, code) => {
    const scope = nock(GATEWAY)
      .post(ROUTER, typeIs('pdd.refund.list.increment.get'))
      .reply(200, `{"error_response":{"error_code":${errorCode},"error_msg":"x","request_id":"1"}}`);
    const error = await rejection(new PinduoduoClient(context()).call(PDD_METHODS.refundList));
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(code);
    expect(error.upstream.code).toBe(String(errorCode));
  });

  it('maps gateway 5xx to TEMPORARY and HTTP 429 to RATE_LIMITED', async () => {
    const scope = nock(GATEWAY)
      .post(ROUTER, typeIs('pdd.refund.list.increment.get'))
      .reply(503, 'busy')
      .post(ROUTER, typeIs('pdd.refund.list.increment.get'))
      .reply(502, 'bad gateway')
      .post(ROUTER, typeIs('pdd.refund.list.increment.get'))
      .reply(429, '', { 'retry-after': '2' });
    const call = () => rejection(new PinduoduoClient(context()).call(PDD_METHODS.refundList));
    expect((await call()).code).toBe(AdapterErrorCode.TEMPORARY);
    expect((await call()).code).toBe(AdapterErrorCode.TEMPORARY);
    const throttled = await call();
    expect(scope.isDone()).toBe(true);
    expect(throttled.code).toBe(AdapterErrorCode.RATE_LIMITED);
    expect(throttled.retryAfterMs).toBe(2000);
  });

  it('refuses to call without credentials, before spending the rate budget', async () => {
    const ctx = context();
    ctx.connection.credentials = { clientId: 'x', clientSecret: 'y' };
    expect((await rejection(new PinduoduoClient(ctx).call(PDD_METHODS.refundList))).code).toBe(
      AdapterErrorCode.AUTH,
    );
    expect(ctx.acquired).toBe(0);
    expect(unmatched).toEqual([]);
  });

  it('reads the detail answer from the top level, where its fields stand without a wrapper', () => {
    const detail = unwrapPddResponse<{ id: unknown; after_sales_status: number }>(
      PDD_METHODS.refundInformation,
      '{"id":7381745730123456789,"after_sales_status":2,"order_sn":"210707-339507978993455"}',
    );
    expect(detail).toMatchObject({ id: '7381745730123456789', after_sales_status: 2 });
  });

  it('refuses a list answer without its wrapper', () => {
    expect(() => unwrapPddResponse(PDD_METHODS.refundList, '{"total_count":0,"refund_list":[]}')).toThrow(
      'answered without refund_increment_get_response',
    );
  });
});
