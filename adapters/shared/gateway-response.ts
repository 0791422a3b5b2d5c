import { AdapterError, AdapterErrorCode } from '../contract';
import { isObject } from './guards';
import { parseLosslessJson } from './lossless-json';

/** How one gateway (TOP, PDD, JD) wraps an answer and its errors. */
export interface GatewayEnvelope<E> {
  method: string;
  /** The key the answer sits under (`refund_get_response`); null where the answer is the body itself. */
  responseKey: string | null;
  /** `error_response` → the adapter's error. */
  mapError(error: E): AdapterError;
  /** Errors carried inside the answer (JD's `code`): throws, or returns when the answer is good. */
  check?(answer: Record<string, unknown>): void;
}

/**
 * The gateways' shared envelope: the body is JSON (parsed losslessly), an `error_response` object is the
 * platform's error, otherwise the answer sits under the method's response key. Anything else is TEMPORARY: a
 * proxy's error page or a truncated body is worth another try.
 */
export function unwrapGatewayResponse<T, E>(text: string, envelope: GatewayEnvelope<E>): T {
  const { method, responseKey } = envelope;
  let body: unknown;
  try {
    body = parseLosslessJson(text);
  } catch {
    throw new AdapterError(AdapterErrorCode.TEMPORARY, `${method} answered with something that is not JSON`);
  }
  if (!isObject(body)) {
    throw new AdapterError(AdapterErrorCode.TEMPORARY, `${method} answered with an unexpected body`);
  }
  if (isObject(body.error_response)) throw envelope.mapError(body.error_response as unknown as E);
  const answer = responseKey === null ? body : body[responseKey];
  if (!isObject(answer)) {
    throw new AdapterError(AdapterErrorCode.TEMPORARY, `${method} answered without ${responseKey}`);
  }
  envelope.check?.(answer);
  return answer as T;
}
