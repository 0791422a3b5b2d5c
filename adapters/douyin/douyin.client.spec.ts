import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ParsedUrlQuery } from 'node:querystring';
import { LosslessNumber } from 'lossless-json';
import nock from 'nock';
import { AdapterErrorCode, type AdapterContext } from '../contract';
import { DouyinClient, douyinMethod, douyinParamJson, signDouyin } from './douyin.client';
import { DOUYIN_THROTTLE_ERROR, DOUYIN_THROTTLE_RETRY_MS } from './douyin.errors';
import { DOUYIN_PATHS } from './douyin.types';
import { guardNock, rejection } from '../shared/testing/nock-guard';

const GATEWAY = 'https://openapi-fxg.jinritemai.com';
const fixture = (name: string): string => readFileSync(join(__dirname, '__fixtures__', name), 'utf8');
// Computed once with node:crypto, independently of this code:
//   createHmac('sha256', 'dy-secret-42').update('dy-secret-42' + 'app_key7012345678901234567'
//     + 'methodafterSale.Detail' + 'param_json{"after_sale_id":"7098765432109876543"}'
//     + 'timestamp1700000000' + 'v2' + 'dy-secret-42').digest('hex')
const DETAIL_SIGN = 'e2d289447277b91c94e234be34789952a76ef41057ec8470611b8bf36bf3c0e7';
const credentials = { appKey: '7012345678901234567', appSecret: 'dy-secret-42', accessToken: 'dy-token' };

function context(): AdapterContext & { acquired: number } {
  const ctx = {
    acquired: 0,
    connection: {
      id: 'conn-dy',
      tenantId: 'tenant-1',
      platform: 'douyin' as const,
      shopId: '4463798',
      apiBaseUrl: GATEWAY,
      credentials,
    },
    limiter: { acquire: () => Promise.resolve(void (ctx.acquired += 1)) },
    now: () => new Date(1_700_000_000_000),
  };
  return ctx;
}

/** The documented rule written out again, so the client is checked against it rather than against itself. */
function documentedSign(method: string, paramJson: string, timestamp: string): string {
  const { appKey, appSecret } = credentials;
  const pattern = `app_key${appKey}method${method}param_json${paramJson}timestamp${timestamp}v2`;
  return createHmac('sha256', appSecret).update(`${appSecret}${pattern}${appSecret}`).digest('hex');
}

/** An `afterSale/List` call whose query is signed over exactly the body the interceptor expects. */
function listCall(paramJson = '{}') {
  return nock(GATEWAY)
    .post(DOUYIN_PATHS.list, paramJson)
    .query(
      (query: ParsedUrlQuery) =>
        query.method === 'afterSale.List' &&
        query.sign === documentedSign('afterSale.List', paramJson, String(query.timestamp)),
    );
}

const { unmatched } = guardNock();

describe('Douyin request signing', () => {
  it('signs hex HMAC-SHA256 keyed by the secret over the secret-wrapped pattern', () => {
    expect(
      signDouyin({
        appKey: '7012345678901234567',
        appSecret: 'dy-secret-42',
        method: 'afterSale.Detail',
        paramJson: '{"after_sale_id":"7098765432109876543"}',
        timestamp: 1_700_000_000,
      }),
    ).toBe(DETAIL_SIGN);
  });

  it('derives the method from the path', () => {
    expect(douyinMethod(DOUYIN_PATHS.list)).toBe('afterSale.List');
    expect(douyinMethod(DOUYIN_PATHS.operate)).toBe('afterSale.operate');
  });

  it('writes param_json with keys sorted at every level, HTML unescaped and int64 bare', () => {
    const text = douyinParamJson({
      type: 201,
      items: [
        {
          remark: '<破损>&',
          aftersale_id: '7098765432109876543',
          logistics: { receiver_address_id: new LosslessNumber('5567891234567890123') },
        },
      ],
    });
    expect(text).toBe(
      '{"items":[{"aftersale_id":"7098765432109876543","logistics":{"receiver_address_id":5567891234567890123},"remark":"<破损>&"}],"type":201}',
    );
  });
});

describe('DouyinClient', () => {
  it('POSTs param_json to the path with the signed query and returns data losslessly', async () => {
    const scope = nock(GATEWAY, { reqheaders: { 'content-type': /^application\/json/ } })
      .post(DOUYIN_PATHS.detail, '{"after_sale_id":"7098765432109876543"}')
      .query({
        app_key: '7012345678901234567',
        method: 'afterSale.Detail',
        timestamp: '1700000000',
        v: '2',
        sign_method: 'hmac-sha256',
        sign: DETAIL_SIGN,
        access_token: 'dy-token',
      })
      .reply(200, fixture('aftersale-detail.json'));
    const ctx = context();
    const data = await new DouyinClient(ctx).call<{
      process_info: { after_sale_info: { after_sale_id: unknown } };
    }>(DOUYIN_PATHS.detail, { after_sale_id: '7098765432109876543' });
    expect(scope.isDone()).toBe(true);
    expect(ctx.acquired).toBe(1);
    expect(data.process_info.after_sale_info.after_sale_id).toBe('7098765432109876543');
  });

  it.each([
    ['error-token-expired.json', AdapterErrorCode.AUTH, '40003/isv.access-token-expired'],
    ['error-parameter-format.json', AdapterErrorCode.INVALID, '40003/isv.parameter-format-invalid'],
    ['error-service-unavailable.json', AdapterErrorCode.TEMPORARY, '20000/isp.service-error'],
  ])('maps %s to %s', async (name, code, upstreamCode) => {
    const scope = listCall().reply(200, fixture(name));
    const error = await rejection(new DouyinClient(context()).call(DOUYIN_PATHS.list, {}));
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(code);
    expect(error.upstream.code).toBe(upstreamCode);
  });

  it('maps the throttling envelope to RATE_LIMITED with a retry hint', async () => {
    const scope = listCall().reply(
      200,
      JSON.stringify({
        code: DOUYIN_THROTTLE_ERROR.code,
        msg: '请求过于频繁',
        sub_code: DOUYIN_THROTTLE_ERROR.subCode,
      }),
    );
    const error = await rejection(new DouyinClient(context()).call(DOUYIN_PATHS.list, {}));
    expect(scope.isDone()).toBe(true);
    expect(error.code).toBe(AdapterErrorCode.RATE_LIMITED);
    expect(error.retryAfterMs).toBe(DOUYIN_THROTTLE_RETRY_MS);
  });

  it('maps HTTP 502 to TEMPORARY and an answer without an envelope to TEMPORARY', async () => {
    const scopes = [listCall().reply(502, 'Bad Gateway'), listCall().reply(200, '<html>maintenance</html>')];
    const call = () => rejection(new DouyinClient(context()).call(DOUYIN_PATHS.list, {}));
    expect((await call()).code).toBe(AdapterErrorCode.TEMPORARY);
    expect((await call()).code).toBe(AdapterErrorCode.TEMPORARY);
    expect(scopes.every((scope) => scope.isDone())).toBe(true);
  });

  it('refuses to call without an access token, before spending the rate budget', async () => {
    const ctx = context();
    ctx.connection.credentials = { appKey: credentials.appKey, appSecret: credentials.appSecret };
    expect((await rejection(new DouyinClient(ctx).call(DOUYIN_PATHS.list, {}))).code).toBe(
      AdapterErrorCode.AUTH,
    );
    expect(ctx.acquired).toBe(0);
    expect(unmatched).toEqual([]);
  });
});
