import type { Severity } from '../tickets/ticket-vocabulary';

/** When agents are on duty: ISO weekdays (1 = Monday … 7 = Sunday) and wall-clock hours in `timezone`. */
export interface BusinessHours {
  timezone: string;
  weekdays: number[];
  /** `HH:mm`, inclusive. */
  start: string;
  /** `HH:mm`, exclusive; `24:00` for midnight. */
  end: string;
}

export interface SeverityPolicy {
  firstResponseMinutes: number;
  resolutionMinutes: number;
  /** Null: the clock runs around the clock. */
  businessHours: BusinessHours | null;
}

export interface SlaPolicySet {
  policies: Record<Severity, SeverityPolicy>;
  /** `YYYY-MM-DD` dates, in each policy's time zone, with no business hours. */
  holidays: string[];
  /** Due times are kept at least this long before the platform acts on its own. */
  platformDeadlineMarginMinutes: number;
}

export const SLA_TARGETS = ['first_response', 'resolution'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

export const SLA_ALERTS = ['none', 'warning', 'breached'] as const;
export type SlaAlert = (typeof SLA_ALERTS)[number];
