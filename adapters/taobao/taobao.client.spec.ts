import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import nock from 'nock';
import { AdapterErrorCode, type AdapterContext, type RateLimiter } from '../contract';
import { buildTopParams, signTopParams, TaobaoClient } from './taobao.client';
import { TOP_METHODS } from './taobao.types';
import { guardNock, rejection } from '../shared/testing/nock-guard';

const GATEWAY = 'https://eco.taobao.com';
const ROUTER = '/router/rest';
const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const CREDENTIALS = { appKey: '12345678', appSecret: 'helloworld', sessionKey: 'test-session' };
const NOW = new Date('2026-11-23T09:00:00Z'); // 17:00:00 GMT+8

type TopForm = Record<string, string>;

const VECTOR_PARAMS = {
  method: 'taobao.refund.get',
  app_key: '12345678',
  session: 'test-session',
  timestamp: '2026-11-23 17:00:00',
  format: 'json',
  v: '2.0',
  sign_method: 'md5',
  refund_id: '181784773340365852',
  fields: 'refund_id,status',
};
const VECTOR_BUSINESS = { refund_id: '181784773340365852', fields: 'refund_id,status' };

// All three computed once with openssl over the sorted string
// "app_key12345678fieldsrefund_id,statusformatjson…sign_method<method>timestamp2026-11-23 17:00:00v2.0":
//   printf '%s' 'helloworld<string>helloworld' | openssl md5
//   printf '%s' '<string>' | openssl dgst -md5 -hmac helloworld
//   printf '%s' '<string>' | openssl dgst -sha256 -hmac helloworld
const MD5_SIGN = '681219D4FB4B27FA1E80A8CAEF255737';
const HMAC_SIGN = '0565881403EF779C9D72AF30603E72D7';
const HMAC_SHA256_SIGN = '0BC2A435A1DA4ADFE29537278EFF189CF8BCC2006972573C7A9C000527EEDFD7';

function context(
  credentials: Record<string, string> = CREDENTIALS,
  limiter: RateLimiter = { acquire: () => Promise.resolve() },
): AdapterContext {
  return {
    connection: {
      id: 'c1',
      tenantId: 't1',
      platform: 'taobao',
      shopId: 's',
      apiBaseUrl: `${GATEWAY}${ROUTER}`,
      credentials,
    },
    limiter,
    now: () => NOW,
  };
}

/** The documented md5 rule written out again, so the wire is checked against it rather than against the client. */
function documentedSign(form: TopForm): string {
  const pairs = Object.keys(form)
    .filter((key) => key !== 'sign' && form[key] !== '')
    .sort()
    .map((key) => `${key}${form[key]}`)
    .join('');
  const { appSecret } = CREDENTIALS;
  return createHash('md5').update(`${appSecret}${pairs}${appSecret}`).digest('hex').toUpperCase();
}

/** A refund.get form with the common parameters for NOW and exactly the vector's business ones, md5-signed. */
function signedRefundGet(form: TopForm): boolean {
  const { sign, ...unsigned } = form;
  return isDeepStrictEqual(unsigned, VECTOR_PARAMS) && sign === documentedSign(form);
}

const gateway = () =>
  nock(GATEWAY, { reqheaders: { 'content-type': /^application\/x-www-form-urlencoded/ } });
const refundGet = (ctx = context()) =>
  new TaobaoClient(ctx).call<{ refund: { refund_id: unknown; tid: unknown } }>(
    TOP_METHODS.refundGet,
    VECTOR_BUSINESS,
  );

const { unmatched } = guardNock();

describe('TOP request signing', () => {
  it('signs md5 as uppercase MD5(secret + sorted k+v + secret)', () => {
    expect(signTopParams(VECTOR_PARAMS, 'helloworld', 'md5')).toBe(MD5_SIGN);
  });

  it('signs hmac as uppercase HMAC-MD5 keyed by the secret over the sorted string alone', () => {
    expect(signTopParams({ ...VECTOR_PARAMS, sign_method: 'hmac' }, 'helloworld', 'hmac')).toBe(HMAC_SIGN);
  });

  it('signs hmac-sha256 as uppercase HMAC-SHA256 keyed by the secret over the sorted string alone', () => {
    expect(signTopParams({ ...VECTOR_PARAMS, sign_method: 'hmac-sha256' }, 'helloworld', 'hmac-sha256')).toBe(
      HMAC_SHA256_SIGN,
    );
  });

  it('ignores an existing sign and empty values when signing', () => {
    expect(signTopParams({ ...VECTOR_PARAMS, sign: 'OLD', partner_id: '' }, 'helloworld', 'md5')).toBe(
      MD5_SIGN,
    );
  });

  it('builds the common parameters with the timestamp in GMT+8', () => {
    const params = buildTopParams(TOP_METHODS.refundGet, VECTOR_BUSINESS, CREDENTIALS, NOW);
    expect(params).toEqual({ ...VECTOR_PARAMS, sign: MD5_SIGN });
  });

  it('refuses a sign method TOP does not know', () => {
    expect(() =>
      buildTopParams(TOP_METHODS.refundGet, {}, { ...CREDENTIALS, signMethod: 'sha1' }, NOW),
    ).toThrow('signMethod must be one of');
  });
});

