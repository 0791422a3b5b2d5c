import { AdapterErrorCode } from '../../adapters/contract';

/** What an adapter failure means for the hub, wherever it happens (ingestion, sync or an action). */
export type FailureDecision =
  /** Worth another try after a delay: the platform was busy, throttled us, or the network failed. */
  | 'retry_later'
  /** The case moved on since it was read: read it again and retry once if the decision still applies. */
  | 'reread_and_retry_once'
  /** The platform refused the request itself; repeating it changes nothing. */
  | 'fail'
  /** The credentials no longer work: the connection is set to `error` until someone fixes them. */
  | 'pause_connection'
  /** The platform holds the request until the seller passes on a code it sent them. */
  | 'await_verification';

/** The one table from adapter error codes to what the hub does about them. */
export function failureDecision(code: AdapterErrorCode): FailureDecision {
  switch (code) {
    case AdapterErrorCode.TEMPORARY:
    case AdapterErrorCode.RATE_LIMITED:
      return 'retry_later';
    case AdapterErrorCode.CONFLICT:
      return 'reread_and_retry_once';
    case AdapterErrorCode.AUTH:
      return 'pause_connection';
    case AdapterErrorCode.VERIFICATION_REQUIRED:
      return 'await_verification';
    case AdapterErrorCode.NOT_FOUND:
    case AdapterErrorCode.INVALID:
    case AdapterErrorCode.UNSUPPORTED:
      return 'fail';
  }
}
