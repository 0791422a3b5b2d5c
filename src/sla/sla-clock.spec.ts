import { DEFAULT_SLA_POLICIES } from '../../config/sla.defaults';
import {
  computeSchedule,
  pausedWorkingTime,
  pendingAlerts,
  SlaPolicyBook,
  summarizeState,
  type ClockState,
  type ScheduleInput,
} from './sla-clock';
import type { SlaPolicySet } from './sla-policy.types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const start = Date.parse('2025-11-24T10:00:00+08:00'); // a Monday
const book = new SlaPolicyBook(DEFAULT_SLA_POLICIES);
const input = (overrides: Partial<ScheduleInput> = {}): ScheduleInput => ({
  startedAt: start,
  pausedMs: 0,
  platformDeadlineAt: null,
  timeScale: 1,
  ...overrides,
});

describe('computeSchedule', () => {
  it('puts the warning at 75 % and the breach at 100 % of each default target', () => {
    const schedule = computeSchedule(book.policy('normal'), book.marginMs, input());
    expect(schedule.first_response).toEqual({ warnAt: start + 90 * MINUTE, dueAt: start + 2 * HOUR });
    expect(schedule.resolution).toEqual({ warnAt: start + 18 * HOUR, dueAt: start + 24 * HOUR });
    expect(computeSchedule(book.policy('critical'), book.marginMs, input()).resolution.dueAt).toBe(
      start + 2 * HOUR,
    );
    expect(computeSchedule(book.policy('low'), book.marginMs, input()).resolution.dueAt).toBe(
      start + 72 * HOUR,
    );
  });

  it("never lets a due time fall after the platform's deadline less the margin, warning at 75 % of what is left", () => {
    const schedule = computeSchedule(
      book.policy('normal'),
      book.marginMs,
      input({ platformDeadlineAt: start + 5 * HOUR }),
    );
    expect(schedule.first_response).toEqual({ warnAt: start + 90 * MINUTE, dueAt: start + 2 * HOUR });
    expect(schedule.resolution).toEqual({ warnAt: start + 3 * HOUR, dueAt: start + 4 * HOUR });
  });

  it('makes a case whose platform deadline is already too close due at once', () => {
    const schedule = computeSchedule(
      book.policy('normal'),
      book.marginMs,
      input({ platformDeadlineAt: start + 30 * MINUTE }),
    );
    expect(schedule.resolution).toEqual({ warnAt: start, dueAt: start });
  });

  it('computes due times in business time, weekends and holidays excluded', () => {
    const set: SlaPolicySet = {
      ...DEFAULT_SLA_POLICIES,
      holidays: ['2025-11-25'],
      policies: {
        ...DEFAULT_SLA_POLICIES.policies,
        low: {
          firstResponseMinutes: 8 * 60,
          resolutionMinutes: 18 * 60,
          businessHours: {
            timezone: 'Asia/Shanghai',
            weekdays: [1, 2, 3, 4, 5],
            start: '09:00',
            end: '18:00',
          },
        },
      },
    };
    const lowBook = new SlaPolicyBook(set);
    const friday = Date.parse('2025-11-21T17:00:00+08:00');
    const schedule = computeSchedule(lowBook.policy('low'), lowBook.marginMs, input({ startedAt: friday }));
    // Friday 1 h, Monday 7 h; Tuesday is a holiday
    expect(schedule.first_response.dueAt).toBe(Date.parse('2025-11-24T16:00:00+08:00'));
    // 6 working hours: Friday 1 h, Monday 5 h
    expect(schedule.first_response.warnAt).toBe(Date.parse('2025-11-24T14:00:00+08:00'));
    // Friday 1 h, Monday 9 h, Wednesday 8 h
    expect(schedule.resolution.dueAt).toBe(Date.parse('2025-11-26T17:00:00+08:00'));
  });

  it('runs SLA time faster under a time scale: 3600 makes an hour pass in a second', () => {
    const schedule = computeSchedule(book.policy('normal'), book.marginMs, input({ timeScale: 3600 }));
    expect(schedule.first_response).toEqual({ warnAt: start + 1_500, dueAt: start + 2_000 });
    expect(schedule.resolution.dueAt).toBe(start + 24_000);
  });
});

