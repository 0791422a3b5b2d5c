import { AdapterError, AdapterErrorCode, type AdapterContext } from '../contract';
import { toUnixSeconds } from '../shared/china-time';
import { createHttpClient } from '../shared/http-client';
import { mapTransportError } from '../shared/http-errors';
import { isLosslessNumber } from 'lossless-json';
import { parseLosslessJson, stringifyLosslessJson } from '../shared/lossless-json';
import { hmacHex } from '../shared/signing';
import { mapDouyinError } from './douyin.errors';
import { DOUYIN_SUCCESS_CODE, type DouyinEnvelope, type DouyinPath } from './douyin.types';

/** `/afterSale/List` → `afterSale.List`, as the SDK derives the method from the path. */
export function douyinMethod(path: DouyinPath): string {
  return path.replace(/^\//, '').replace(/\//g, '.');
}

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value !== 'object' || value === null || isLosslessNumber(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, child]) => child !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, child]) => [key, sortKeysDeep(child)]));
}

/**
 * `param_json` as the SDK marshals it: re-encoded through a map (keys sorted at every level), HTML characters
 * left as they are, int64 ids passed as LosslessNumber written bare; Go's encoder still escapes U+2028/U+2029, so they are escaped here too.
 */
export function douyinParamJson(params: object): string {
  return stringifyLosslessJson(sortKeysDeep(params))
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** hex(HMAC-SHA256(key=app_secret, app_secret + "app_key"… "method"… "param_json"… "timestamp"… "v2" + app_secret)). */
export function signDouyin(input: {
  appKey: string;
  appSecret: string;
  method: string;
  paramJson: string;
  timestamp: number | string;
}): string {
  const pattern = `app_key${input.appKey}method${input.method}param_json${input.paramJson}timestamp${input.timestamp}v2`;
  return hmacHex('sha256', input.appSecret, `${input.appSecret}${pattern}${input.appSecret}`);
}

export function parseDouyinEnvelope<T>(path: DouyinPath, text: string): T {
  let body: DouyinEnvelope<T>;
  try {
    body = parseLosslessJson(text) as DouyinEnvelope<T>;
  } catch {
    throw new AdapterError(AdapterErrorCode.TEMPORARY, `${path} answered with something that is not JSON`);
  }
  if (typeof body !== 'object' || body === null || typeof body.code !== 'number') {
    throw new AdapterError(AdapterErrorCode.TEMPORARY, `${path} answered without an envelope`);
  }
  if (body.code !== DOUYIN_SUCCESS_CODE) throw mapDouyinError(body);
  return (body.data ?? {}) as T;
}

/**
 * Every official SDK (Java, Go, Python) sends `x-open-no-old-err-code: 1`, which asks the gateway for the current
 * error codes rather than the legacy ones; the error table in douyin.errors.ts is the current one.
 */
export const DOUYIN_SDK_HEADERS = { 'x-open-no-old-err-code': '1' } as const;

/** Signed calls to the Douyin Shop gateway; `data` is returned once `code` is 10000. */
export class DouyinClient {
  constructor(private readonly ctx: AdapterContext) {}

  async call<T>(path: DouyinPath, params: object): Promise<T> {
    const { credentials, apiBaseUrl } = this.ctx.connection;
    for (const field of ['appKey', 'appSecret', 'accessToken']) {
      if (!credentials[field])
        throw new AdapterError(AdapterErrorCode.AUTH, `the connection has no ${field}`);
    }
    await this.ctx.limiter.acquire();
    const method = douyinMethod(path);
    const paramJson = douyinParamJson(params);
    const timestamp = toUnixSeconds(this.ctx.now());
    const query = {
      app_key: credentials.appKey,
      method,
      timestamp: String(timestamp),
      v: '2',
      sign_method: 'hmac-sha256',
      sign: signDouyin({
        appKey: credentials.appKey,
        appSecret: credentials.appSecret,
        method,
        paramJson,
        timestamp,
      }),
      access_token: credentials.accessToken,
    };
    let text: string;
    try {
      const response = await createHttpClient(apiBaseUrl).post<string>(path, paramJson, {
        params: query,
        headers: { 'content-type': 'application/json;charset=utf-8', ...DOUYIN_SDK_HEADERS },
      });
      text = response.data;
    } catch (error) {
      throw (
        mapTransportError(error) ??
        new AdapterError(AdapterErrorCode.TEMPORARY, `${method} failed: ${(error as Error).message}`)
      );
    }
    return parseDouyinEnvelope<T>(path, text);
  }
}
