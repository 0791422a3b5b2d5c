import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OutboxService } from '../../webhooks/outbox.service';
import type { AppChannelHealthStore } from './app-channel-health';

/** `AppChannelHealthStore` on the connections table and the outbox. */
@Injectable()
export class PgAppChannelHealthStore implements AppChannelHealthStore {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
  ) {}

  async markRefused(connectionIds: string[], message: string): Promise<number> {
    if (connectionIds.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      const result = (await manager.query(
        `UPDATE connections SET status = 'error', sync_last_error = $2, sync_last_error_at = now()
         WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL AND status = 'active'
         RETURNING id, tenant_id, platform`,
        [connectionIds, message],
      )) as [{ id: string; tenant_id: string; platform: string }[], number];
      const crossed = result[0];
      await this.outbox.emit(
        crossed.map((row) => ({
          tenantId: row.tenant_id,
          type: 'connection.sync_failed' as const,
          data: { connectionId: row.id, platform: row.platform, error: message },
        })),
        manager,
      );
      return crossed.length;
    });
  }

  async clearRefused(connectionIds: string[], message: string): Promise<number> {
    if (connectionIds.length === 0) return 0;
    const result = (await this.dataSource.query(
      `UPDATE connections SET status = 'active', sync_last_error = NULL
       WHERE id = ANY($1::uuid[]) AND deleted_at IS NULL AND status = 'error' AND sync_last_error = $2`,
      [connectionIds, message],
    )) as [unknown[], number];
    return result[1];
  }
}
