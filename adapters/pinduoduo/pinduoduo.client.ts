import { AdapterError, AdapterErrorCode, type AdapterContext } from '../contract';
import { toUnixSeconds } from '../shared/china-time';
import { createHttpClient } from '../shared/http-client';
import { mapTransportError } from '../shared/http-errors';
import { parseLosslessJson, stringifyLosslessJson } from '../shared/lossless-json';
import { md5Hex, sortedConcat } from '../shared/signing';
import { mapPddError } from './pinduoduo.errors';
import { PDD_RESPONSE_KEYS, type PddErrorResponse, type PddMethod } from './pinduoduo.types';

export type PddBusinessParams = Record<string, string | number | object>;

/** `sign = UPPER(MD5(client_secret + k1v1k2v2… (sorted by key, sign excluded) + client_secret))`. */
export function signPddParams(params: Record<string, string>, clientSecret: string): string {
  return md5Hex(`${clientSecret}${sortedConcat(params)}${clientSecret}`).toUpperCase();
}

/** Common and business parameters as signed and sent; nested objects are JSON text before signing. */
export function buildPddParams(
  method: PddMethod,
  business: PddBusinessParams,
  credentials: Record<string, string>,
  now: Date,
): Record<string, string> {
  const params: Record<string, string> = {
    type: method,
    client_id: credentials.clientId,
    access_token: credentials.accessToken,
    timestamp: String(toUnixSeconds(now)),
    data_type: 'JSON',
    version: 'V1',
  };
  for (const [key, value] of Object.entries(business)) {
    params[key] = typeof value === 'object' ? stringifyLosslessJson(value) : String(value);
  }
  params.sign = signPddParams(params, credentials.clientSecret);
  return params;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Signed POSTs to `/api/router`; unwraps `<name>_response` and maps `error_response`. */
export class PinduoduoClient {
  constructor(private readonly ctx: AdapterContext) {}

  async call<T>(method: PddMethod, business: PddBusinessParams = {}): Promise<T> {
    const { credentials, apiBaseUrl } = this.ctx.connection;
    for (const field of ['clientId', 'clientSecret', 'accessToken']) {
      if (!credentials[field]) {
        throw new AdapterError(AdapterErrorCode.AUTH, `the connection has no ${field}`);
      }
    }
    await this.ctx.limiter.acquire();
    const params = buildPddParams(method, business, credentials, this.ctx.now());
    let text: string;
    try {
      const response = await createHttpClient(apiBaseUrl).post<string>(
        '',
        new URLSearchParams(params).toString(),
        {
          headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' },
        },
      );
      text = response.data;
    } catch (error) {
      throw (
        mapTransportError(error) ??
        new AdapterError(AdapterErrorCode.TEMPORARY, `${method} failed: ${(error as Error).message}`)
      );
    }
    return unwrapPddResponse<T>(method, text);
  }
}

export function unwrapPddResponse<T>(method: PddMethod, text: string): T {
  let body: unknown;
  try {
    body = parseLosslessJson(text);
  } catch {
    throw new AdapterError(AdapterErrorCode.TEMPORARY, `${method} answered with something that is not JSON`);
  }
  if (!isObject(body)) {
    throw new AdapterError(AdapterErrorCode.TEMPORARY, `${method} answered with an unexpected body`);
  }
  if (isObject(body.error_response)) throw mapPddError(body.error_response as unknown as PddErrorResponse);
  const key = PDD_RESPONSE_KEYS[method];
  if (key === null) return body as T;
  const expected = body[key];
  if (isObject(expected)) return expected as T;
  throw new AdapterError(AdapterErrorCode.TEMPORARY, `${method} answered without ${key}`);
}
