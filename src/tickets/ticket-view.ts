import type { NormalizedBuyer, Platform } from '../../adapters/contract';
import { minorToDecimal } from '../../adapters/shared/money';
import type { TicketEvent } from './ticket-event.entity';
import type { Ticket } from './ticket.model';
import type {
  ActorType,
  Department,
  Severity,
  SlaState,
  TicketCategory,
  TicketKind,
  TicketStage,
  TicketStatus,
} from './ticket-vocabulary';

export interface MoneyView {
  amount: string;
  currency: string;
}

export interface TicketView {
  id: string;
  number: number;
  connectionId: string;
  platform: Platform;
  externalId: string;
  externalOrderId: string | null;
  kind: TicketKind;
  stage: TicketStage;
  status: TicketStatus;
  category: TicketCategory;
  severity: Severity;
  department: Department;
  assigneeId: string | null;
  tags: string[];
  reason: string | null;
  reasonCode: string | null;
  requestedAmount: MoneyView | null;
  refundedAmount: MoneyView | null;
  buyer: NormalizedBuyer | null;
  items: { sku: string | null; title: string; quantity: number; unitPrice: MoneyView | null }[];
  evidence: string[];
  sla: {
    policy: string | null;
    firstResponseDueAt: Date | null;
    resolutionDueAt: Date | null;
    firstRespondedAt: Date | null;
    resolvedAt: Date | null;
    /** Set while the clock is paused (the ticket is pending). */
    pausedAt: Date | null;
    state: SlaState;
  };
  csat: { score: number; comment: string | null; at: Date | null } | null;
  platformDeadlineAt: Date | null;
  deliveredAt: Date | null;
  externalCreatedAt: Date;
  externalUpdatedAt: Date;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  raw?: unknown;
}

export interface TimelineEntryView {
  id: string;
  type: string;
  actor: { type: ActorType; id: string | null };
  data: Record<string, unknown>;
  at: Date;
}

function moneyView(amountMinor: number | null, currency: string | null): MoneyView | null {
  return amountMinor === null || currency === null
    ? null
    : { amount: minorToDecimal(amountMinor, currency), currency };
}

const date = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

export function toTicketView(ticket: Ticket, includeRaw = false): TicketView {
  return {
    id: ticket.id,
    number: ticket.number,
    connectionId: ticket.connectionId,
    platform: ticket.platform,
    externalId: ticket.externalId,
    externalOrderId: ticket.externalOrderId,
    kind: ticket.kind,
    stage: ticket.stage,
    status: ticket.status,
    category: ticket.category,
    severity: ticket.severity,
    department: ticket.department,
    assigneeId: ticket.assigneeId,
    tags: ticket.tags,
    reason: ticket.reason,
    reasonCode: ticket.reasonCode,
    requestedAmount: moneyView(ticket.requestedAmountMinor, ticket.requestedCurrency),
    refundedAmount: moneyView(ticket.refundedAmountMinor, ticket.refundedCurrency),
    buyer: ticket.buyer,
    items: ticket.items.map((item) => ({
      sku: item.sku,
      title: item.title,
      quantity: item.quantity,
      unitPrice: moneyView(item.unitPriceMinor, item.currency),
    })),
    evidence: ticket.evidence,
    sla: {
      policy: ticket.clock.policy,
      firstResponseDueAt: date(ticket.clock.schedule?.first_response.dueAt ?? null),
      resolutionDueAt: date(ticket.clock.schedule?.resolution.dueAt ?? null),
      firstRespondedAt: date(ticket.clock.firstRespondedAt),
      resolvedAt: date(ticket.clock.resolvedAt),
      pausedAt: date(ticket.clock.pausedAt),
      state: ticket.slaState,
    },
    csat:
      ticket.csatScore === null
        ? null
        : { score: ticket.csatScore, comment: ticket.csatComment, at: ticket.csatAt },
    platformDeadlineAt: ticket.platformDeadlineAt,
    deliveredAt: ticket.deliveredAt,
    externalCreatedAt: ticket.externalCreatedAt,
    externalUpdatedAt: ticket.externalUpdatedAt,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    version: ticket.version,
    ...(includeRaw ? { raw: ticket.raw ?? null } : {}),
  };
}

export function toTimelineEntry(event: TicketEvent): TimelineEntryView {
  return {
    id: event.id,
    type: event.type,
    actor: { type: event.actorType, id: event.actorId },
    data: event.data,
    at: event.createdAt,
  };
}
