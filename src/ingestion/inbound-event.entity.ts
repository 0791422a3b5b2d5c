import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** `held`: pushed while the connection was paused; released to `received` when it is resumed. */
export const INBOUND_EVENT_STATUSES = ['received', 'processed', 'ignored', 'failed', 'held'] as const;
export type InboundEventStatus = (typeof INBOUND_EVENT_STATUSES)[number];

/** A pushed event, stored before it is acknowledged so that nothing acknowledged is ever lost. */
@Entity('inbound_events')
export class InboundEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('uuid', { name: 'connection_id' })
  connectionId: string;

  @Column('text', { name: 'dedupe_key' })
  dedupeKey: string;

  @Column('text', { name: 'event_type' })
  eventType: string;

  @Column('text', { name: 'external_id', nullable: true })
  externalId: string | null;

  /** The event's JSON text exactly as received, so 64-bit ids survive. */
  @Column('text')
  payload: string;

  @Column('text')
  status: InboundEventStatus;

  @Column('text', { nullable: true })
  error: string | null;

  @Column('integer')
  attempts: number;

  @Column('uuid', { name: 'ticket_id', nullable: true })
  ticketId: string | null;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;

  @Column('timestamptz', { name: 'processed_at', nullable: true })
  processedAt: Date | null;
}
