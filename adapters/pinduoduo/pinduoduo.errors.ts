import { AdapterError, AdapterErrorCode } from '../contract';
import { isObject } from '../shared/guards';
import { PDD_MESSAGE_UNCONFIRMED } from './pinduoduo.messages';
import type { PddErrorResponse } from './pinduoduo.types';

/**
 * `error_response.error_code` → adapter codes, from the error table every PDD API page carries
 * (https://open.pinduoduo.com/application/document/api?id=pdd.refund.information.get, 返回错误码说明):
 * 20004 signature check failed; 10016 client offline or wrong client_id (the shared reference once took it
 * for the signature code); 10019 access_token expired; 20032 access_token or client_id wrong; 20005 IP not in
 * the allow list; 20031 the app lacks the permission; 50000/50001/50002/52001/52002 system errors (retry);
 * 52101 throttled, 52102/52103 degraded, 70031 too frequent; 70036 a test app's call quota is spent.
 */
export const PDD_SIGNATURE_ERROR_CODE = 20004;
export const PDD_CLIENT_ID_ERROR_CODE = 10016;
export const PDD_TOKEN_EXPIRED_CODE = 10019;
/** A bad public parameter, `timestamp` more than 10 minutes off included (the docs give no code of its own). */
export const PDD_PUBLIC_PARAMETER_ERROR_CODE = 10001;
/** The docs: `timestamp` must be within 10 minutes of the PDD server's clock. */
export const PDD_TIMESTAMP_TOLERANCE_SECONDS = 10 * 60;

export const PDD_ERROR_CODES: Readonly<Record<number, AdapterErrorCode>> = {
  52101: AdapterErrorCode.RATE_LIMITED,
  52102: AdapterErrorCode.RATE_LIMITED,
  52103: AdapterErrorCode.RATE_LIMITED,
  70031: AdapterErrorCode.RATE_LIMITED,
  70036: AdapterErrorCode.RATE_LIMITED,
  50000: AdapterErrorCode.TEMPORARY,
  50001: AdapterErrorCode.TEMPORARY,
  50002: AdapterErrorCode.TEMPORARY,
  52001: AdapterErrorCode.TEMPORARY,
  52002: AdapterErrorCode.TEMPORARY,
  [PDD_TOKEN_EXPIRED_CODE]: AdapterErrorCode.AUTH,
  [PDD_SIGNATURE_ERROR_CODE]: AdapterErrorCode.AUTH,
  [PDD_CLIENT_ID_ERROR_CODE]: AdapterErrorCode.AUTH,
  20005: AdapterErrorCode.AUTH,
  20031: AdapterErrorCode.AUTH,
  20032: AdapterErrorCode.AUTH,
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

/**
 * A refused handshake of the message service as an adapter error: its body carries the gateway's
 * `error_response` (20004 a wrong sign, 10016 a wrong client id: AUTH; 10001 a stale timestamp: INVALID).
 * A refusal without that body is AUTH with `PDD_MESSAGE_UNCONFIRMED.handshakeRefusalStatus` or 403, a passing
 * failure otherwise.
 */
export function pddHandshakeRefusal(status: number, body: string): AdapterError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = null;
  }
  const response = isObject(parsed) ? parsed.error_response : null;
  if (isObject(response) && typeof response.error_code === 'number') {
    return mapPddError(response as unknown as PddErrorResponse);
  }
  const code =
    status === PDD_MESSAGE_UNCONFIRMED.handshakeRefusalStatus || status === 403
      ? AdapterErrorCode.AUTH
      : AdapterErrorCode.TEMPORARY;
  return new AdapterError(code, `the message service refused the connection with HTTP ${status}`, {
    code: String(status),
  });
}
