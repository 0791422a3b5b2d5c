import { DomainError, ErrorCode } from './domain-error';

/** Opaque list cursors: the sort key of the last row, base64url JSON. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length) return values;
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
