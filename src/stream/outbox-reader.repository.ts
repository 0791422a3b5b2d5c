import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** One outbox event as the stream sends it: `payload` is null for tenants nobody in this process listens to. */
export interface StreamRow {
  seq: string;
  id: string;
  tenantId: string;
  type: string;
  payload: Record<string, unknown> | null;
  createdAt: Date;
}

interface RawRow {
  seq: string;
  id: string;
  tenant_id: string;
  type: string;
  payload: Record<string, unknown> | null;
  created_at: Date;
}

const toRow = (raw: RawRow): StreamRow => ({
  seq: String(raw.seq),
  id: raw.id,
  tenantId: raw.tenant_id,
  type: raw.type,
  payload: raw.payload,
  createdAt: raw.created_at,
});

/** Reads the outbox, never writes it: the webhook dispatcher owns its rows. */
@Injectable()
export class OutboxReader {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async latestSeq(): Promise<string> {
    const [row] = (await this.dataSource.query(
      `SELECT coalesce(max(seq), 0)::text AS seq FROM outbox_events`,
    )) as { seq: string }[];
    return row.seq;
  }

  /**
   * Everything after `afterSeq` plus the listed missing sequence numbers, for all tenants (so a gap in the
   * numbers can be told from another tenant's row); payloads only for the tenants listening here.
   */
  async after(afterSeq: string, missing: string[], tenants: string[], limit: number): Promise<StreamRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT seq::text AS seq, id, tenant_id, type, created_at,
              CASE WHEN tenant_id = ANY($3::uuid[]) THEN payload END AS payload
       FROM outbox_events WHERE seq > $1::bigint OR seq = ANY($2::bigint[])
       ORDER BY seq LIMIT $4`,
      [afterSeq, missing, tenants, limit],
    )) as RawRow[];
    return rows.map(toRow);
  }

  /** One tenant's events after a client's `Last-Event-ID`, up to `untilSeq`. */
  async forTenant(tenantId: string, afterSeq: string, untilSeq: string, limit: number): Promise<StreamRow[]> {
    const rows = (await this.dataSource.query(
      `SELECT seq::text AS seq, id, tenant_id, type, created_at, payload
       FROM outbox_events WHERE tenant_id = $1 AND seq > $2::bigint AND seq <= $3::bigint
       ORDER BY seq LIMIT $4`,
      [tenantId, afterSeq, untilSeq, limit],
    )) as RawRow[];
    return rows.map(toRow);
  }
}
