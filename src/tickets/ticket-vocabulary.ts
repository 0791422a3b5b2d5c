export {
  TICKET_CATEGORIES,
  TICKET_KINDS,
  TICKET_STAGES,
  type TicketCategory,
  type TicketKind,
  type TicketStage,
} from '../../adapters/contract';

export const TICKET_STATUSES = ['new', 'open', 'pending', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const SEVERITIES = ['low', 'normal', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const DEPARTMENTS = [
  'customer_care',
  'logistics',
  'quality',
  'warehouse',
  'finance',
  'complaints',
  'tech',
] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const SLA_STATES = ['ok', 'warning', 'breached'] as const;
export type SlaState = (typeof SLA_STATES)[number];

export const ACTOR_TYPES = ['platform', 'automation', 'agent', 'system'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** One or more tiers up, never above critical. */
export function raiseSeverity(severity: Severity, tiers = 1): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, SEVERITIES.indexOf(severity) + tiers)];
}
