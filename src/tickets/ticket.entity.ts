import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { NormalizedBuyer, Platform } from '../../adapters/contract';
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

const bigintAsNumber = {
  to: (value: number | null) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity('tickets')
export class Ticket {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('bigint', { transformer: bigintAsNumber })
  number: number;

  @Column('uuid', { name: 'connection_id' })
  connectionId: string;

  @Column('text')
  platform: Platform;

  @Column('text', { name: 'external_id' })
  externalId: string;

  @Column('text', { name: 'external_order_id', nullable: true })
  externalOrderId: string | null;

  @Column('text')
  kind: TicketKind;

  @Column('text')
  stage: TicketStage;

  @Column('text')
  status: TicketStatus;

  @Column('text')
  category: TicketCategory;

  @Column('text')
  severity: Severity;

  @Column('text')
  department: Department;

  @Column('text', { name: 'assignee_id', nullable: true })
  assigneeId: string | null;

  @Column('text', { array: true })
  tags: string[];

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('text', { name: 'reason_code', nullable: true })
  reasonCode: string | null;

  @Column('bigint', { name: 'requested_amount_minor', nullable: true, transformer: bigintAsNumber })
  requestedAmountMinor: number | null;

  @Column('char', { name: 'requested_currency', length: 3, nullable: true })
  requestedCurrency: string | null;

  @Column('bigint', { name: 'refunded_amount_minor', nullable: true, transformer: bigintAsNumber })
  refundedAmountMinor: number | null;

  @Column('char', { name: 'refunded_currency', length: 3, nullable: true })
  refundedCurrency: string | null;

  @Column('jsonb', { nullable: true })
  buyer: NormalizedBuyer | null;

  @Column('jsonb')
  items: StoredItem[];

  @Column('jsonb')
  evidence: string[];

  @Column('text', { name: 'sla_policy', nullable: true })
  slaPolicy: string | null;

  @Column('timestamptz', { name: 'sla_first_response_due_at', nullable: true })
  slaFirstResponseDueAt: Date | null;

  @Column('timestamptz', { name: 'sla_resolution_due_at', nullable: true })
  slaResolutionDueAt: Date | null;

  @Column('timestamptz', { name: 'sla_first_responded_at', nullable: true })
  slaFirstRespondedAt: Date | null;

  @Column('timestamptz', { name: 'sla_resolved_at', nullable: true })
  slaResolvedAt: Date | null;

  @Column('text', { name: 'sla_state' })
  slaState: SlaState;

  @Column('timestamptz', { name: 'sla_paused_at', nullable: true })
  slaPausedAt: Date | null;

  @Column('timestamptz', { name: 'platform_deadline_at', nullable: true })
  platformDeadlineAt: Date | null;

  @Column('text', { name: 'platform_version', nullable: true })
  platformVersion: string | null;

  @Column('timestamptz', { name: 'external_created_at' })
  externalCreatedAt: Date;

  @Column('timestamptz', { name: 'external_updated_at' })
  externalUpdatedAt: Date;

  /** Fields an agent set by hand, which automation must not overwrite. */
  @Column('text', { name: 'manual_fields', array: true })
  manualFields: string[];

  @Column('jsonb', { nullable: true, select: false })
  raw: unknown;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @Column('integer')
  version: number;

  @Column('smallint', { name: 'csat_score', nullable: true })
  csatScore: number | null;

  @Column('text', { name: 'csat_comment', nullable: true })
  csatComment: string | null;

  @Column('timestamptz', { name: 'csat_at', nullable: true })
  csatAt: Date | null;

  @Column('timestamptz', { name: 'delivered_at', nullable: true })
  deliveredAt: Date | null;

  @Column('timestamptz', { name: 'solved_at', nullable: true })
  solvedAt: Date | null;
}
