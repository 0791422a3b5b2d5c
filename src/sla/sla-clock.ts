import { SLA_WARNING_RATIO } from '../../config/sla.defaults';
import type { Severity, SlaState } from '../tickets/ticket-vocabulary';
import { AROUND_THE_CLOCK, BusinessCalendar, type WorkingTime } from './business-time';
import { SLA_TARGETS, type SlaAlert, type SlaPolicySet, type SlaTarget } from './sla-policy.types';

const MINUTE = 60_000;

export interface TargetTimes {
  warnAt: number;
  dueAt: number;
}

export type SlaSchedule = Record<SlaTarget, TargetTimes>;

export interface CompiledPolicy {
  severity: Severity;
  targetMs: Record<SlaTarget, number>;
  time: WorkingTime;
}

/** Where one ticket's clock stands: the due times, what happened, and whether it can still fire. */
export interface ClockState {
  schedule: SlaSchedule;
  firstRespondedAt: number | null;
  resolvedAt: number | null;
  alerts: Record<SlaTarget, SlaAlert>;
  paused: boolean;
  /** Solved or closed here, or finished upstream: nothing can be late any more. */
  finished: boolean;
}

export interface PendingAlert {
  target: SlaTarget;
  kind: 'warning' | 'breach';
  at: number;
}

/**
 * SLA time runs `scale` times faster than real time from the moment the clock started, so business hours,
 * holidays and targets keep their meaning while demos and tests see an hour pass in a second.
 */
export class SlaTimeline {
  constructor(
    private readonly startedAt: number,
    private readonly scale: number,
  ) {}

  toSla(realMs: number): number {
    return this.startedAt + (realMs - this.startedAt) * this.scale;
  }

  toReal(slaMs: number): number {
    return Math.round(this.startedAt + (slaMs - this.startedAt) / this.scale);
  }
}

/** One tenant's policies, compiled once: targets in milliseconds and each policy's working time. */
export class SlaPolicyBook {
  readonly marginMs: number;
  private readonly compiled: Record<Severity, CompiledPolicy>;

  constructor(set: SlaPolicySet) {
    this.marginMs = set.platformDeadlineMarginMinutes * MINUTE;
    const compile = (severity: Severity): CompiledPolicy => {
      const policy = set.policies[severity];
      return {
        severity,
        targetMs: {
          first_response: policy.firstResponseMinutes * MINUTE,
          resolution: policy.resolutionMinutes * MINUTE,
        },
        time: policy.businessHours
          ? new BusinessCalendar(policy.businessHours, set.holidays)
          : AROUND_THE_CLOCK,
      };
    };
    this.compiled = {
      critical: compile('critical'),
      high: compile('high'),
      normal: compile('normal'),
      low: compile('low'),
    };
  }

  policy(severity: Severity): CompiledPolicy {
    return this.compiled[severity];
  }
}

export interface ScheduleInput {
  startedAt: number;
  /** Working time spent paused so far, in SLA time. */
  pausedMs: number;
  platformDeadlineAt: number | null;
  timeScale: number;
}

/**
 * Due times in working time from the start, pushed out by the time spent paused, and never later than the
 * platform's own deadline less the margin; the warning comes at 75 % of whatever the target turned out to be.
 */
export function computeSchedule(policy: CompiledPolicy, marginMs: number, input: ScheduleInput): SlaSchedule {
  const timeline = new SlaTimeline(input.startedAt, input.timeScale);
  const start = input.startedAt;
  const cap =
    input.platformDeadlineAt === null
      ? Number.POSITIVE_INFINITY
      : timeline.toSla(input.platformDeadlineAt) - marginMs;
  const times = (target: SlaTarget): TargetTimes => {
    const targetMs = policy.targetMs[target];
    let dueAt = policy.time.add(start, targetMs + input.pausedMs);
    let warnAt = policy.time.add(start, targetMs * SLA_WARNING_RATIO + input.pausedMs);
    if (cap < dueAt) {
      dueAt = Math.max(start, cap);
      warnAt = Math.min(
        warnAt,
        policy.time.add(start, policy.time.between(start, dueAt) * SLA_WARNING_RATIO),
      );
    }
    return { warnAt: timeline.toReal(warnAt), dueAt: timeline.toReal(dueAt) };
  };
  return { first_response: times('first_response'), resolution: times('resolution') };
}

/** Working time between pausing and resuming, in SLA time: what the due times move out by. */
export function pausedWorkingTime(
  policy: CompiledPolicy,
  startedAt: number,
  timeScale: number,
  pausedAt: number,
  resumedAt: number,
): number {
  const timeline = new SlaTimeline(startedAt, timeScale);
  return policy.time.between(timeline.toSla(pausedAt), timeline.toSla(resumedAt));
}

function isOpen(state: ClockState, target: SlaTarget): boolean {
  if (state.finished || state.resolvedAt !== null) return false;
  return target === 'resolution' || state.firstRespondedAt === null;
}

/** Warnings and breaches not yet raised, earliest first; none while paused or once finished. */
export function pendingAlerts(state: ClockState): PendingAlert[] {
  if (state.paused) return [];
  const pending: PendingAlert[] = [];
  for (const target of SLA_TARGETS) {
    if (!isOpen(state, target)) continue;
    const alert = state.alerts[target];
    if (alert === 'none') pending.push({ target, kind: 'warning', at: state.schedule[target].warnAt });
    if (alert !== 'breached') pending.push({ target, kind: 'breach', at: state.schedule[target].dueAt });
  }
  return pending.sort((a, b) => a.at - b.at);
}

/** The ticket-level state: breached stays breached; a warning counts while its target is still open. */
export function summarizeState(state: ClockState): SlaState {
  if (SLA_TARGETS.some((target) => state.alerts[target] === 'breached')) return 'breached';
  return SLA_TARGETS.some((target) => state.alerts[target] === 'warning' && isOpen(state, target))
    ? 'warning'
    : 'ok';
}
