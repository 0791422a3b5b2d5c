import type { BusinessHours } from './sla-policy.types';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Far enough to cross any realistic run of weekends and holidays; beyond it the calendar has no open hours. */
const MAX_DAYS = 25 * 366;
const WINDOW_CACHE_LIMIT = 4_096;

/** How working time passes: `add` moves forward by an amount of working time, `between` measures it. */
export interface WorkingTime {
  add(fromMs: number, durationMs: number): number;
  between(fromMs: number, toMs: number): number;
}

export const AROUND_THE_CLOCK: WorkingTime = {
  add: (fromMs, durationMs) => fromMs + Math.max(0, durationMs),
  between: (fromMs, toMs) => Math.max(0, toMs - fromMs),
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** `HH:mm` → minutes after midnight; `24:00` is the end of the day. */
export function minutesOfDay(text: string): number {
  const match = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text);
  if (!match) return Number.NaN;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : Number.NaN;
}

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
function offsetAt(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/** The instant a wall-clock time happens in the zone; in a spring-forward gap, the first instant after it. */
function instantOf(wallMs: number, timeZone: string): number {
  const guess = wallMs - offsetAt(wallMs, timeZone);
  const corrected = wallMs - offsetAt(guess, timeZone);
  return corrected === guess ? guess : Math.max(guess, corrected);
}

/** Whole days since 1970-01-01 on the zone's calendar. */
function localDay(ms: number, timeZone: string): number {
  return Math.floor((ms + offsetAt(ms, timeZone)) / DAY);
}

/** ISO weekday (1 = Monday) of a day number; 1970-01-01 was a Thursday. */
function weekday(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
}

/**
 * Working time under business hours: only the open hours of working days that are not holidays count.
 * Each day's opening and closing are found on the zone's own calendar, so daylight-saving changes are exact.
 */
export class BusinessCalendar implements WorkingTime {
  private readonly weekdays: Set<number>;
  private readonly holidays: Set<number>;
  private readonly opens: number;
  private readonly closes: number;
  private readonly windows = new Map<number, readonly [number, number] | null>();

  constructor(
    private readonly hours: BusinessHours,
    holidays: readonly string[] = [],
  ) {
    this.weekdays = new Set(hours.weekdays);
    this.holidays = new Set(holidays.map(dayNumber));
    this.opens = minutesOfDay(hours.start);
    this.closes = minutesOfDay(hours.end);
  }

  add(fromMs: number, durationMs: number): number {
    if (durationMs <= 0) return fromMs;
    let remaining = durationMs;
    const first = localDay(fromMs, this.hours.timezone);
    for (let day = first; day < first + MAX_DAYS; day++) {
      const window = this.window(day);
      if (!window) continue;
      const begin = Math.max(fromMs, window[0]);
      if (begin >= window[1]) continue;
      const available = window[1] - begin;
      if (remaining <= available) return begin + remaining;
      remaining -= available;
    }
    throw new RangeError(`no business hours in ${this.hours.timezone} within ${MAX_DAYS} days`);
  }

  between(fromMs: number, toMs: number): number {
    if (toMs <= fromMs) return 0;
    let total = 0;
    const last = localDay(toMs, this.hours.timezone);
    for (let day = localDay(fromMs, this.hours.timezone); day <= last; day++) {
      const window = this.window(day);
      if (window) total += Math.max(0, Math.min(toMs, window[1]) - Math.max(fromMs, window[0]));
    }
    return total;
  }

  /** The open hours of one `YYYY-MM-DD` day on the zone's calendar, as epoch milliseconds; null when closed. */
  openHours(date: string): readonly [number, number] | null {
    return this.window(dayNumber(date));
  }

  private window(day: number): readonly [number, number] | null {
    const cached = this.windows.get(day);
    if (cached !== undefined) return cached;
    const open = this.weekdays.has(weekday(day)) && !this.holidays.has(day);
    const window = open
      ? ([
          instantOf(day * DAY + this.opens * MINUTE, this.hours.timezone),
          instantOf(day * DAY + this.closes * MINUTE, this.hours.timezone),
        ] as const)
      : null;
    if (this.windows.size >= WINDOW_CACHE_LIMIT) this.windows.clear();
    this.windows.set(day, window);
    return window;
  }
}
