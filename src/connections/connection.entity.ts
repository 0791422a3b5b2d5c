import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Platform } from '../../adapters/contract';

export const CONNECTION_STATUSES = ['active', 'paused', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

@Entity('connections')
export class Connection {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  platform: Platform;

  @Column('text')
  name: string;

  @Column('text', { name: 'shop_id' })
  shopId: string;

  @Column('text', { name: 'api_base_url', nullable: true })
  apiBaseUrl: string | null;

  @Column('text', { name: 'credentials_encrypted' })
  credentialsEncrypted: string;

  @Column('text')
  status: ConnectionStatus;

  @Column('integer', { name: 'poll_interval_seconds' })
  pollIntervalSeconds: number;

  @Column('text', { name: 'sync_cursor', nullable: true })
  syncCursor: string | null;

  @Column('timestamptz', { name: 'sync_last_started_at', nullable: true })
  syncLastStartedAt: Date | null;

  @Column('timestamptz', { name: 'sync_last_success_at', nullable: true })
  syncLastSuccessAt: Date | null;

  @Column('text', { name: 'sync_last_error', nullable: true })
  syncLastError: string | null;

  @Column('timestamptz', { name: 'sync_last_error_at', nullable: true })
  syncLastErrorAt: Date | null;

  @Column('timestamptz', { name: 'sync_next_run_at', nullable: true })
  syncNextRunAt: Date | null;

  @Column('timestamptz', { name: 'backfill_requested_since', nullable: true })
  backfillRequestedSince: Date | null;

  @Column('timestamptz', { name: 'backfill_since', nullable: true })
  backfillSince: Date | null;

  @Column('text', { name: 'backfill_cursor', nullable: true })
  backfillCursor: string | null;

  @Column('integer', { name: 'backfill_pages' })
  backfillPages: number;

  @Column('integer', { name: 'backfill_cases' })
  backfillCases: number;

  @Column('timestamptz', { name: 'backfill_started_at', nullable: true })
  backfillStartedAt: Date | null;

  @Column('timestamptz', { name: 'backfill_completed_at', nullable: true })
  backfillCompletedAt: Date | null;

  /** The developer app the credentials belong to, where the platform has one channel per app (not secret). */
  @Column('text', { name: 'app_key', nullable: true })
  appKey: string | null;

  /**
   * A keyed digest of the app key and secret: connections share an app channel only when they hold the same
   * secret, so a connection given someone's app key without its secret never sees that app's messages.
   */
  @Column('text', { name: 'app_fingerprint', nullable: true })
  appFingerprint: string | null;

  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