describe('pause and resume', () => {
  it('pushes due times out by the time spent paused', () => {
    const policy = book.policy('normal');
    const paused = pausedWorkingTime(policy, start, 1, start + 30 * MINUTE, start + 5 * HOUR + 30 * MINUTE);
    expect(paused).toBe(5 * HOUR);
    const schedule = computeSchedule(policy, book.marginMs, input({ pausedMs: paused }));
    expect(schedule.first_response).toEqual({ warnAt: start + 6.5 * HOUR, dueAt: start + 7 * HOUR });
    expect(schedule.resolution.dueAt).toBe(start + 29 * HOUR);
  });

  it('counts only the working time of a pause under business hours, so a weekend pause moves nothing', () => {
    const set: SlaPolicySet = {
      ...DEFAULT_SLA_POLICIES,
      policies: {
        ...DEFAULT_SLA_POLICIES.policies,
        normal: {
          ...DEFAULT_SLA_POLICIES.policies.normal,
          businessHours: {
            timezone: 'Asia/Shanghai',
            weekdays: [1, 2, 3, 4, 5],
            start: '09:00',
            end: '18:00',
          },
        },
      },
    };
    const policy = new SlaPolicyBook(set).policy('normal');
    const saturday = Date.parse('2025-11-22T10:00:00+08:00');
    const sunday = Date.parse('2025-11-23T20:00:00+08:00');
    expect(pausedWorkingTime(policy, start, 1, saturday, sunday)).toBe(0);
    const friday = Date.parse('2025-11-21T16:00:00+08:00');
    const monday = Date.parse('2025-11-24T11:00:00+08:00');
    expect(pausedWorkingTime(policy, friday, 1, friday, monday)).toBe(4 * HOUR);
  });

  it('measures a pause in SLA time under a time scale', () => {
    const paused = pausedWorkingTime(book.policy('normal'), start, 3600, start + 1_000, start + 3_000);
    expect(paused).toBe(2 * HOUR);
    const schedule = computeSchedule(
      book.policy('normal'),
      book.marginMs,
      input({ timeScale: 3600, pausedMs: paused }),
    );
    expect(schedule.first_response.dueAt).toBe(start + 4_000);
  });
});

describe('pendingAlerts and summarizeState', () => {
  const schedule = computeSchedule(book.policy('normal'), book.marginMs, input());
  const state = (overrides: Partial<ClockState> = {}): ClockState => ({
    schedule,
    firstRespondedAt: null,
    resolvedAt: null,
    alerts: { first_response: 'none', resolution: 'none' },
    paused: false,
    finished: false,
    ...overrides,
  });
  const kinds = (clock: ClockState) => pendingAlerts(clock).map((alert) => `${alert.target}:${alert.kind}`);

  it('lists every warning and breach still to come, earliest first', () => {
    expect(kinds(state())).toEqual([
      'first_response:warning',
      'first_response:breach',
      'resolution:warning',
      'resolution:breach',
    ]);
  });

  it('drops what already fired and targets already met', () => {
    expect(kinds(state({ alerts: { first_response: 'warning', resolution: 'none' } }))).toEqual([
      'first_response:breach',
      'resolution:warning',
      'resolution:breach',
    ]);
    expect(kinds(state({ firstRespondedAt: start + MINUTE }))).toEqual([
      'resolution:warning',
      'resolution:breach',
    ]);
    expect(kinds(state({ resolvedAt: start + MINUTE }))).toEqual([]);
  });

  it('raises nothing while paused or once the case is finished', () => {
    expect(kinds(state({ paused: true }))).toEqual([]);
    expect(kinds(state({ finished: true }))).toEqual([]);
  });

  it('summarises: breached sticks, a warning lasts while its target is open', () => {
    expect(summarizeState(state())).toBe('ok');
    expect(summarizeState(state({ alerts: { first_response: 'warning', resolution: 'none' } }))).toBe(
      'warning',
    );
    expect(
      summarizeState(
        state({
          alerts: { first_response: 'warning', resolution: 'none' },
          firstRespondedAt: start + MINUTE,
        }),
      ),
    ).toBe('ok');
    expect(
      summarizeState(
        state({
          alerts: { first_response: 'breached', resolution: 'none' },
          firstRespondedAt: start + 3 * HOUR,
        }),
      ),
    ).toBe('breached');
  });
});
