import { AdapterError, AdapterErrorCode, type AdapterContext } from '../contract';
import { createHttpClient } from '../shared/http-client';
import { parseLosslessJson } from '../shared/lossless-json';
import { mapShopifyGraphqlErrors, mapShopifyHttpError, mapShopifyUserErrors } from './shopify.errors';
import { SHOPIFY_API_VERSION, type ShopifyOperation } from './shopify.queries';
import type { ShopifyGraphqlResponse, ShopifyUserError } from './shopify.types';

export function shopifyGraphqlPath(version = SHOPIFY_API_VERSION): string {
  return `/admin/api/${version}/graphql.json`;
}

/** Shopify GraphQL ids are `gid://shopify/<Type>/<legacy id>`; tickets keep the legacy id. */
export function shopifyGid(type: string, legacyId: string): string {
  return legacyId.startsWith('gid://') ? legacyId : `gid://shopify/${type}/${legacyId}`;
}

export function legacyIdOf(gid: string): string {
  return gid.slice(gid.lastIndexOf('/') + 1);
}

/**
 * Admin GraphQL over `POST {apiBaseUrl}/admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`.
 * Each call first takes its estimated cost from the connection's budget, then reports Shopify's
 * own bucket (`extensions.cost.throttleStatus`) so every worker sees the real level.
 */
export class ShopifyClient {
  constructor(private readonly ctx: AdapterContext) {}

  async request<T>(operation: ShopifyOperation, variables: Record<string, unknown>): Promise<T> {
    const { credentials, apiBaseUrl } = this.ctx.connection;
    if (!credentials.accessToken)
      throw new AdapterError(AdapterErrorCode.AUTH, 'the connection has no accessToken');
    await this.ctx.limiter.acquire(operation.estimatedCost);
    let text: string;
    try {
      const response = await createHttpClient(apiBaseUrl).post<string>(
        shopifyGraphqlPath(),
        JSON.stringify({ query: operation.document, operationName: operation.name, variables }),
        {
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'x-shopify-access-token': credentials.accessToken,
          },
        },
      );
      text = response.data;
    } catch (error) {
      throw mapShopifyHttpError(operation.name, error);
    }
    let body: ShopifyGraphqlResponse<T>;
    try {
      body = parseLosslessJson(text) as ShopifyGraphqlResponse<T>;
    } catch {
      throw new AdapterError(
        AdapterErrorCode.TEMPORARY,
        `Shopify ${operation.name} answered with something that is not JSON`,
      );
    }
    const cost = body?.extensions?.cost;
    if (cost?.throttleStatus) {
      await this.ctx.limiter.report?.({
        available: cost.throttleStatus.currentlyAvailable,
        capacity: cost.throttleStatus.maximumAvailable,
        restorePerSecond: cost.throttleStatus.restoreRate,
      });
    }
    if (Array.isArray(body?.errors) && body.errors.length > 0) {
      throw mapShopifyGraphqlErrors(operation.name, body.errors, cost);
    }
    if (!body?.data) {
      throw new AdapterError(AdapterErrorCode.TEMPORARY, `Shopify ${operation.name} answered without data`);
    }
    return body.data;
  }

  /** Runs a mutation and unwraps its payload, turning HTTP-200 `userErrors` into adapter errors. */
  async mutate<P extends { userErrors: ShopifyUserError[] }>(
    operation: ShopifyOperation,
    field: string,
    variables: Record<string, unknown>,
  ): Promise<P> {
    const data = await this.request<Record<string, P | null>>(operation, variables);
    const payload = data[field];
    if (!payload)
      throw new AdapterError(AdapterErrorCode.TEMPORARY, `Shopify ${operation.name} returned no ${field}`);
    if (payload.userErrors.length > 0) throw mapShopifyUserErrors(operation.name, payload.userErrors);
    return payload;
  }
}
