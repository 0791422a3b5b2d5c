/** The SLA countdown of an inbox row: which clock runs, how long is left, and its colour. */

export type SlaTone = 'ok' | 'amber' | 'red' | 'done';

export interface TicketSla {
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  firstRespondedAt: string | null;
  resolvedAt: string | null;
  state: 'ok' | 'warning' | 'breached';
}

export interface SlaCountdown {
  clock: 'first_response' | 'resolution' | null;
  dueAt: string | null;
  /** Negative once the due time has passed. */
  remainingSeconds: number | null;
  tone: SlaTone;
}

/** The hub warns at 75 % of a target; the row turns amber at the same point even between two polls. */
export const WARNING_SHARE = 0.75;

/**
 * `createdAt` is when the clock started. The server's state wins when it is worse (it knows about
 * pauses and business hours); the browser only makes a row worse as time passes, never better.
 */
export function slaCountdown(sla: TicketSla, createdAt: string, now: Date, paused = false): SlaCountdown {
  const clock: SlaCountdown['clock'] = sla.resolvedAt
    ? null
    : !sla.firstRespondedAt && sla.firstResponseDueAt
      ? 'first_response'
      : sla.resolutionDueAt
        ? 'resolution'
        : null;
  if (clock === null) {
    return {
      clock: null,
      dueAt: null,
      remainingSeconds: null,
      tone: sla.state === 'breached' ? 'red' : 'done',
    };
  }
  const dueAt = clock === 'first_response' ? sla.firstResponseDueAt! : sla.resolutionDueAt!;
  const due = new Date(dueAt).getTime();
  const start = new Date(createdAt).getTime();
  const remainingSeconds = Math.round((due - now.getTime()) / 1000);
  let tone: SlaTone = 'ok';
  if (sla.state === 'breached' || (!paused && remainingSeconds < 0)) tone = 'red';
  else if (sla.state === 'warning') tone = 'amber';
  else if (!paused && due > start && (now.getTime() - start) / (due - start) >= WARNING_SHARE) tone = 'amber';
  return { clock, dueAt, remainingSeconds, tone };
}
