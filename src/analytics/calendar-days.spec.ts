import { BusinessCalendar } from '../sla/business-time';
import { calendarDays, calendarKey } from './calendar-days';

const HOURS = { timezone: 'Asia/Shanghai', weekdays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00' };

describe('calendarDays', () => {
  const days = calendarDays(HOURS, ['2026-10-01'], '2026-09-28', '2026-10-05');

  it('lays out open hours in the zone and skips weekends and holidays', () => {
    expect(days.map((d) => d.day)).toEqual([
      '2026-09-28',
      '2026-09-29',
      '2026-09-30',
      '2026-10-01',
      '2026-10-02',
      '2026-10-03',
      '2026-10-04',
      '2026-10-05',
    ]);
    expect(days[0].opensAt?.toISOString()).toBe('2026-09-28T01:00:00.000Z');
    expect(days[0].closesAt?.toISOString()).toBe('2026-09-28T10:00:00.000Z');
    expect(days[3].opensAt).toBeNull();
    expect(days[5].opensAt).toBeNull();
  });

  it('accumulates working seconds before each day, matching the SLA calendar', () => {
    expect(days.map((d) => d.beforeSeconds / 3600)).toEqual([0, 9, 18, 27, 27, 36, 36, 36]);
    const calendar = new BusinessCalendar(HOURS, ['2026-10-01']);
    const from = Date.parse('2026-09-28T00:00:00+08:00');
    const to = Date.parse('2026-10-05T00:00:00+08:00');
    expect(calendar.between(from, to) / 1000).toBe(days[7].beforeSeconds);
  });

  it('keys calendars by content, whatever the order of weekdays and holidays', () => {
    expect(calendarKey(HOURS, ['2026-10-02', '2026-10-01'])).toBe(
      calendarKey({ ...HOURS, weekdays: [5, 4, 3, 2, 1] }, ['2026-10-01', '2026-10-02']),
    );
    expect(calendarKey(HOURS, [])).not.toBe(calendarKey({ ...HOURS, end: '17:00' }, []));
  });
});
