import { createHash } from 'node:crypto';
import { BusinessCalendar } from '../sla/business-time';
import type { BusinessHours } from '../sla/sla-policy.types';

/**
 * The span of days a business-hours calendar is laid out for; an instant outside it is measured on the
 * wall clock instead.
 */
export const CALENDAR_FIRST_DAY = '2015-01-01';
export const CALENDAR_LAST_DAY = '2040-12-31';

const DAY_MS = 86_400_000;

export interface CalendarDay {
  day: string;
  opensAt: Date | null;
  closesAt: Date | null;
  /** Working seconds from the first day of the span to this day's start. */
  beforeSeconds: number;
}

/** Same hours, zone and holidays → same key, so tenants with identical calendars share the rows. */
export function calendarKey(hours: BusinessHours, holidays: readonly string[]): string {
  const canonical = JSON.stringify({
    timezone: hours.timezone,
    weekdays: [...hours.weekdays].sort((a, b) => a - b),
    start: hours.start,
    end: hours.end,
    holidays: [...holidays].sort(),
  });
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

/** Every day of the span with its open hours, from the SLA clocks' own calendar so both agree to the second. */
export function calendarDays(
  hours: BusinessHours,
  holidays: readonly string[],
  first = CALENDAR_FIRST_DAY,
  last = CALENDAR_LAST_DAY,
): CalendarDay[] {
  const calendar = new BusinessCalendar(hours, holidays);
  const days: CalendarDay[] = [];
  let before = 0;
  for (let ms = Date.parse(`${first}T00:00:00Z`); ms <= Date.parse(`${last}T00:00:00Z`); ms += DAY_MS) {
    const day = new Date(ms).toISOString().slice(0, 10);
    const open = calendar.openHours(day);
    days.push({
      day,
      opensAt: open ? new Date(open[0]) : null,
      closesAt: open ? new Date(open[1]) : null,
      beforeSeconds: before,
    });
    if (open) before += (open[1] - open[0]) / 1000;
  }
  return days;
}
