import { isAxiosError } from 'axios';
import { AdapterError, AdapterErrorCode } from '../contract';

/** Seconds or an HTTP date, as in `Retry-After`. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Transport failures common to every platform: no answer, 429 and 5xx are worth retrying; other
 * statuses are left to the platform's own mapping by returning null.
 */
export function mapTransportError(error: unknown): AdapterError | null {
  if (error instanceof AdapterError) return error;
  if (!isAxiosError(error)) return null;
  const status = error.response?.status;
  if (status === undefined) {
    return new AdapterError(
      AdapterErrorCode.TEMPORARY,
      `no answer from the platform: ${error.code ?? error.message}`,
    );
  }
  const upstream = { httpStatus: status, message: error.message };
  if (status === 429) {
    const retryAfter = parseRetryAfter(String(error.response?.headers?.['retry-after'] ?? ''));
    return new AdapterError(
      AdapterErrorCode.RATE_LIMITED,
      'the platform throttled the request',
      upstream,
      retryAfter,
    );
  }
  if (status >= 500)
    return new AdapterError(AdapterErrorCode.TEMPORARY, `platform error ${status}`, upstream);
  if (status === 401 || status === 403)
    return new AdapterError(AdapterErrorCode.AUTH, `platform refused the credentials (${status})`, upstream);
  if (status === 404)
    return new AdapterError(AdapterErrorCode.NOT_FOUND, 'not found on the platform', upstream);
  if (status === 409)
    return new AdapterError(AdapterErrorCode.CONFLICT, 'the case changed on the platform', upstream);
  return null;
}
