import { AdapterError, AdapterErrorCode } from '../contract';
import type { JdErrorResponse } from './jd.types';

/**
 * `error_response.code` → adapter codes.
 * https://jos.jd.com/commontools?id=2 (错误码) — 19 (token expired) is seen in captured answers [C-3p];
 * the signature and throttle codes are [U] and kept here so they are easy to correct.
 */
export const JD_TOKEN_EXPIRED_CODE = '19';
export const JD_SIGNATURE_ERROR_CODE = '14';
export const JD_THROTTLE_ERROR_CODE = '61';

export const JD_ERROR_CODES: Readonly<Record<string, AdapterErrorCode>> = {
  [JD_TOKEN_EXPIRED_CODE]: AdapterErrorCode.AUTH,
  [JD_SIGNATURE_ERROR_CODE]: AdapterErrorCode.AUTH,
  [JD_THROTTLE_ERROR_CODE]: AdapterErrorCode.RATE_LIMITED,
  '66': AdapterErrorCode.TEMPORARY,
};

/** [U] How a write call says the service order moved on since `sysVersion` was read. */
export const JD_STALE_VERSION_MESSAGE = /sysVersion|版本/i;

export function mapJdError(error: JdErrorResponse): AdapterError {
  const code = String(error.code);
  const detail = error.zh_desc || error.en_desc;
  return new AdapterError(
    JD_ERROR_CODES[code] ?? AdapterErrorCode.INVALID,
    `JD error ${code}${detail ? ` (${detail})` : ''}`,
    { code, message: detail },
  );
}

/** A call answered `code: "0"` but its result says no: a stale version or a state that forbids it. */
export function jdOperationRefused(
  method: string,
  message: string | undefined,
  resultCode?: string,
): AdapterError {
  const text = message || 'no reason given';
  const code = JD_STALE_VERSION_MESSAGE.test(text) ? AdapterErrorCode.CONFLICT : AdapterErrorCode.INVALID;
  return new AdapterError(code, `${method} refused: ${text}`, { code: resultCode, message });
}