describe('TaobaoClient', () => {
  it('acquires the rate budget, then POSTs exactly the signed form to /router/rest', async () => {
    const order: string[] = [];
    const scope = gateway()
      .post(ROUTER, { ...VECTOR_PARAMS, sign: MD5_SIGN })
      .reply(() => {
        order.push('request');
        return [200, fixture('refund-get.json')];
      });
    const limiter = { acquire: () => Promise.resolve(void order.push('acquire')) };
    await refundGet(context(CREDENTIALS, limiter));
    expect(scope.isDone()).toBe(true);
    expect(order).toEqual(['acquire', 'request']);
  });

  it('sends sign_method and an HMAC signature when the connection asks for hmac', async () => {
    const scope = gateway()
      .post(ROUTER, { ...VECTOR_PARAMS, sign_method: 'hmac', sign: HMAC_SIGN })
      .reply(200, fixture('refund-get.json'));
    await refundGet(context({ ...CREDENTIALS, signMethod: 'hmac' }));
    expect(scope.isDone()).toBe(true);
  });

  it('unwraps <method>_response and keeps 19-digit ids as exact strings', async () => {
    const scope = gateway().post(ROUTER, signedRefundGet).reply(200, fixture('refund-get.json'));
    const body = await refundGet();
    expect(scope.isDone()).toBe(true);
    expect(body.refund.refund_id).toBe('7091800003790954036');
    expect(body.refund.tid).toBe('2918463734761365258');
  });

  it.each([
    ['error-app-call-limited.json', AdapterErrorCode.RATE_LIMITED, '7', 12_000],
    ['error-frequency.json', AdapterErrorCode.RATE_LIMITED, '8', undefined],
    ['error-invalid-session.json', AdapterErrorCode.AUTH, '27', undefined],
    ['error-stale-version.json', AdapterErrorCode.CONFLICT, '15', undefined],
    ['error-not-exist.json', AdapterErrorCode.NOT_FOUND, '15', undefined],
    ['error-isp.json', AdapterErrorCode.TEMPORARY, '15', undefined],
  ])('maps %s to %s (code %s, retry after %s ms)', async (name, code, upstreamCode, retryAfterMs) => {
    const scope = gateway().post(ROUTER, signedRefundGet).reply(200, fixture(name));
    const error = await rejection(refundGet());
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(code);
    expect(error.upstream.code).toBe(upstreamCode);
    expect(error.retryAfterMs).toBe(retryAfterMs);
  });

  it('maps gateway 5xx to TEMPORARY and HTTP 429 to RATE_LIMITED', async () => {
    const scope = gateway()
      .post(ROUTER, signedRefundGet)
      .reply(502, 'bad gateway')
      .post(ROUTER, signedRefundGet)
      .reply(503, 'unavailable')
      .post(ROUTER, signedRefundGet)
      .reply(429, '', { 'retry-after': '2' });
    expect((await rejection(refundGet())).code).toBe(AdapterErrorCode.TEMPORARY);
    expect((await rejection(refundGet())).code).toBe(AdapterErrorCode.TEMPORARY);
    const throttled = await rejection(refundGet());
    expect(scope.isDone()).toBe(true);
    expect(throttled.code).toBe(AdapterErrorCode.RATE_LIMITED);
    expect(throttled.retryAfterMs).toBe(2000);
  });

  it('treats an answer that is not JSON, or lacks the method wrapper, as TEMPORARY', async () => {
    const scope = gateway()
      .post(ROUTER, signedRefundGet)
      .reply(200, '<html>maintenance</html>')
      .post(ROUTER, signedRefundGet)
      .reply(200, '{"refunds_receive_get_response":{}}');
    expect((await rejection(refundGet())).code).toBe(AdapterErrorCode.TEMPORARY);
    const unwrapped = await rejection(refundGet());
    expect(scope.isDone()).toBe(true);
    expect(unwrapped.code).toBe(AdapterErrorCode.TEMPORARY);
    expect(unwrapped.message).toContain('refund_get_response');
  });

  it('refuses to call without a session key, before spending the rate budget', async () => {
    const acquire = jest.fn(() => Promise.resolve());
    const error = await rejection(refundGet(context({ appKey: '1', appSecret: '2' }, { acquire })));
    expect(error.code).toBe(AdapterErrorCode.AUTH);
    expect(acquire).not.toHaveBeenCalled();
    expect(unmatched).toEqual([]);
  });
});
