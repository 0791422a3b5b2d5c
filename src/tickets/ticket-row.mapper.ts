import type { NormalizedBuyer, Platform } from '../../adapters/contract';
import { CLOCK_COLUMNS, clockFromRow, type ClockRow } from '../sla/ticket-clock';
import type { StoredItem, Ticket } from './ticket.model';
import type { Department, Severity, SlaState, TicketCategory, TicketKind } from './ticket-vocabulary';

/** Every column a ticket is read with, for a `SELECT` on `tickets t` (`raw` is added on request). */
export const TICKET_COLUMNS = `t.id, t.tenant_id, t.number, t.connection_id, t.platform, t.external_id, t.external_order_id,
  t.kind, t.category, t.severity, t.department, t.assignee_id, t.tags, t.reason, t.reason_code,
  t.requested_amount_minor, t.requested_currency, t.refunded_amount_minor, t.refunded_currency, t.buyer, t.buyer_vip,
  t.items, t.evidence, t.incident_id, t.sla_state, t.sla_next_check_at, t.platform_version, t.external_created_at,
  t.external_updated_at, t.status_set_by_agent_at, t.manual_fields, t.created_at, t.updated_at, t.version, t.csat_score, t.csat_comment, t.csat_at,
  t.delivered_at, t.solved_at, ${CLOCK_COLUMNS}`;

export interface TicketRow extends ClockRow {
  id: string;
  tenant_id: string;
  number: string;
  connection_id: string;
  platform: Platform;
  external_id: string;
  external_order_id: string | null;
  kind: TicketKind;
  category: TicketCategory;
  severity: Severity;
  department: Department;
  assignee_id: string | null;
  tags: string[];
  reason: string | null;
  reason_code: string | null;
  requested_amount_minor: string | null;
  requested_currency: string | null;
  refunded_amount_minor: string | null;
  refunded_currency: string | null;
  buyer: NormalizedBuyer | null;
  buyer_vip: boolean;
  items: StoredItem[];
  evidence: string[];
  incident_id: string | null;
  sla_state: SlaState;
  sla_next_check_at: Date | null;
  platform_version: string | null;
  external_created_at: Date;
  external_updated_at: Date;
  status_set_by_agent_at: Date | null;
  manual_fields: string[];
  created_at: Date;
  updated_at: Date;
  version: number;
  csat_score: number | null;
  csat_comment: string | null;
  csat_at: Date | null;
  delivered_at: Date | null;
  solved_at: Date | null;
  raw?: unknown;
}

const bigint = (value: string | null): number | null => (value === null ? null : Number(value));

/** The one row mapper of `tickets`. */
export function toTicket(row: TicketRow): Ticket {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    number: Number(row.number),
    connectionId: row.connection_id,
    platform: row.platform,
    externalId: row.external_id,
    externalOrderId: row.external_order_id,
    kind: row.kind,
    stage: row.stage,
    status: row.status,
    category: row.category,
    severity: row.severity,
    department: row.department,
    assigneeId: row.assignee_id,
    tags: row.tags,
    reason: row.reason,
    reasonCode: row.reason_code,
    requestedAmountMinor: bigint(row.requested_amount_minor),
    requestedCurrency: row.requested_currency,
    refundedAmountMinor: bigint(row.refunded_amount_minor),
    refundedCurrency: row.refunded_currency,
    buyer: row.buyer,
    buyerVip: row.buyer_vip,
    items: row.items,
    evidence: row.evidence,
    incidentId: row.incident_id,
    clock: clockFromRow(row),
    slaState: row.sla_state,
    slaNextCheckAt: row.sla_next_check_at,
    platformDeadlineAt: row.platform_deadline_at,
    platformVersion: row.platform_version,
    externalCreatedAt: row.external_created_at,
    externalUpdatedAt: row.external_updated_at,
    statusSetByAgentAt: row.status_set_by_agent_at,
    manualFields: row.manual_fields,
    ...('raw' in row ? { raw: row.raw } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
    csatScore: row.csat_score,
    csatComment: row.csat_comment,
    csatAt: row.csat_at,
    deliveredAt: row.delivered_at,
    solvedAt: row.solved_at,
  };
}
