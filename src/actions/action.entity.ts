import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ActionType } from '../../adapters/contract';
import type { ActorType } from '../tickets/ticket-vocabulary';

export const ACTION_STATUSES = ['pending', 'running', 'needs_verification', 'succeeded', 'failed'] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

/** The ledger of decisions pushed upstream; `running` means the platform may already have seen it. */
@Entity('actions')
export class Action {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('uuid', { name: 'ticket_id' })
  ticketId: string;

  @Column('uuid', { name: 'connection_id' })
  connectionId: string;

  @Column('text')
  type: ActionType;

  @Column('jsonb')
  params: Record<string, unknown>;

  @Column('text')
  status: ActionStatus;

  @Column('text', { name: 'idempotency_key', nullable: true })
  idempotencyKey: string | null;

  @Column('text', { name: 'decision_key', nullable: true })
  decisionKey: string | null;

  @Column('text', { name: 'actor_type' })
  actorType: ActorType;

  @Column('text', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('integer')
  attempts: number;

  @Column('integer', { name: 'conflict_retries' })
  conflictRetries: number;

  @Column('jsonb', { nullable: true })
  response: unknown;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('text', { name: 'error_code', nullable: true })
  errorCode: string | null;

  /** What the platform said when it held the decision for a code (`needs_verification`). */
  @Column('text', { name: 'verification_message', nullable: true })
  verificationMessage: string | null;

  /** The code an agent passed on, kept until the action is done and never shown. */
  @Column('text', { name: 'verification_code', nullable: true, select: false })
  verificationCode: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt: Date | null;
}
