import { requireCredentials } from '../shared/guards';
import { AdapterError, AdapterErrorCode, type AdapterContext } from '../contract';
import { formatGmt8 } from '../shared/china-time';
import { createHttpClient } from '../shared/http-client';
import { mapTransportError } from '../shared/http-errors';
import { unwrapGatewayResponse } from '../shared/gateway-response';
import { hmacHex, md5Hex, sortedConcat } from '../shared/signing';
import { mapTopError } from './taobao.errors';
import {
  TOP_METHODS,
  TOP_SIGN_METHODS,
  topResponseKey,
  type TopErrorResponse,
  type TopMethod,
  type TopSignMethod,
} from './taobao.types';

export type TopBusinessParams = Record<string, string | number | boolean>;

/**
 * Uppercase hex over the name-sorted `k1v1k2v2…` string (sign and empty values left out):
 * md5 wraps it in the secret on both sides, hmac/hmac-sha256 key the digest with the secret.
 */
export function signTopParams(
  params: Record<string, string>,
  appSecret: string,
  signMethod: TopSignMethod,
): string {
  const text = sortedConcat(params);
  switch (signMethod) {
    case 'md5':
      return md5Hex(`${appSecret}${text}${appSecret}`).toUpperCase();
    case 'hmac':
      return hmacHex('md5', appSecret, text).toUpperCase();
    case 'hmac-sha256':
      return hmacHex('sha256', appSecret, text).toUpperCase();
  }
}

export function topSignMethod(credentials: Record<string, string>): TopSignMethod {
  const wanted = credentials.signMethod || 'md5';
  if ((TOP_SIGN_METHODS as readonly string[]).includes(wanted)) return wanted as TopSignMethod;
  throw new AdapterError(
    AdapterErrorCode.INVALID,
    `signMethod must be one of ${TOP_SIGN_METHODS.join(', ')}, not ${wanted}`,
  );
}

/**
 * Methods of the app rather than of a seller: TMC is drained per app key for every seller of the app, so these
 * calls carry no `session` (shared reference §2.3, TOP TMC metadata in bububa/opentaobao `tmc/`).
 */
export const TOP_APP_METHODS: ReadonlySet<TopMethod> = new Set<TopMethod>([
  TOP_METHODS.tmcConsume,
  TOP_METHODS.tmcConfirm,
]);

/** Common plus business parameters, signed, exactly as they go on the wire. */
export function buildTopParams(
  method: TopMethod,
  business: TopBusinessParams,
  credentials: Record<string, string>,
  now: Date,
): Record<string, string> {
  const signMethod = topSignMethod(credentials);
  const params: Record<string, string> = {
    method,
    app_key: credentials.appKey,
    ...(TOP_APP_METHODS.has(method) ? {} : { session: credentials.sessionKey }),
    timestamp: formatGmt8(now),
    format: 'json',
    v: '2.0',
    sign_method: signMethod,
  };
  for (const [key, value] of Object.entries(business)) params[key] = String(value);
  params.sign = signTopParams(params, credentials.appSecret, signMethod);
  return params;
}

/** Reads a TOP answer: `error_response` becomes an AdapterError, otherwise the `<method>_response` object. */
export function unwrapTopResponse<T>(method: TopMethod, text: string): T {
  return unwrapGatewayResponse<T, TopErrorResponse>(text, {
    method,
    responseKey: topResponseKey(method),
    mapError: mapTopError,
  });
}

/** Signed form POSTs to the TOP gateway (`/router/rest`), one connection's credentials. */
export class TaobaoClient {
  constructor(private readonly ctx: AdapterContext) {}

  async call<T>(method: TopMethod, business: TopBusinessParams = {}): Promise<T> {
    const { credentials, apiBaseUrl } = this.ctx.connection;
    requireCredentials(
      credentials,
      TOP_APP_METHODS.has(method) ? ['appKey', 'appSecret'] : ['appKey', 'appSecret', 'sessionKey'],
    );
    await this.ctx.limiter.acquire();
    const params = buildTopParams(method, business, credentials, this.ctx.now());
    let text: string;
    try {
      const response = await createHttpClient(apiBaseUrl).post<string>(
        '',
        new URLSearchParams(params).toString(),
        { headers: { 'content-type': 'application/x-www-form-urlencoded;charset=utf-8' } },
      );
      text = response.data;
    } catch (error) {
      throw (
        mapTransportError(error) ??
        new AdapterError(AdapterErrorCode.TEMPORARY, `${method} failed: ${(error as Error).message}`)
      );
    }
    return unwrapTopResponse<T>(method, text);
  }
}
