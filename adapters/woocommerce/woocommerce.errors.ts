import { isAxiosError } from 'axios';
import { AdapterError, AdapterErrorCode } from '../contract';
import { mapTransportError } from '../shared/http-errors';
import { parseLosslessJson } from '../shared/lossless-json';
import type { WooErrorBody } from './woocommerce.types';

/**
 * WordPress REST error `code` → adapter codes, checked before the HTTP status because WooCommerce
 * answers a refused refund with HTTP 500 (`woocommerce_rest_cannot_create_order_refund`), which
 * must not be retried as a server fault.
 * https://woocommerce.github.io/woocommerce-rest-api-docs/#errors
 */
export const WOO_ERROR_CODES: Readonly<Record<string, AdapterErrorCode>> = {
  woocommerce_rest_authentication_error: AdapterErrorCode.AUTH,
  woocommerce_rest_cannot_view: AdapterErrorCode.AUTH,
  woocommerce_rest_cannot_create: AdapterErrorCode.AUTH,
  rest_forbidden: AdapterErrorCode.AUTH,
  woocommerce_rest_shop_order_invalid_id: AdapterErrorCode.NOT_FOUND,
  woocommerce_rest_order_invalid_id: AdapterErrorCode.NOT_FOUND,
  woocommerce_rest_cannot_create_order_refund: AdapterErrorCode.INVALID,
  woocommerce_rest_invalid_order_refund: AdapterErrorCode.INVALID,
  rest_invalid_param: AdapterErrorCode.INVALID,
  rest_missing_callback_param: AdapterErrorCode.INVALID,
  rest_no_route: AdapterErrorCode.INVALID,
};

function errorBody(text: unknown): WooErrorBody | null {
  if (typeof text !== 'string' || !text) return null;
  try {
    const body = parseLosslessJson(text) as WooErrorBody;
    return typeof body?.code === 'string' ? body : null;
  } catch {
    return null;
  }
}

export function mapWooError(what: string, error: unknown): AdapterError {
  const response = isAxiosError(error) ? error.response : undefined;
  const body = errorBody(response?.data);
  const known = body ? WOO_ERROR_CODES[body.code] : undefined;
  if (body && known) {
    return new AdapterError(known, `WooCommerce ${what}: ${body.message}`, {
      httpStatus: response?.status,
      code: body.code,
      message: body.message,
    });
  }
  const transport = mapTransportError(error);
  if (transport) {
    return body
      ? new AdapterError(
          transport.code,
          `WooCommerce ${what}: ${body.message}`,
          { ...transport.upstream, code: body.code, message: body.message },
          transport.retryAfterMs,
        )
      : transport;
  }
  return new AdapterError(
    AdapterErrorCode.INVALID,
    `WooCommerce ${what} failed${body ? `: ${body.message}` : ` with HTTP ${response?.status ?? '?'}`}`,
    { httpStatus: response?.status, code: body?.code, message: body?.message },
  );
}
