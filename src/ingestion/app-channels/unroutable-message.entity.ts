import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Platform } from '../../../adapters/contract';

/** A message of an app's channel for a shop with no connection here: kept, shown to the admin, never guessed. */
@Entity('unroutable_messages')
export class UnroutableMessage {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('text')
  platform: Platform;

  @Column('text', { name: 'app_key' })
  appKey: string;

  @Column('text', { name: 'app_fingerprint' })
  appFingerprint: string;

  /** The shop identifiers the message carried (TOP user_id and user_nick, Douyin shop_id, PDD mall_id). */
  @Column('text', { name: 'shop_keys', array: true })
  shopKeys: string[];

  @Column('text', { name: 'dedupe_key' })
  dedupeKey: string;

  @Column('text', { name: 'event_type' })
  eventType: string;

  @Column('text', { name: 'external_id', nullable: true })
  externalId: string | null;

  /** The message's JSON text exactly as received. */
  @Column('text')
  payload: string;

  @Column('timestamptz', { name: 'received_at' })
  receivedAt: Date;

  /** The connection it was handed to once one for its shop was created. */
  @Column('uuid', { name: 'attached_connection_id', nullable: true })
  attachedConnectionId: string | null;

  @Column('timestamptz', { name: 'attached_at', nullable: true })
  attachedAt: Date | null;
}
