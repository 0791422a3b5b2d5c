import { AdapterError, AdapterErrorCode, type AdapterContext } from '../contract';
import { createHttpClient } from '../shared/http-client';
import { parseLosslessJson } from '../shared/lossless-json';
import { mapWooError } from './woocommerce.errors';

export const WOO_API_PREFIX = '/wp-json/wc/v3';

export interface WooResponse<T> {
  data: T;
  headers: Record<string, string>;
}

/** HTTP Basic with the consumer key and secret (https://woocommerce.github.io/woocommerce-rest-api-docs/#authentication-over-https). */
export function wooAuthorization(consumerKey: string, consumerSecret: string): string {
  return `Basic ${Buffer.from(`${consumerKey}:${consumerSecret}`).toString('base64')}`;
}

/**
 * Keys travel as Basic auth, which is only safe over TLS; plain-HTTP sites would need OAuth 1.0a,
 * so plain HTTP is accepted for loopback sandboxes only.
 */
function assertSafeBaseUrl(apiBaseUrl: string): void {
  const url = new URL(apiBaseUrl);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !loopback) {
    throw new AdapterError(
      AdapterErrorCode.INVALID,
      `WooCommerce keys are sent only over HTTPS; ${url.origin} is not an HTTPS site`,
    );
  }
}

/** REST v3 calls under `{site}/wp-json/wc/v3`, parsed losslessly. */
export class WooClient {
  constructor(private readonly ctx: AdapterContext) {}

  get<T>(path: string, params: Record<string, string | number> = {}): Promise<WooResponse<T>> {
    return this.send<T>('GET', path, params, undefined);
  }

  post<T>(path: string, body: object): Promise<WooResponse<T>> {
    return this.send<T>('POST', path, {}, body);
  }

  private async send<T>(
    method: 'GET' | 'POST',
    path: string,
    params: Record<string, string | number>,
    body: object | undefined,
  ): Promise<WooResponse<T>> {
    const { credentials, apiBaseUrl } = this.ctx.connection;
    if (!credentials.consumerKey || !credentials.consumerSecret) {
      throw new AdapterError(AdapterErrorCode.AUTH, 'the connection has no consumerKey/consumerSecret');
    }
    assertSafeBaseUrl(apiBaseUrl);
    await this.ctx.limiter.acquire();
    const what = `${method} ${path}`;
    try {
      const response = await createHttpClient(apiBaseUrl.replace(/\/+$/, '')).request<string>({
        method,
        url: `${WOO_API_PREFIX}${path}`,
        params,
        data: body === undefined ? undefined : JSON.stringify(body),
        headers: {
          authorization: wooAuthorization(credentials.consumerKey, credentials.consumerSecret),
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
      });
      let data: T;
      try {
        data = parseLosslessJson(response.data) as T;
      } catch {
        throw new AdapterError(
          AdapterErrorCode.TEMPORARY,
          `WooCommerce ${what} answered with something that is not JSON`,
        );
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers ?? {})) {
        if (typeof value === 'string') headers[name.toLowerCase()] = value;
      }
      return { data, headers };
    } catch (error) {
      if (error instanceof AdapterError) throw error;
      throw mapWooError(what, error);
    }
  }
}
