import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedUrlQuery } from 'node:querystring';
import { isDeepStrictEqual } from 'node:util';
import nock from 'nock';
import { AdapterErrorCode, type AdapterContext, type RateLimiter } from '../contract';
import { buildJdParams, JdClient, signJdParams } from './jd.client';
import { JD_METHODS } from './jd.types';
import { guardNock, rejection } from '../shared/testing/nock-guard';

const GATEWAY = 'https://api.jd.com';
const ROUTER = '/routerjson';
const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
const CREDENTIALS = { appKey: 'A1B2C3', appSecret: 'jdsecret', accessToken: 'tok-123' };
const NOW = new Date('2026-11-23T09:00:00Z'); // 17:00:00 GMT+8

const SYSTEM = {
  method: 'jingdong.asc.sync.list',
  app_key: 'A1B2C3',
  access_token: 'tok-123',
  timestamp: '2026-11-23 17:00:00',
  v: '2.0',
};
const PARAM_JSON = '{"buId":"10086001","serviceId":7091800003790954036}';
const BUSINESS = { buId: '10086001', serviceId: BigInt('7091800003790954036') };

// Computed once with:
//   printf '%s' 'jdsecret360buy_param_json{"buId":"10086001","serviceId":7091800003790954036}access_tokentok-123
//   app_keyA1B2C3methodjingdong.asc.sync.listtimestamp2026-11-23 17:00:00v2.0jdsecret' | openssl md5
const EXPECTED_SIGN = '1AE9409F7CFE732213DD8F3EA3E0E67C';

function context(
  credentials: Record<string, string> = CREDENTIALS,
  limiter: RateLimiter = { acquire: () => Promise.resolve() },
): AdapterContext {
  return {
    connection: {
      id: 'c1',
      tenantId: 't1',
      platform: 'jd',
      shopId: '10086001',
      apiBaseUrl: `${GATEWAY}${ROUTER}`,
      credentials,
    },
    limiter,
    now: () => NOW,
  };
}

/** The documented rule written out again, so the wire is checked against it rather than against the client. */
function documentedSign(params: Record<string, string>): string {
  const pairs = Object.keys(params)
    .filter((key) => key !== 'sign')
    .sort()
    .map((key) => `${key}${params[key]}`)
    .join('');
  const { appSecret } = CREDENTIALS;
  return createHash('md5').update(`${appSecret}${pairs}${appSecret}`).digest('hex').toUpperCase();
}

const jos = () => nock(GATEWAY, { reqheaders: { 'content-type': /^application\/x-www-form-urlencoded/ } });

/**
 * The vector's call as JOS expects it: system parameters and the signature in the query, `360buy_param_json`
 * alone in the form body, byte for byte (so the 19-digit id must go out as a bare number).
 */
function vectorCall(scope: nock.Scope = jos()): nock.Interceptor {
  return scope
    .post(ROUTER, (form: Record<string, string>) =>
      isDeepStrictEqual({ ...form }, { '360buy_param_json': PARAM_JSON }),
    )
    .query((query: ParsedUrlQuery) => {
      const { sign, ...system } = query;
      return (
        isDeepStrictEqual(system, SYSTEM) &&
        sign === documentedSign({ ...SYSTEM, '360buy_param_json': PARAM_JSON })
      );
    });
}

const syncList = (ctx = context()) =>
  new JdClient(ctx).call<{ pageResult: { data: { serviceId: unknown; orderId: unknown }[] } }>(
    JD_METHODS.ascSyncList,
    BUSINESS,
  );

const { unmatched } = guardNock();

describe('JOS request signing', () => {
  it('signs uppercase MD5(secret + sorted k+v including 360buy_param_json + secret)', () => {
    expect(signJdParams({ ...SYSTEM, '360buy_param_json': PARAM_JSON }, 'jdsecret')).toBe(EXPECTED_SIGN);
  });

  it('puts business parameters in 360buy_param_json with 19-digit ids as bare numbers, GMT+8 timestamp', () => {
    const params = buildJdParams(JD_METHODS.ascSyncList, BUSINESS, CREDENTIALS, NOW);
    expect(params).toEqual({ ...SYSTEM, '360buy_param_json': PARAM_JSON, sign: EXPECTED_SIGN });
  });
});

describe('JdClient', () => {
  it('acquires the rate budget, then POSTs the signed system query and the JSON body to routerjson', async () => {
    const order: string[] = [];
    const scope = vectorCall().reply(() => {
      order.push('request');
      return [200, fixture('asc-sync-list.json')];
    });
    const limiter = { acquire: () => Promise.resolve(void order.push('acquire')) };
    await syncList(context(CREDENTIALS, limiter));
    expect(scope.isDone()).toBe(true);
    expect(order).toEqual(['acquire', 'request']);
  });

  it('unwraps <method>_responce and keeps 19-digit ids as exact strings', async () => {
    const scope = vectorCall().reply(200, fixture('asc-sync-list.json'));
    const body = await syncList();
    expect(scope.isDone()).toBe(true);
    expect(body.pageResult.data[0].serviceId).toBe('7091800003790954036');
    expect(body.pageResult.data[0].orderId).toBe('3012345678901234567');
  });

  it.each([
    ['error-token-expired.json', AdapterErrorCode.AUTH, '19'],
    ['error-throttled.json', AdapterErrorCode.RATE_LIMITED, '2'],
  ])('maps %s to %s', async (name, code, upstreamCode) => {
    const scope = vectorCall().reply(200, fixture(name));
    const error = await rejection(syncList());
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(code);
    expect(error.upstream.code).toBe(upstreamCode);
  });

  it('treats a non-zero envelope code as INVALID and a missing wrapper as TEMPORARY', async () => {
    const scope = vectorCall().reply(
      200,
      '{"jingdong_asc_sync_list_responce":{"code":"1","zh_desc":"参数错误"}}',
    );
    vectorCall(scope).reply(200, '{"something_else":{}}');
    const refused = await rejection(syncList());
    expect(refused.code).toBe(AdapterErrorCode.INVALID);
    expect(refused.message).toContain('参数错误');
    expect((await rejection(syncList())).code).toBe(AdapterErrorCode.TEMPORARY);
    expect(scope.isDone()).toBe(true);
  });

  it('maps gateway 5xx to TEMPORARY and HTTP 429 to RATE_LIMITED', async () => {
    const scope = vectorCall().reply(503, 'busy');
    vectorCall(scope).reply(502, 'bad gateway');
    vectorCall(scope).reply(429, '', { 'retry-after': '3' });
    expect((await rejection(syncList())).code).toBe(AdapterErrorCode.TEMPORARY);
    expect((await rejection(syncList())).code).toBe(AdapterErrorCode.TEMPORARY);
    const throttled = await rejection(syncList());
    expect(scope.isDone()).toBe(true);
    expect(throttled.code).toBe(AdapterErrorCode.RATE_LIMITED);
    expect(throttled.retryAfterMs).toBe(3000);
  });

  it('refuses to call without an access token, before spending the rate budget', async () => {
    const acquire = jest.fn(() => Promise.resolve());
    const error = await rejection(
      syncList(context({ appKey: 'A1B2C3', appSecret: 'jdsecret' }, { acquire })),
    );
    expect(error.code).toBe(AdapterErrorCode.AUTH);
    expect(acquire).not.toHaveBeenCalled();
    expect(unmatched).toEqual([]);
  });
});
