import { AdapterError, AdapterErrorCode, type AdapterContext } from '../contract';
import { formatGmt8 } from '../shared/china-time';
import { createHttpClient } from '../shared/http-client';
import { mapTransportError } from '../shared/http-errors';
import { unwrapGatewayResponse } from '../shared/gateway-response';
import { requireCredentials } from '../shared/guards';
import { stringifyLosslessJson } from '../shared/lossless-json';
import { md5Hex, sortedConcat } from '../shared/signing';
import { mapJdError } from './jd.errors';
import { jdResponseKey, type JdErrorResponse, type JdMethod } from './jd.types';

/** `UPPER(MD5(secret + k1v1k2v2… (sorted, 360buy_param_json included, sign excluded) + secret))`. */
export function signJdParams(params: Record<string, string>, appSecret: string): string {
  return md5Hex(`${appSecret}${sortedConcat(params)}${appSecret}`).toUpperCase();
}

/** System parameters plus the business JSON, signed; bigint values go out as bare JSON numbers. */
export function buildJdParams(
  method: JdMethod,
  business: Record<string, unknown>,
  credentials: Record<string, string>,
  now: Date,
): Record<string, string> {
  const params: Record<string, string> = {
    method,
    app_key: credentials.appKey,
    access_token: credentials.accessToken,
    timestamp: formatGmt8(now),
    v: '2.0',
    '360buy_param_json': stringifyLosslessJson(business),
  };
  params.sign = signJdParams(params, credentials.appSecret);
  return params;
}

export function unwrapJdResponse<T>(method: JdMethod, text: string): T {
  return unwrapGatewayResponse<T, JdErrorResponse>(text, {
    method,
    responseKey: jdResponseKey(method),
    mapError: mapJdError,
    // The answer carries the gateway's own code too: anything but 0 is an error like `error_response`.
    check: (answer) => {
      if (String(answer.code) !== '0') {
        throw mapJdError({ code: String(answer.code), zh_desc: String(answer.zh_desc ?? answer.msg ?? '') });
      }
    },
  });
}

/**
 * Signed calls to `routerjson`: system parameters in the query string (as JD's SDK sends them), the business
 * JSON in the form body.
 */
export class JdClient {
  constructor(private readonly ctx: AdapterContext) {}

  async call<T>(method: JdMethod, business: Record<string, unknown>): Promise<T> {
    const { credentials, apiBaseUrl } = this.ctx.connection;
    requireCredentials(credentials, ['appKey', 'appSecret', 'accessToken']);
    await this.ctx.limiter.acquire();
    const params = buildJdParams(method, business, credentials, this.ctx.now());
    const { '360buy_param_json': json, ...system } = params;
    let text: string;
    try {
      const response = await createHttpClient(apiBaseUrl).post<string>(
        '',
        new URLSearchParams({ '360buy_param_json': json }).toString(),
        {
          params: system,
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
    return unwrapJdResponse<T>(method, text);
  }
}
