import { AdapterError, AdapterErrorCode } from '../contract';
import type { TopErrorResponse } from './taobao.types';

/**
 * TOP system error codes → adapter codes.
 * https://open.taobao.com/doc.htm?docId=114&docType=1 (平台错误码)
 * 4–8 are call-frequency limits, 25–27 signature/session failures, 31 a timestamp outside ±10 min.
 */
export const TOP_ERROR_CODES: Readonly<Record<number, AdapterErrorCode>> = {
  4: AdapterErrorCode.RATE_LIMITED,
  5: AdapterErrorCode.RATE_LIMITED,
  6: AdapterErrorCode.RATE_LIMITED,
  7: AdapterErrorCode.RATE_LIMITED,
  8: AdapterErrorCode.RATE_LIMITED,
  10: AdapterErrorCode.TEMPORARY,
  11: AdapterErrorCode.AUTH,
  12: AdapterErrorCode.AUTH,
  25: AdapterErrorCode.AUTH,
  26: AdapterErrorCode.AUTH,
  27: AdapterErrorCode.AUTH,
  29: AdapterErrorCode.AUTH,
  31: AdapterErrorCode.INVALID,
};

/** [U] The throttle sub_code text is unconfirmed; any of these marks a frequency ban whatever the code. */
export const TOP_THROTTLE_SUB_CODES: readonly string[] = [
  'accesscontrol.limited-by-app-access-count',
  'accesscontrol.limited-by-api-access-count',
  'isv.api-call-limited',
];

/** [U] Sub-codes for "the refund changed since you read it" (stale refund_version); not found in the docs. */
export const TOP_STALE_VERSION_SUB_CODES: readonly string[] = [
  'isv.refund-version-expired',
  'isv.invalid-refund-version',
];

/** [U] Sub-codes for an unknown refund id. */
export const TOP_NOT_FOUND_SUB_CODES: readonly string[] = ['isv.refund-not-exist'];

/**
 * `taobao.rp.refunds.agree` above some amount "returns a failure and sends an SMS code to the seller's phone; call
 * again with the code" (the `code` parameter's description in the TOP metadata, reproduced by
 * bububa/opentaobao and the official SDKs). [U] How that failure reads is not published: these sub-codes,
 * or a message naming the SMS/verification code, mark it, and a wrong code is answered the same way.
 */
export const TOP_SMS_CODE_SUB_CODES: readonly string[] = [
  'isv.refund-need-verify-code',
  'isv.refund-verify-code-error',
];
export const TOP_SMS_CODE_MESSAGE = /验证码|verify[- ]?code|verification code|sms/i;

/** "This ban will last for 12 more seconds" (the sub_msg of a frequency ban). */
function banSeconds(text: string | undefined): number | undefined {
  const match = /last for (\d+) more seconds?/i.exec(text ?? '');
  return match ? Number(match[1]) * 1000 : undefined;
}

/** Business failures come as code 15 with an `isv.*` (caller) or `isp.*` (platform) sub_code. */
export function mapTopError(error: TopErrorResponse): AdapterError {
  const code = Number(error.code);
  const subCode = error.sub_code ?? '';
  const detail = [error.msg, error.sub_code, error.sub_msg].filter((part) => part).join(': ');
  const upstream = { code: String(error.code), message: detail || undefined };
  const message = `TOP error ${error.code}${detail ? ` (${detail})` : ''}`;
  if (TOP_THROTTLE_SUB_CODES.includes(subCode) || TOP_ERROR_CODES[code] === AdapterErrorCode.RATE_LIMITED) {
    return new AdapterError(AdapterErrorCode.RATE_LIMITED, message, upstream, banSeconds(error.sub_msg));
  }
  if (TOP_STALE_VERSION_SUB_CODES.includes(subCode)) {
    return new AdapterError(AdapterErrorCode.CONFLICT, message, upstream);
  }
  if (TOP_SMS_CODE_SUB_CODES.includes(subCode)) {
    return new AdapterError(AdapterErrorCode.VERIFICATION_REQUIRED, error.sub_msg || message, upstream);
  }
  if (TOP_NOT_FOUND_SUB_CODES.includes(subCode)) {
    return new AdapterError(AdapterErrorCode.NOT_FOUND, message, upstream);
  }
  const mapped = TOP_ERROR_CODES[code];
  if (mapped) return new AdapterError(mapped, message, upstream);
  if (subCode.startsWith('isp.')) return new AdapterError(AdapterErrorCode.TEMPORARY, message, upstream);
  return new AdapterError(AdapterErrorCode.INVALID, message, upstream);
}

/** A write call answered 200 but said no (e.g. one line of a batch agree). */
export function topOperationRefused(method: string, message: string | undefined): AdapterError {
  return new AdapterError(AdapterErrorCode.INVALID, `${method} refused: ${message || 'no reason given'}`, {
    message,
  });
}
