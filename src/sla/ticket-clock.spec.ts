import { DEFAULT_SLA_POLICIES } from '../../config/sla.defaults';
import { SlaPolicyBook } from './sla-clock';
import {
  clockAssignments,
  clockFromRow,
  clockValues,
  freshClock,
  nextAlert,
  planClock,
  transitionClock,
  type StoredClock,
} from './ticket-clock';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const book = new SlaPolicyBook(DEFAULT_SLA_POLICIES);
const t0 = Date.parse('2025-11-24T02:00:00Z');

const blank = (overrides: Partial<StoredClock> = {}): StoredClock => ({
  ...freshClock('requested', null),
  ...overrides,
});

describe('planClock', () => {
  it('starts a clock that never ran, under the policy of the given severity', () => {
    const clock = planClock(blank(), book, 'critical', 1, t0);
    expect(clock).toMatchObject({ policy: 'critical', startedAt: t0 });
    expect(clock.schedule?.first_response.dueAt).toBe(t0 + HOUR);
    expect(nextAlert(clock)).toEqual({ target: 'first_response', kind: 'warning', at: t0 + 45 * MINUTE });
  });

  it('starts no clock for a case already over upstream', () => {
    expect(planClock(blank({ stage: 'refunded' }), book, 'normal', 1, t0).schedule).toBeNull();
  });

  it('recomputes from the original start when the severity changes, keeping elapsed time', () => {
    const normal = planClock(blank(), book, 'normal', 1, t0);
    const critical = planClock(normal, book, 'critical', 1, t0 + 30 * MINUTE);
    expect(critical.startedAt).toBe(t0);
    expect(critical.schedule?.resolution.dueAt).toBe(t0 + 2 * HOUR);
  });
});

describe('transitionClock', () => {
  const running = planClock(blank({ status: 'open' }), book, 'normal', 1, t0);

  it('pauses while pending and, on resume, pushes every due time out by the pause', () => {
    const paused = transitionClock(running, 'open', 'pending', t0 + HOUR, book, 1);
    expect(paused.pausedAt).toBe(t0 + HOUR);
    expect(nextAlert(paused)).toBeNull();
    const resumed = transitionClock(paused, 'pending', 'open', t0 + 4 * HOUR, book, 1);
    expect(resumed).toMatchObject({ pausedAt: null, pausedMs: 3 * HOUR });
    expect(resumed.schedule?.first_response.dueAt).toBe(t0 + 5 * HOUR);
    expect(resumed.schedule?.resolution.dueAt).toBe(t0 + 27 * HOUR);
  });

  it('keeps a single pause when pending is entered twice', () => {
    const paused = transitionClock(running, 'open', 'pending', t0 + HOUR, book, 1);
    expect(transitionClock(paused, 'open', 'pending', t0 + 2 * HOUR, book, 1).pausedAt).toBe(t0 + HOUR);
  });

  it('stops on solved, counting the pause, and starts the resolution clock again on reopen', () => {
    const paused = transitionClock(running, 'open', 'pending', t0 + HOUR, book, 1);
    const solved = transitionClock(paused, 'pending', 'solved', t0 + 2 * HOUR, book, 1);
    expect(solved).toMatchObject({ resolvedAt: t0 + 2 * HOUR, pausedAt: null, pausedMs: HOUR });
    expect(nextAlert(solved)).toBeNull();
    const reopened = transitionClock(solved, 'solved', 'open', t0 + 3 * HOUR, book, 1);
    expect(reopened.resolvedAt).toBeNull();
    expect(nextAlert(reopened)?.target).toBe('first_response');
  });

  it('gives a reopened ticket a fresh clock: new due times from the reopening, alerts cleared', () => {
    const breached = { ...running, alerts: { first_response: 'breached', resolution: 'none' } as const };
    const solved = transitionClock(breached, 'open', 'solved', t0 + 30 * HOUR, book, 1);
    const reopened = transitionClock(solved, 'solved', 'open', t0 + 40 * HOUR, book, 1);
    expect(reopened).toMatchObject({
      startedAt: t0 + 40 * HOUR,
      pausedMs: 0,
      firstRespondedAt: null,
      resolvedAt: null,
      alerts: { first_response: 'none', resolution: 'none' },
    });
    expect(reopened.schedule?.first_response.dueAt).toBe(t0 + 42 * HOUR);
    expect(reopened.schedule?.resolution.dueAt).toBe(t0 + 64 * HOUR);
  });

  it('leaves a ticket without a clock without one', () => {
    const solved = transitionClock(blank({ stage: 'closed' }), 'new', 'solved', t0, book, 1);
    expect(solved).toMatchObject({ schedule: null, resolvedAt: t0 });
  });
});

describe('clockValues', () => {
  it('writes the summary state and the next check with the clock', () => {
    const clock = planClock(blank(), book, 'normal', 1, t0);
    const warned = { ...clock, alerts: { first_response: 'warning', resolution: 'none' } } as const;
    const values = clockValues(warned);
    expect(values).toHaveLength(14);
    expect(values.slice(-2)).toEqual(['warning', new Date(t0 + 2 * HOUR)]);
    expect(clockAssignments(3)).toMatch(/^sla_policy = \$3, .* sla_next_check_at = \$16$/);
  });

  it('reads back what it wrote', () => {
    const clock = planClock(blank({ platformDeadlineAt: t0 + 10 * HOUR }), book, 'high', 1, t0);
    const [
      policy,
      startedAt,
      pausedAt,
      pausedMs,
      frWarn,
      frDue,
      resWarn,
      resDue,
      responded,
      resolved,
      frAlert,
      resAlert,
    ] = clockValues(clock);
    const row = {
      status: clock.status,
      stage: clock.stage,
      sla_policy: policy,
      sla_started_at: startedAt,
      sla_paused_at: pausedAt,
      sla_paused_ms: String(pausedMs),
      sla_first_response_warn_at: frWarn,
      sla_first_response_due_at: frDue,
      sla_resolution_warn_at: resWarn,
      sla_resolution_due_at: resDue,
      sla_first_responded_at: responded,
      sla_resolved_at: resolved,
      sla_first_response_alert: frAlert,
      sla_resolution_alert: resAlert,
      platform_deadline_at: new Date(t0 + 10 * HOUR),
    } as Parameters<typeof clockFromRow>[0];
    expect(clockFromRow(row)).toEqual(clock);
  });
});
