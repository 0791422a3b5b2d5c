import type { NormalizedBuyer, Platform } from '../../adapters/contract';
import type { StoredClock } from '../sla/ticket-clock';
import type {
  Department,
  Severity,
  SlaState,
  TicketCategory,
  TicketKind,
  TicketStage,
  TicketStatus,
} from './ticket-vocabulary';

export interface StoredItem {
  sku: string | null;
  title: string;
  quantity: number;
  unitPriceMinor: number | null;
  currency: string | null;
}

/** A stored ticket as every reader sees it; `TicketRepository` is the only place that builds one from a row. */
export interface Ticket {
  id: string;
  tenantId: string;
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
  requestedAmountMinor: number | null;
  requestedCurrency: string | null;
  refundedAmountMinor: number | null;
  refundedCurrency: string | null;
  buyer: NormalizedBuyer | null;
  buyerVip: boolean;
  items: StoredItem[];
  evidence: string[];
  incidentId: string | null;
  /** The SLA clock with its schedule, pauses and raised alerts. */
  clock: StoredClock;
  slaState: SlaState;
  slaNextCheckAt: Date | null;
  platformDeadlineAt: Date | null;
  platformVersion: string | null;
  externalCreatedAt: Date;
  externalUpdatedAt: Date;
  /** When an agent last set the status by hand; a platform change older than this does not override it. */
  statusSetByAgentAt: Date | null;
  /** Fields an agent set by hand, which automation must not overwrite. */
  manualFields: string[];
  /** Only read when asked for (`includeRaw`). */
  raw?: unknown;
  createdAt: Date;
  updatedAt: Date;
  version: number;
  csatScore: number | null;
  csatComment: string | null;
  csatAt: Date | null;
  deliveredAt: Date | null;
  solvedAt: Date | null;
}
