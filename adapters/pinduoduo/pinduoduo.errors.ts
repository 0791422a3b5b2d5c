import { AdapterError, AdapterErrorCode } from '../contract';
import type { PddErrorResponse } from './pinduoduo.types';

/**
 * `error_response.error_code` → adapter codes.
 * https://open.pinduoduo.com/application/document/api?id=pdd.refund.list.increment.get (error code table)
 * Throttling 52101/52102/52103/70031 and token expiry 10019 are [C]; the signature-failure code is [U].
 */
export const PDD_SIGNATURE_ERROR_CODE = 10016;

export const PDD_ERROR_CODES: Readonly<Record<number, AdapterErrorCode>> = {
  52101: AdapterErrorCode.RATE_LIMITED,
  52102: AdapterErrorCode.RATE_LIMITED,
  52103: AdapterErrorCode.RATE_LIMITED,
  70031: AdapterErrorCode.RATE_LIMITED,
  10019: AdapterErrorCode.AUTH,
  [PDD_SIGNATURE_ERROR_CODE]: AdapterErrorCode.AUTH,
};

/** Business rejections (wrong state, unknown order) are not worth retrying, so anything unlisted is INVALID. */
export function mapPddError(error: PddErrorResponse): AdapterError {
  const code = PDD_ERROR_CODES[error.error_code] ?? AdapterErrorCode.INVALID;
  const detail = [error.error_msg, error.sub_msg].filter((part) => part).join(': ');
  return new AdapterError(code, `Pinduoduo error ${error.error_code}${detail ? ` (${detail})` : ''}`, {
    code: String(error.error_code),
    message: detail || undefined,
  });
}

/** The action calls answer HTTP 200 with a result flag; a false flag is the platform refusing the operation. */
export function pddOperationRefused(method: string, message: string | null | undefined): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, `${method} refused: ${message || 'no reason given'}`, {
    message: message ?? undefined,
  });
}
