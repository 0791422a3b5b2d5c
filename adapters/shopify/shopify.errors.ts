import { isAxiosError } from 'axios';
import { AdapterError, AdapterErrorCode } from '../contract';
import { mapTransportError } from '../shared/http-errors';
import type { ShopifyCost, ShopifyGraphqlError, ShopifyUserError } from './shopify.types';

/**
 * Top-level `errors[].extensions.code` → adapter codes.
 * https://shopify.dev/docs/api/admin-graphql#status_and_error_codes
 * Anything unlisted (syntax errors, bad ids, MAX_COST_EXCEEDED) is a request that will never succeed.
 */
export const SHOPIFY_ERROR_CODES: Readonly<Record<string, AdapterErrorCode>> = {
  THROTTLED: AdapterErrorCode.RATE_LIMITED,
  ACCESS_DENIED: AdapterErrorCode.AUTH,
  SHOP_INACTIVE: AdapterErrorCode.AUTH,
  INTERNAL_SERVER_ERROR: AdapterErrorCode.TEMPORARY,
};

/**
 * `userErrors[].code` (ReturnErrorCode) → adapter codes.
 * https://shopify.dev/docs/api/admin-graphql/latest/enums/ReturnErrorCode
 * INVALID_STATE means the return moved on since the ticket was read, so the hub refreshes and retries.
 */
export const SHOPIFY_USER_ERROR_CODES: Readonly<Record<string, AdapterErrorCode>> = {
  INVALID_STATE: AdapterErrorCode.CONFLICT,
  NOT_EDITABLE: AdapterErrorCode.CONFLICT,
  NOT_FOUND: AdapterErrorCode.NOT_FOUND,
  INTERNAL_ERROR: AdapterErrorCode.TEMPORARY,
};

/** The bucket refills at `restoreRate` points per second; waiting for the deficit is the earliest retry. */
export function throttleRetryAfterMs(cost: ShopifyCost | undefined): number | undefined {
  if (!cost?.throttleStatus || !(cost.throttleStatus.restoreRate > 0)) return undefined;
  const deficit = cost.requestedQueryCost - cost.throttleStatus.currentlyAvailable;
  return Math.max(0, Math.ceil((deficit / cost.throttleStatus.restoreRate) * 1000));
}

export function mapShopifyGraphqlErrors(
  operation: string,
  errors: ShopifyGraphqlError[],
  cost: ShopifyCost | undefined,
): AdapterError {
  const codes = errors.map((error) => error.extensions?.code ?? '');
  const message = errors.map((error) => error.message).join('; ');
  const throttled = codes.includes('THROTTLED');
  const first = codes.find((code) => SHOPIFY_ERROR_CODES[code]) ?? codes[0] ?? '';
  const code = throttled
    ? AdapterErrorCode.RATE_LIMITED
    : (SHOPIFY_ERROR_CODES[first] ?? AdapterErrorCode.INVALID);
  return new AdapterError(
    code,
    `Shopify ${operation} failed: ${message}`,
    { code: throttled ? 'THROTTLED' : first || undefined, message },
    throttled ? throttleRetryAfterMs(cost) : undefined,
  );
}

/** Mutations answer HTTP 200 with `userErrors`; their messages are what an agent needs to read. */
export function mapShopifyUserErrors(operation: string, userErrors: ShopifyUserError[]): AdapterError {
  const mapped = userErrors.map((error) => (error.code ? SHOPIFY_USER_ERROR_CODES[error.code] : undefined));
  const code = mapped.find((value) => value !== undefined) ?? AdapterErrorCode.INVALID;
  const message = userErrors.map((error) => error.message).join('; ');
  return new AdapterError(code, `Shopify ${operation} refused: ${message}`, {
    code: userErrors.find((error) => error.code)?.code ?? undefined,
    message,
  });
}

/** HTTP failures: 401 is a revoked or wrong token (`{"errors":"[API] Invalid API key or access token …"}`). */
export function mapShopifyHttpError(operation: string, error: unknown): AdapterError {
  const transport = mapTransportError(error);
  if (transport) {
    const body = isAxiosError(error) ? error.response?.data : undefined;
    if (typeof body === 'string' && body && transport.upstream.httpStatus !== undefined) {
      return new AdapterError(
        transport.code,
        `Shopify ${operation}: ${transport.message}`,
        { ...transport.upstream, message: body.slice(0, 500) },
        transport.retryAfterMs,
      );
    }
    return transport;
  }
  const status = isAxiosError(error) ? error.response?.status : undefined;
  return new AdapterError(
    AdapterErrorCode.INVALID,
    `Shopify ${operation} failed with HTTP ${status ?? '?'}`,
    {
      httpStatus: status,
    },
  );
}
