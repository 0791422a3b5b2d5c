import { AROUND_THE_CLOCK, BusinessCalendar, isValidTimeZone, minutesOfDay } from './business-time';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('BusinessCalendar', () => {
  const weekdays = [1, 2, 3, 4, 5];
  const shanghai = new BusinessCalendar({
    timezone: 'Asia/Shanghai',
    weekdays,
    start: '09:00',
    end: '18:00',
  });

  it('adds time within one working day', () => {
    // Monday 10:00 in Shanghai
    expect(iso(shanghai.add(at('2025-11-24T10:00:00+08:00'), 2 * HOUR))).toBe('2025-11-24T04:00:00.000Z');
  });

  it('starts counting at opening time when the clock starts before it', () => {
    expect(iso(shanghai.add(at('2025-11-24T07:00:00+08:00'), HOUR))).toBe('2025-11-24T02:00:00.000Z');
  });

  it('carries what does not fit on Friday over the weekend to Monday', () => {
    // Friday 17:00 + 2 h = Monday 10:00, Shanghai time
    const due = shanghai.add(at('2025-11-21T17:00:00+08:00'), 2 * HOUR);
    expect(iso(due)).toBe(new Date('2025-11-24T10:00:00+08:00').toISOString());
  });

  it('starts a case raised on Saturday at Monday opening', () => {
    const due = shanghai.add(at('2025-11-22T15:00:00+08:00'), 30 * 60_000);
    expect(iso(due)).toBe(new Date('2025-11-24T09:30:00+08:00').toISOString());
  });

  it('spreads a long target over several working days', () => {
    // 24 working hours from Monday 09:00 at 9 hours a day: Monday, Tuesday and 6 hours of Wednesday
    const due = shanghai.add(at('2025-11-24T09:00:00+08:00'), 24 * HOUR);
    expect(iso(due)).toBe(new Date('2025-11-26T15:00:00+08:00').toISOString());
  });

  it('skips holidays as if they were weekend days', () => {
    const withHoliday = new BusinessCalendar(
      { timezone: 'Asia/Shanghai', weekdays, start: '09:00', end: '18:00' },
      ['2025-11-24', '2025-11-25'],
    );
    const due = withHoliday.add(at('2025-11-21T17:00:00+08:00'), 2 * HOUR);
    expect(iso(due)).toBe(new Date('2025-11-26T10:00:00+08:00').toISOString());
  });

  it('reads the holiday date on the business time zone, not in UTC', () => {
    // 2025-11-24 00:30 in Shanghai is still 2025-11-23 in UTC
    const withHoliday = new BusinessCalendar(
      { timezone: 'Asia/Shanghai', weekdays: [1, 2, 3, 4, 5, 6, 7], start: '00:00', end: '24:00' },
      ['2025-11-24'],
    );
    const due = withHoliday.add(at('2025-11-24T00:30:00+08:00'), HOUR);
    expect(iso(due)).toBe(new Date('2025-11-25T01:00:00+08:00').toISOString());
  });

  it('keeps opening hours on the wall clock across a daylight-saving change', () => {
    const newYork = new BusinessCalendar({
      timezone: 'America/New_York',
      weekdays,
      start: '09:00',
      end: '18:00',
    });
    // Friday 17:00 EST (UTC-5); clocks go forward on Sunday 9 March 2025; Monday 10:00 is EDT (UTC-4)
    const due = newYork.add(at('2025-03-07T17:00:00-05:00'), 2 * HOUR);
    expect(iso(due)).toBe('2025-03-10T14:00:00.000Z');
  });

  it('opens at the wall-clock time of its own zone', () => {
    const london = new BusinessCalendar({
      timezone: 'Europe/London',
      weekdays,
      start: '09:00',
      end: '18:00',
    });
    const start = at('2025-11-24T00:00:00Z');
    expect(iso(london.add(start, HOUR))).toBe('2025-11-24T10:00:00.000Z');
    // 08:00 in Shanghai: the hour runs from 09:00 to 10:00 local
    expect(iso(shanghai.add(start, HOUR))).toBe('2025-11-24T02:00:00.000Z');
  });

  it('measures working time between two instants', () => {
    expect(shanghai.between(at('2025-11-21T17:00:00+08:00'), at('2025-11-24T10:00:00+08:00'))).toBe(2 * HOUR);
    expect(shanghai.between(at('2025-11-22T08:00:00+08:00'), at('2025-11-23T20:00:00+08:00'))).toBe(0);
    expect(shanghai.between(at('2025-11-24T12:00:00+08:00'), at('2025-11-24T11:00:00+08:00'))).toBe(0);
  });

  it('undoes add with between', () => {
    const start = at('2025-11-20T16:12:00+08:00');
    const due = shanghai.add(start, 13.5 * HOUR);
    expect(shanghai.between(start, due)).toBe(13.5 * HOUR);
  });
});

describe('AROUND_THE_CLOCK', () => {
  it('is plain elapsed time', () => {
    expect(AROUND_THE_CLOCK.add(1_000, 500)).toBe(1_500);
    expect(AROUND_THE_CLOCK.between(1_000, 4_000)).toBe(3_000);
    expect(AROUND_THE_CLOCK.between(4_000, 1_000)).toBe(0);
  });
});

describe('time helpers', () => {
  it('knows IANA zones and reads HH:mm', () => {
    expect(isValidTimeZone('Asia/Shanghai')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus')).toBe(false);
    expect(minutesOfDay('09:30')).toBe(570);
    expect(minutesOfDay('24:00')).toBe(1440);
    expect(minutesOfDay('24:30')).toBeNaN();
    expect(minutesOfDay('9:30')).toBeNaN();
  });
});
