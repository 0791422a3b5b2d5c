import { AdapterError } from '../../adapters/contract';

/** Longest upstream failure text the hub shows a tenant (sync state, `connection.sync_failed`, `action.failed`). */
export const UPSTREAM_MESSAGE_MAX_LENGTH = 200;

/**
 * What a tenant may read about a failed upstream call: the adapter's error code and a short, printable
 * message. Whatever the far end sent (an HTML page, a banner of some internal service) is cut to a line,
 * and anything that is not an adapter error is not described at all: the details stay in the hub's log.
 */
export function describeUpstreamFailure(error: unknown): string {
  if (!(error instanceof AdapterError)) return 'the hub could not complete the call; see its log';
  const text = error.message
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const short =
    text.length > UPSTREAM_MESSAGE_MAX_LENGTH ? `${text.slice(0, UPSTREAM_MESSAGE_MAX_LENGTH - 1)}…` : text;
  return `${error.code}: ${short}`;
}
