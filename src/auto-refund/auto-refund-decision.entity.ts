import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { RuleApplied } from './auto-refund.policy';

/** `approved`: refunded upstream; `dry_run`: would have been; `skipped`: a rule said no (in either mode). */
export const AUTO_REFUND_OUTCOMES = ['approved', 'dry_run', 'skipped'] as const;
export type AutoRefundOutcome = (typeof AUTO_REFUND_OUTCOMES)[number];

/** One auto-refund verdict on a new ticket: the log behind the dry run. */
@Entity('auto_refund_decisions')
export class AutoRefundDecision {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('uuid', { name: 'ticket_id' })
  ticketId: string;

  @Column('bigint', { name: 'ticket_number' })
  ticketNumber: string;

  @Column('text')
  platform: string;

  @Column('text')
  outcome: AutoRefundOutcome;

  @Column('boolean', { name: 'dry_run' })
  dryRun: boolean;

  @Column('bigint', { name: 'amount_minor', nullable: true })
  amountMinor: string | null;

  @Column('char', { length: 3, nullable: true })
  currency: string | null;

  @Column('jsonb')
  rules: RuleApplied[];

  @Column('text', { nullable: true })
  reason: string | null;

  @Column('uuid', { name: 'action_id', nullable: true })
  actionId: string | null;

  @Column('timestamptz', { name: 'decided_at' })
  decidedAt: Date;
}
