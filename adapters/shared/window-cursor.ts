import { AdapterError, AdapterErrorCode, type BackfillSupport } from '../contract';

/**
 * The pull position of platforms read in modified-time windows and numbered pages (TOP, JD, PDD, Douyin):
 * where the window starts, where it ends (null until the first page fixes it), and the next page.
 */
export interface WindowCursor {
  start: number;
  end: number | null;
  page: number;
}

/** Reads a stored cursor back; anything else is INVALID, naming the platform so the sync error says whose it was. */
export function parseWindowCursor<T extends WindowCursor = WindowCursor>(
  cursor: string,
  platform: string,
  firstPage: 0 | 1,
  isValid: (value: T) => boolean = () => true,
): T {
  try {
    const value = JSON.parse(cursor) as T;
    if (
      Number.isInteger(value.start) &&
      Number.isInteger(value.page) &&
      value.page >= firstPage &&
      isValid(value)
    ) {
      return value;
    }
  } catch {
    // reported below
  }
  throw new AdapterError(AdapterErrorCode.INVALID, `not a ${platform} pull cursor: ${cursor}`);
}

/**
 * Backfill for platforms pulled in modified-time windows: the cursor starts its first window at `since`
 * (in the platform's time unit) and reports its window start as progress.
 */
export function windowBackfill(options: {
  platform: string;
  maxDays: number | null;
  unit: 'ms' | 's';
  firstPage: 0 | 1;
  extra?: Record<string, unknown>;
}): BackfillSupport {
  const scale = options.unit === 'ms' ? 1 : 1000;
  return {
    maxDays: options.maxDays,
    cursorFrom: (since) =>
      JSON.stringify({
        start: Math.floor(since.getTime() / scale),
        end: null,
        page: options.firstPage,
        ...options.extra,
      }),
    positionOf: (cursor) => {
      try {
        return new Date(parseWindowCursor(cursor, options.platform, options.firstPage).start * scale);
      } catch {
        return null;
      }
    },
  };
}
