/** Every event a subscriber can hear about; the names are the public contract of outbound webhooks. */
export const DOMAIN_EVENT_TYPES = [
  'ticket.created',
  'ticket.updated',
  'ticket.stage_changed',
  'ticket.assigned',
  'ticket.note_added',
  'ticket.sla_warning',
  'ticket.sla_breached',
  'ticket.csat_requested',
  'ticket.incident_detected',
  'action.succeeded',
  'action.failed',
  'action.needs_verification',
  'connection.sync_failed',
  'webhook_subscription.disabled',
  'indicator.threshold_crossed',
  'indicator.recovered',
] as const;
export type DomainEventType = (typeof DOMAIN_EVENT_TYPES)[number];

export interface DomainEvent {
  tenantId: string;
  type: DomainEventType;
  ticketId?: string | null;
  data: Record<string, unknown>;
}
