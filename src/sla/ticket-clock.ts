import type { TicketStage } from '../../adapters/contract';
import type { Severity, SlaState, TicketStatus } from '../tickets/ticket-vocabulary';
import {
  computeSchedule,
  pausedWorkingTime,
  pendingAlerts,
  summarizeState,
  type ClockState,
  type PendingAlert,
  type SlaPolicyBook,
  type SlaSchedule,
} from './sla-clock';
import type { SlaAlert, SlaTarget } from './sla-policy.types';

/** Upstream stages after which the case is over on the platform, so no clock starts or fires. */
export const FINISHED_STAGES: readonly TicketStage[] = ['refunded', 'cancelled', 'closed'];
const DONE_STATUSES: readonly TicketStatus[] = ['solved', 'closed'];

/** A ticket's SLA clock as stored: times in epoch milliseconds. */
export interface StoredClock {
  status: TicketStatus;
  stage: TicketStage;
  policy: Severity | null;
  startedAt: number | null;
  pausedAt: number | null;
  /** Working time spent paused so far, in SLA time. */
  pausedMs: number;
  schedule: SlaSchedule | null;
  firstRespondedAt: number | null;
  resolvedAt: number | null;
  alerts: Record<SlaTarget, SlaAlert>;
  platformDeadlineAt: number | null;
}

/** The columns `clockFromRow` reads, for a `SELECT` on `tickets t`. */
export const CLOCK_COLUMNS = `t.status, t.stage, t.sla_policy, t.sla_started_at, t.sla_paused_at, t.sla_paused_ms,
  t.sla_first_response_warn_at, t.sla_first_response_due_at, t.sla_resolution_warn_at, t.sla_resolution_due_at,
  t.sla_first_responded_at, t.sla_resolved_at, t.sla_first_response_alert, t.sla_resolution_alert, t.platform_deadline_at`;

export interface ClockRow {
  status: TicketStatus;
  stage: TicketStage;
  sla_policy: Severity | null;
  sla_started_at: Date | null;
  sla_paused_at: Date | null;
  sla_paused_ms: string | number;
  sla_first_response_warn_at: Date | null;
  sla_first_response_due_at: Date | null;
  sla_resolution_warn_at: Date | null;
  sla_resolution_due_at: Date | null;
  sla_first_responded_at: Date | null;
  sla_resolved_at: Date | null;
  sla_first_response_alert: SlaAlert;
  sla_resolution_alert: SlaAlert;
  platform_deadline_at: Date | null;
}

const ms = (date: Date | null): number | null => (date === null ? null : date.getTime());
const date = (value: number | null): Date | null => (value === null ? null : new Date(value));

export function clockFromRow(row: ClockRow): StoredClock {
  const times = [
    row.sla_first_response_warn_at,
    row.sla_first_response_due_at,
    row.sla_resolution_warn_at,
    row.sla_resolution_due_at,
  ];
  const [frWarn, frDue, resWarn, resDue] = times.map(ms);
  return {
    status: row.status,
    stage: row.stage,
    policy: row.sla_policy,
    startedAt: ms(row.sla_started_at),
    pausedAt: ms(row.sla_paused_at),
    pausedMs: Number(row.sla_paused_ms),
    schedule:
      frWarn === null || frDue === null || resWarn === null || resDue === null
        ? null
        : {
            first_response: { warnAt: frWarn, dueAt: frDue },
            resolution: { warnAt: resWarn, dueAt: resDue },
          },
    firstRespondedAt: ms(row.sla_first_responded_at),
    resolvedAt: ms(row.sla_resolved_at),
    alerts: { first_response: row.sla_first_response_alert, resolution: row.sla_resolution_alert },
    platformDeadlineAt: ms(row.platform_deadline_at),
  };
}

/** The clock of a ticket about to be placed: nothing has happened yet. */
export function freshClock(stage: TicketStage, platformDeadlineAt: Date | null): StoredClock {
  return {
    status: 'new',
    stage,
    policy: null,
    startedAt: null,
    pausedAt: null,
    pausedMs: 0,
    schedule: null,
    firstRespondedAt: null,
    resolvedAt: null,
    alerts: { first_response: 'none', resolution: 'none' },
    platformDeadlineAt: platformDeadlineAt?.getTime() ?? null,
  };
}

export function isFinished(clock: Pick<StoredClock, 'status' | 'stage'>): boolean {
  return DONE_STATUSES.includes(clock.status) || FINISHED_STAGES.includes(clock.stage);
}

export function clockState(clock: StoredClock): ClockState | null {
  if (!clock.schedule) return null;
  return {
    schedule: clock.schedule,
    firstRespondedAt: clock.firstRespondedAt,
    resolvedAt: clock.resolvedAt,
    alerts: clock.alerts,
    paused: clock.pausedAt !== null,
    finished: isFinished(clock),
  };
}

/** The next warning or breach to wait for; what a timer job and the sweep look at. */
export function nextAlert(clock: StoredClock): PendingAlert | null {
  const state = clockState(clock);
  return state ? (pendingAlerts(state)[0] ?? null) : null;
}

/**
 * The clock under `severity`'s policy: started now if it never ran and the case is still live upstream,
 * otherwise recomputed from its own start and pauses, so a re-evaluation never resets elapsed time.
 */
export function planClock(
  clock: StoredClock,
  book: SlaPolicyBook,
  severity: Severity,
  timeScale: number,
  now: number,
): StoredClock {
  if (clock.startedAt === null && FINISHED_STAGES.includes(clock.stage)) return clock;
  const startedAt = clock.startedAt ?? now;
  const schedule = computeSchedule(book.policy(severity), book.marginMs, {
    startedAt,
    pausedMs: clock.pausedMs,
    platformDeadlineAt: clock.platformDeadlineAt,
    timeScale,
  });
  return { ...clock, policy: severity, startedAt, schedule };
}

