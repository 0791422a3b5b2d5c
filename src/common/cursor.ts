import { DomainError, ErrorCode } from './domain-error';
import { isTimestamp } from './timestamp';

/** Opaque list cursors: the sort key of the last row, base64url JSON. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** What each position of a cursor must hold, so a forged cursor is a 400 and never reaches SQL. */
export type CursorPart = 'timestamp' | 'uuid' | 'integer';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function fits(value: unknown, part: CursorPart): boolean {
  switch (part) {
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'timestamp':
      // ISO 8601 from a Date, PostgreSQL's own text form, or `infinity` for "no due time".
      return value === 'infinity' || isTimestamp(value);
  }
}

export function decodeCursor(cursor: string, parts: readonly CursorPart[]): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(values) &&
      values.length === parts.length &&
      values.every((value, index) => fits(value, parts[index]))
    )
      return values;
  } catch {
    // fall through to the error below
  }
  throw new DomainError(ErrorCode.VALIDATION_FAILED, 'cursor is not one this list handed out', [
    { field: 'cursor', problems: ['unknown cursor'] },
  ]);
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
