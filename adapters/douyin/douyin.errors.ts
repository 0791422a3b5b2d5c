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

/**
 * With `x-open-no-old-err-code: 1` (sent by every official SDK) the gateway answers the current codes: 20000
 * `isp.service-error:N` system errors, 40002 `isv.missing-parameter:N`, 40004 `isv.parameter-invalid:N`, 50002
 * `isv.business-failed:N` business refusals. The per-API tables come from the docs' return-code lists, reproduced
 * in generated SDKs (e.g. `AfterSaleOperateReq` / `AfterSaleDetailReq` in a C# SDK with `DouyinRetCode` lists).
 */
export const DOUYIN_CODE_ERRORS: Readonly<Record<number, AdapterErrorCode>> = {
  10001: AdapterErrorCode.INVALID,
  20000: AdapterErrorCode.TEMPORARY,
  30001: AdapterErrorCode.AUTH,
  30002: AdapterErrorCode.AUTH,
  40001: AdapterErrorCode.INVALID,
  40002: AdapterErrorCode.INVALID,
  40003: AdapterErrorCode.INVALID,
  40004: AdapterErrorCode.INVALID,
  50002: AdapterErrorCode.INVALID,
};

/**
 * `afterSale/operate` business refusals (50002): 20309541 "售后状态错误" — the case is not in the state the
 * operation needs; re-read it (the docs: 重新同步获取&检查售后数据); 11001 "not supported through the open API,
 * decide in the Douyin console"; 11005 "operation failed". [U] Which of them a stale `update_time` produces is not
 * published; 20309541 is taken for it, since both mean the case moved on. (The shared reference's
 * `isv.aftersale-version-expired` was invented.)
 */
export const DOUYIN_STATE_CHANGED_SUB_CODE = 'isv.business-failed:20309541';
export const DOUYIN_CONSOLE_ONLY_SUB_CODE = 'isv.business-failed:11001';

/**
 * [U] The throttling envelope is in no table found: the code below was invented and is kept, in this one place,
 * as the sandbox's throttle answer; HTTP 429 maps to RATE_LIMITED as well.
 */
export const DOUYIN_THROTTLE_ERROR = { code: 90000, subCode: 'isv.app-request-over-limit' } as const;

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
  if (subCode === DOUYIN_STATE_CHANGED_SUB_CODE) {
    return new AdapterError(AdapterErrorCode.CONFLICT, message, upstream);
  }
  if (subCode === DOUYIN_CONSOLE_ONLY_SUB_CODE) {
    return new AdapterError(AdapterErrorCode.UNSUPPORTED, message, upstream);
  }
  const code =
    DOUYIN_SUB_CODE_ERRORS[subCode] ?? DOUYIN_CODE_ERRORS[envelope.code] ?? AdapterErrorCode.INVALID;
  return new AdapterError(code, message, upstream);
}
