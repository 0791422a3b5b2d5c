import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The recent tickets of one SKU, oldest first, as the tally keeps them. */
export interface SkuActivity {
  tenantId: string;
  sku: string;
  ticketIds: string[];
  raisedAt: Date[];
}

/** What a batch adds to one SKU's tally, with the tenant's window and threshold. */
export interface SkuTally extends SkuActivity {
  since: Date;
  keep: number;
}

/** Owner of `sku_activity` (recent tickets per SKU) and `sku_incidents` (declared group incidents). */
@Injectable()
export class IncidentRepository {
  /** Reads and locks the tallies of these SKUs, in one order so concurrent batches never deadlock on them. */
  async lockActivity(
    manager: EntityManager,
    keys: { tenantId: string; sku: string }[],
  ): Promise<SkuActivity[]> {
    if (keys.length === 0) return [];
    const rows = (await manager.query(
      `SELECT a.tenant_id, a.sku, a.ticket_ids::text[] AS ticket_ids, a.raised_at FROM sku_activity a
       JOIN unnest($1::uuid[], $2::text[]) AS k(tenant_id, sku) ON a.tenant_id = k.tenant_id AND a.sku = k.sku
       ORDER BY a.tenant_id, a.sku FOR UPDATE OF a`,
      [keys.map((key) => key.tenantId), keys.map((key) => key.sku)],
    )) as { tenant_id: string; sku: string; ticket_ids: string[]; raised_at: Date[] }[];
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      sku: row.sku,
      ticketIds: row.ticket_ids,
      raisedAt: row.raised_at,
    }));
  }

  /**
   * Adds a batch's tickets to the recent tickets of each SKU, one row per SKU, keeping only the latest `keep`
   * within the window. The merge happens in SQL, so a tally another batch created meanwhile is kept too.
   */
  async tally(manager: EntityManager, tallies: SkuTally[]): Promise<void> {
    if (tallies.length === 0) return;
    const records = tallies.map((tally) => ({
      tenant_id: tally.tenantId,
      sku: tally.sku,
      ticket_ids: tally.ticketIds,
      raised_at: tally.raisedAt,
      since: tally.since,
      keep: tally.keep,
    }));
    await manager.query(
      `WITH x AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb)
           AS x(tenant_id uuid, sku text, ticket_ids uuid[], raised_at timestamptz[], since timestamptz, keep integer)
       )
       INSERT INTO sku_activity AS a (tenant_id, sku, ticket_ids, raised_at)
       SELECT tenant_id, sku, ticket_ids, raised_at FROM x ORDER BY tenant_id, sku
       ON CONFLICT (tenant_id, sku) DO UPDATE SET
         (ticket_ids, raised_at) = (
           SELECT coalesce(array_agg(recent.id ORDER BY recent.at), '{}'), coalesce(array_agg(recent.at ORDER BY recent.at), '{}')
           FROM (
             SELECT u.id, u.at FROM unnest(a.ticket_ids || EXCLUDED.ticket_ids, a.raised_at || EXCLUDED.raised_at) AS u(id, at)
             WHERE u.at > (SELECT since FROM x WHERE x.tenant_id = a.tenant_id AND x.sku = a.sku)
             ORDER BY u.at DESC LIMIT (SELECT keep FROM x WHERE x.tenant_id = a.tenant_id AND x.sku = a.sku)
           ) recent
         ),
         updated_at = now()`,
      [JSON.stringify(records)],
    );
  }

  async findActive(manager: EntityManager, tenantId: string, sku: string, now: Date): Promise<string | null> {
    const rows = (await manager.query(
      `SELECT id FROM sku_incidents WHERE tenant_id = $1 AND sku = $2 AND window_ends_at > $3
       ORDER BY window_ends_at DESC LIMIT 1`,
      [tenantId, sku, now],
    )) as { id: string }[];
    return rows[0]?.id ?? null;
  }

  async join(manager: EntityManager, incidentId: string, ticketIds: string[]): Promise<void> {
    if (ticketIds.length === 0) return;
    await manager.query(
      `UPDATE sku_incidents SET ticket_ids = ticket_ids || ARRAY(
         SELECT DISTINCT id FROM unnest($2::uuid[]) AS id WHERE NOT (id = ANY (ticket_ids))
       )
       WHERE id = $1`,
      [incidentId, ticketIds],
    );
  }

  async open(
    manager: EntityManager,
    tenantId: string,
    sku: string,
    ticketIds: string[],
    detectedAt: Date,
    windowEndsAt: Date,
  ): Promise<string> {
    const rows = (await manager.query(
      `INSERT INTO sku_incidents (tenant_id, sku, ticket_ids, detected_at, window_ends_at)
       VALUES ($1, $2, $3::uuid[], $4, $5) RETURNING id`,
      [tenantId, sku, ticketIds, detectedAt, windowEndsAt],
    )) as { id: string }[];
    return rows[0].id;
  }
}
