import { AdapterError, AdapterErrorCode } from '../contract';
import type { DouyinEnvelope } from './douyin.types';

/**
 * Envelope codes → adapter codes (https://op.jinritemai.com/docs/guide-docs/10/23; community table:
 * https://blog.csdn.net/weixin_49220773/article/details/126468317). 40003 covers both an expired token and a
 * bad parameter, so `sub_code` decides first.
 */
export const DOUYIN_SUB_CODE_ERRORS: Readonly<Record<string, AdapterErrorCode>> = {
  'isv.access-token-expired': AdapterErrorCode.AUTH,
  'isv.access-token-no-exist': AdapterErrorCode.AUTH,
  'isv.signature-invalid': AdapterErrorCode.AUTH,
};

export const DOUYIN_CODE_ERRORS: Readonly<Record<number, AdapterErrorCode>> = {
  10001: AdapterErrorCode.INVALID,
  20000: AdapterErrorCode.TEMPORARY,
  30001: AdapterErrorCode.AUTH,
  30002: AdapterErrorCode.AUTH,
  40001: AdapterErrorCode.INVALID,
  40003: AdapterErrorCode.INVALID,
};

/** The throttling envelope was not found in the docs [U]; this is the one place to correct it. */
export const DOUYIN_THROTTLE_ERROR = { code: 90000, subCode: 'isv.app-request-over-limit' } as const;

/** `afterSale/operate` with an `update_time` older than the case's [U: code not documented]. */
export const DOUYIN_STALE_VERSION_ERROR = { code: 50002, subCode: 'isv.aftersale-version-expired' } as const;

/** Throttled calls are retried after about a second: the platform's limits are per second. */
export const DOUYIN_THROTTLE_RETRY_MS = 1000;

export function mapDouyinError(envelope: DouyinEnvelope<unknown>): AdapterError {
  const subCode = envelope.sub_code ?? '';
  const detail = [envelope.msg, envelope.sub_msg].filter((part) => part).join(': ');
  const upstream = { code: subCode ? `${envelope.code}/${subCode}` : String(envelope.code), message: detail };
  const message = `Douyin error ${upstream.code}${detail ? ` (${detail})` : ''}`;
  if (envelope.code === DOUYIN_THROTTLE_ERROR.code || subCode === DOUYIN_THROTTLE_ERROR.subCode) {
    return new AdapterError(AdapterErrorCode.RATE_LIMITED, message, upstream, DOUYIN_THROTTLE_RETRY_MS);
  }
  if (subCode === DOUYIN_STALE_VERSION_ERROR.subCode) {
    return new AdapterError(AdapterErrorCode.CONFLICT, message, upstream);
  }
  const code =
    DOUYIN_SUB_CODE_ERRORS[subCode] ?? DOUYIN_CODE_ERRORS[envelope.code] ?? AdapterErrorCode.INVALID;
  return new AdapterError(code, message, upstream);
}
