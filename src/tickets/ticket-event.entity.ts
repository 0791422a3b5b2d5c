import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ActorType } from './ticket-vocabulary';

/** One line of a ticket's timeline. */
@Entity('ticket_events')
export class TicketEvent {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('uuid', { name: 'ticket_id' })
  ticketId: string;

  @Column('text')
  type: string;

  @Column('text', { name: 'actor_type' })
  actorType: ActorType;

  @Column('text', { name: 'actor_id', nullable: true })
  actorId: string | null;

  @Column('jsonb')
  data: Record<string, unknown>;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;
}
