import { AdapterError, AdapterErrorCode, type AdapterContext } from '../contract';
import { toUnixSeconds } from '../shared/china-time';
import { createHttpClient } from '../shared/http-client';
import { mapTransportError } from '../shared/http-errors';
import { unwrapGatewayResponse } from '../shared/gateway-response';
import { requireCredentials } from '../shared/guards';
import { stringifyLosslessJson } from '../shared/lossless-json';
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

/** Signed POSTs to `/api/router`; unwraps `<name>_response` and maps `error_response`. */
export class PinduoduoClient {
  constructor(private readonly ctx: AdapterContext) {}

  async call<T>(method: PddMethod, business: PddBusinessParams = {}): Promise<T> {
    const { credentials, apiBaseUrl } = this.ctx.connection;
    requireCredentials(credentials, ['clientId', 'clientSecret', 'accessToken']);
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
  return unwrapGatewayResponse<T, PddErrorResponse>(text, {
    method,
    responseKey: PDD_RESPONSE_KEYS[method],
    mapError: mapPddError,
  });
}
