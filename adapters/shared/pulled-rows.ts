import { createHash } from 'node:crypto';
import {
  AdapterError,
  AdapterErrorCode,
  type InboundEventDraft,
  type NormalizedCase,
  type UnmappedCase,
} from '../contract';
import { parseLosslessJson, stringifyLosslessJson } from './lossless-json';

/** The event type of a pulled row the mapper could not read; retrying it re-reads the case. */
export const PULLED_ROW_EVENT = 'pull.unmapped';

export interface PulledRowIds {
  externalId: string | null;
  externalOrderId: string | null;
}

/** What a stored unmapped row carries: the ids to re-read the case with, and the row as the platform sent it. */
export interface PulledRowPayload extends PulledRowIds {
  row: unknown;
}

/**
 * Maps a page of rows one by one: a row that cannot be mapped (a status nobody has seen, a broken date) is handed
 * back as an unmapped case with its error, so the rest of the page and the cursor go on without it.
 */
export function mapPulledRows<R>(
  rows: readonly R[],
  map: (row: R) => NormalizedCase,
  ids: (row: R) => PulledRowIds,
): { cases: NormalizedCase[]; unmapped: UnmappedCase[] } {
  const cases: NormalizedCase[] = [];
  const unmapped: UnmappedCase[] = [];
  for (const row of rows) {
    try {
      cases.push(map(row));
    } catch (error) {
      unmapped.push(unmappedCase(row, ids(row), error));
    }
  }
  return { cases, unmapped };
}

export function unmappedCase(row: unknown, ids: PulledRowIds, error: unknown): UnmappedCase {
  const payload: PulledRowPayload = { ...ids, row };
  const text = stringifyLosslessJson(payload);
  const event: InboundEventDraft = {
    // The same row pulled again (window overlap) is the same event; a changed row is a new one.
    dedupeKey: `${PULLED_ROW_EVENT}:${ids.externalId ?? ''}:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`,
    eventType: PULLED_ROW_EVENT,
    externalId: ids.externalId,
    payload: text,
  };
  return { event, error: error instanceof Error ? error.message : String(error) };
}

export function isPulledRowEvent(event: Pick<InboundEventDraft, 'eventType'>): boolean {
  return event.eventType === PULLED_ROW_EVENT;
}

/**
 * A retried unmapped row: re-read the case when the platform can look it up (its state may have moved on to one
 * that maps), otherwise map the stored row again.
 */
export async function resolvePulledRow<R>(
  event: InboundEventDraft,
  map: (row: R) => NormalizedCase,
  fetch?: (ids: PulledRowIds) => Promise<NormalizedCase>,
): Promise<NormalizedCase> {
  let payload: PulledRowPayload;
  try {
    payload = parseLosslessJson(event.payload) as PulledRowPayload;
  } catch {
    throw new AdapterError(AdapterErrorCode.INVALID, 'the stored pulled row is not JSON');
  }
  if (fetch && payload.externalId) return fetch(payload);
  return map(payload.row as R);
}
