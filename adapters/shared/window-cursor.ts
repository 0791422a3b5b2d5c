import { AdapterError, AdapterErrorCode, type BackfillSupport, type PullPage } from '../contract';

/**
 * The pull position of platforms read in modified-time windows and numbered pages (TOP, JD, PDD, Douyin):
 * where the window starts, where it ends (null until the first page fixes it), in milliseconds, and the next page.
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

/** How one platform's modified-time windows are read; every time in milliseconds. */
export interface WindowPlan {
  platform: string;
  /** How far back the first pull of a connection reaches. */
  lookbackMs: number;
  /** The longest window the list API takes; null: a window reaches up to now. */
  maxWindowMs: number | null;
  /** Re-read at the start of the next window for late writes; a window that ended less than this ago is caught up. */
  overlapMs: number;
  firstPage: 0 | 1;
  /** How far back `pull` may import history (`backfill.maxDays`). */
  maxDays: number | null;
  /**
   * Cursors written before the pager counted in milliseconds held unix seconds (PDD, Douyin): a start below
   * 10^11 is such a cursor, read as seconds.
   */
  legacySeconds?: boolean;
}

/** Below this a stored start cannot be milliseconds (it would be 1973). */
const LEGACY_SECONDS_BELOW = 1e11;
/** The shortest window: the list APIs refuse a window that starts where it ends. */
const MIN_WINDOW_MS = 1000;

/**
 * The one windowed pager of TOP, JD, PDD and Douyin pulls: a window from the cursor (or reaching back
 * `lookbackMs` on a first pull) that ends at most `maxWindowMs` later and never after now; its pages; then the
 * next window from `overlapMs` before its end. One rule says whether there is more to read: another page of the
 * window, or a window that ended more than `overlapMs` ago.
 */
export class WindowPager<T extends WindowCursor = WindowCursor> {
  readonly backfill: BackfillSupport;

  constructor(
    readonly plan: WindowPlan,
    /** The fields a new window starts with beyond start, end and page (JD's family). */
    private readonly fresh: Omit<T, keyof WindowCursor>,
    private readonly isValid: (value: T) => boolean = () => true,
  ) {
    this.backfill = {
      maxDays: plan.maxDays,
      cursorFrom: (since) => this.cursorOf({ start: since.getTime(), end: null }),
      positionOf: (cursor) => {
        try {
          return new Date(this.read(cursor).start);
        } catch {
          return null;
        }
      },
    };
  }

  /** The window to read now and the page in it; `end` is fixed by the first page of a window. */
  open(cursor: string | null, now: number): { state: T; end: number } {
    const state = cursor ? this.read(cursor) : this.windowFrom(now - this.plan.lookbackMs);
    const longest = this.plan.maxWindowMs ?? Number.POSITIVE_INFINITY;
    const end = state.end ?? Math.max(state.start + MIN_WINDOW_MS, Math.min(state.start + longest, now));
    return { state, end };
  }

  /** More of the same window: its next page, or other changes (JD's next family, Douyin's keyset start). */
  more(state: T, end: number, changes: Partial<T> = {}): Pick<PullPage, 'nextCursor' | 'hasMore'> {
    const next = { ...state, end, page: state.page + 1, ...changes };
    return { nextCursor: JSON.stringify(next), hasMore: true };
  }

  /** The window is read: the next starts `overlapMs` before its end. */
  done(end: number, now: number): Pick<PullPage, 'nextCursor' | 'hasMore'> {
    return {
      nextCursor: JSON.stringify(this.windowFrom(end - this.plan.overlapMs)),
      hasMore: now - end > this.plan.overlapMs,
    };
  }

  private windowFrom(start: number): T {
    return { ...this.fresh, start, end: null, page: this.plan.firstPage } as T;
  }

  private cursorOf(bounds: Pick<WindowCursor, 'start' | 'end'>): string {
    return JSON.stringify({ ...this.windowFrom(bounds.start), end: bounds.end });
  }

  private read(cursor: string): T {
    const state = parseWindowCursor<T>(cursor, this.plan.platform, this.plan.firstPage, this.isValid);
    if (!this.plan.legacySeconds || state.start >= LEGACY_SECONDS_BELOW) return state;
    return { ...state, start: state.start * 1000, end: state.end === null ? null : state.end * 1000 };
  }
}
