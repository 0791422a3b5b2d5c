import { isSafeNumber, parse, stringify } from 'lossless-json';

/**
 * Parses JSON without rounding 64-bit ids: a number that does not fit a double exactly
 * (TOP refund ids, Douyin aftersale ids) comes back as its decimal string.
 */
export function parseLosslessJson(text: string): unknown {
  return parse(text, null, (value: string) => (isSafeNumber(value) ? Number(value) : value));
}

export function stringifyLosslessJson(value: unknown): string {
  return stringify(value) ?? 'null';
}

/** An id as a string, whether the platform sent a JSON number or a string. */
export function idString(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return null;
}