/**
 * A workflow status change: `pending` pauses the clock and leaving it resumes, pushing due times out by the
 * working time spent paused; `solved` or `closed` stops it; reopening starts the resolution clock again.
 */
export function transitionClock(
  clock: StoredClock,
  from: TicketStatus,
  to: TicketStatus,
  at: number,
  book: SlaPolicyBook,
  timeScale: number,
): StoredClock {
  let next: StoredClock = { ...clock, status: to };
  if (from === to) return next;
  if (to !== 'pending' && clock.pausedAt !== null) {
    const paused =
      clock.startedAt === null || clock.policy === null
        ? 0
        : pausedWorkingTime(book.policy(clock.policy), clock.startedAt, timeScale, clock.pausedAt, at);
    next = { ...next, pausedAt: null, pausedMs: clock.pausedMs + paused };
    if (next.policy !== null && next.startedAt !== null)
      next = planClock(next, book, next.policy, timeScale, at);
  }
  if (to === 'pending' && next.pausedAt === null) next = { ...next, pausedAt: at };
  if (DONE_STATUSES.includes(to) && next.resolvedAt === null) next = { ...next, resolvedAt: at };
  if (DONE_STATUSES.includes(from) && !DONE_STATUSES.includes(to)) {
    // Reopened (the buyer re-applied, the platform stepped in, an agent reopened): a fresh clock from now.
    next = {
      ...next,
      startedAt: null,
      pausedAt: to === 'pending' ? at : null,
      pausedMs: 0,
      firstRespondedAt: null,
      resolvedAt: null,
      alerts: { first_response: 'none', resolution: 'none' },
    };
    if (next.policy !== null) next = planClock(next, book, next.policy, timeScale, at);
  }
  return next;
}

/** Columns every clock write sets, in the order of `clockValues`. */
const CLOCK_WRITE_COLUMNS = [
  'sla_policy',
  'sla_started_at',
  'sla_paused_at',
  'sla_paused_ms',
  'sla_first_response_warn_at',
  'sla_first_response_due_at',
  'sla_resolution_warn_at',
  'sla_resolution_due_at',
  'sla_first_responded_at',
  'sla_resolved_at',
  'sla_first_response_alert',
  'sla_resolution_alert',
  'sla_state',
  'sla_next_check_at',
] as const;

/** The clock columns' types, for a `jsonb_to_recordset` whose records carry `clockRecord`. */
export const CLOCK_RECORD_TYPES = `sla_policy text, sla_started_at timestamptz, sla_paused_at timestamptz,
  sla_paused_ms bigint, sla_first_response_warn_at timestamptz, sla_first_response_due_at timestamptz,
  sla_resolution_warn_at timestamptz, sla_resolution_due_at timestamptz, sla_first_responded_at timestamptz,
  sla_resolved_at timestamptz, sla_first_response_alert text, sla_resolution_alert text, sla_state text,
  sla_next_check_at timestamptz`;

/** `sla_policy = u.sla_policy, …` for an UPDATE … FROM a recordset aliased `alias`. */
export function clockRecordAssignments(alias: string): string {
  return CLOCK_WRITE_COLUMNS.map((column) => `${column} = ${alias}.${column}`).join(', ');
}

/** The clock columns' names, in the order of `clockValues`, for an INSERT column list. */
export function clockColumnList(alias?: string): string {
  return CLOCK_WRITE_COLUMNS.map((column) => (alias ? `${alias}.${column}` : column)).join(', ');
}

/** The clock as one record's columns (for a JSON batch). */
export function clockRecord(clock: StoredClock): Record<string, unknown> {
  const values = clockValues(clock);
  return Object.fromEntries(CLOCK_WRITE_COLUMNS.map((column, index) => [column, values[index]]));
}

/** `sla_policy = $first, …` for an UPDATE whose parameters continue with `clockValues`. */
export function clockAssignments(first: number): string {
  return CLOCK_WRITE_COLUMNS.map((column, index) => `${column} = $${first + index}`).join(', ');
}

/** What the clock derives: the ticket-level state and when a timer or the sweep must look again. */
export function clockSummary(clock: StoredClock): { state: SlaState; nextCheckAt: Date | null } {
  const state = clockState(clock);
  return { state: state ? summarizeState(state) : 'ok', nextCheckAt: date(nextAlert(clock)?.at ?? null) };
}

export function clockValues(clock: StoredClock): unknown[] {
  const summary = clockSummary(clock);
  return [
    clock.policy,
    date(clock.startedAt),
    date(clock.pausedAt),
    clock.pausedMs,
    date(clock.schedule?.first_response.warnAt ?? null),
    date(clock.schedule?.first_response.dueAt ?? null),
    date(clock.schedule?.resolution.warnAt ?? null),
    date(clock.schedule?.resolution.dueAt ?? null),
    date(clock.firstRespondedAt),
    date(clock.resolvedAt),
    clock.alerts.first_response,
    clock.alerts.resolution,
    summary.state,
    summary.nextCheckAt,
  ];
}

export function sameSchedule(a: SlaSchedule | null, b: SlaSchedule | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.first_response.warnAt === b.first_response.warnAt &&
    a.first_response.dueAt === b.first_response.dueAt &&
    a.resolution.warnAt === b.resolution.warnAt &&
    a.resolution.dueAt === b.resolution.dueAt
  );
}
