import { AdapterError, AdapterErrorCode } from '../contract';
import type { JdErrorResponse } from './jd.types';

/**
 * `error_response.code` → adapter codes, from the JOS gateway error table (https://jos.jd.com/commontools?id=2):
 * 12 invalid signature, 8 invalid timestamp (the gateway allows ±6 minutes), 2 app call limited. The shared
 * reference once named 14 for the signature and 61 for throttling; neither is in the published table.
 * 19 (token expired) is seen only in captured answers [C-3p].
 */
export const JD_TOKEN_EXPIRED_CODE = '19';
export const JD_SIGNATURE_ERROR_CODE = '12';
export const JD_TIMESTAMP_ERROR_CODE = '8';
export const JD_THROTTLE_ERROR_CODE = '2';
/** How far the gateway lets `timestamp` drift from its clock. */
export const JD_TIMESTAMP_TOLERANCE_MS = 6 * 60 * 1000;
/** [U] 66 ("platform system error") is seen in OMS retry lists, not in the published table. */
export const JD_SYSTEM_ERROR_CODE = '66';

export const JD_ERROR_CODES: Readonly<Record<string, AdapterErrorCode>> = {
  [JD_TOKEN_EXPIRED_CODE]: AdapterErrorCode.AUTH,
  [JD_SIGNATURE_ERROR_CODE]: AdapterErrorCode.AUTH,
  // Our clock drifted: the call itself was fine and goes through once the host clock is right again.
  [JD_TIMESTAMP_ERROR_CODE]: AdapterErrorCode.TEMPORARY,
  [JD_THROTTLE_ERROR_CODE]: AdapterErrorCode.RATE_LIMITED,
  [JD_SYSTEM_ERROR_CODE]: AdapterErrorCode.TEMPORARY,
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
