import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The recent tickets of one SKU, as the tally keeps them. */
export interface SkuActivity {
  sku: string;
  ticketIds: string[];
}

/** Owner of `sku_activity` (recent tickets per SKU) and `sku_incidents` (declared group incidents). */
@Injectable()
export class IncidentRepository {
  /**
   * Adds a ticket to the recent tickets of each of its SKUs, keeping per SKU only the latest `keep` within
   * the window; the row lock on each SKU serialises the tally, so two transactions never both miss a burst.
   */
  async tally(
    manager: EntityManager,
    tenantId: string,
    ticketId: string,
    raisedAt: Date,
    skus: string[],
    since: Date,
    keep: number,
  ): Promise<SkuActivity[]> {
    if (skus.length === 0) return [];
    const rows = (await manager.query(
      `INSERT INTO sku_activity AS a (tenant_id, sku, ticket_ids, raised_at)
       SELECT $1, sku, ARRAY[$2::uuid], ARRAY[$3::timestamptz] FROM unnest($4::text[]) AS sku
       ON CONFLICT (tenant_id, sku) DO UPDATE SET
         (ticket_ids, raised_at) = (
           SELECT coalesce(array_agg(recent.id ORDER BY recent.at), '{}'), coalesce(array_agg(recent.at ORDER BY recent.at), '{}')
           FROM (
             SELECT u.id, u.at FROM unnest(a.ticket_ids || EXCLUDED.ticket_ids, a.raised_at || EXCLUDED.raised_at) AS u(id, at)
             WHERE u.at > $5 ORDER BY u.at DESC LIMIT $6
           ) recent
         ),
         updated_at = now()
       RETURNING sku, ticket_ids::text[] AS ticket_ids`,
      [tenantId, ticketId, raisedAt, skus, since, keep],
    )) as { sku: string; ticket_ids: string[] }[];
    return rows.map((row) => ({ sku: row.sku, ticketIds: row.ticket_ids }));
  }

  async findActive(manager: EntityManager, tenantId: string, sku: string, now: Date): Promise<string | null> {
    const rows = (await manager.query(
      `SELECT id FROM sku_incidents WHERE tenant_id = $1 AND sku = $2 AND window_ends_at > $3
       ORDER BY window_ends_at DESC LIMIT 1`,
      [tenantId, sku, now],
    )) as { id: string }[];
    return rows[0]?.id ?? null;
  }

  async join(manager: EntityManager, incidentId: string, ticketId: string): Promise<void> {
    await manager.query(
      `UPDATE sku_incidents SET ticket_ids = array_append(ticket_ids, $2::uuid)
       WHERE id = $1 AND NOT ($2::uuid = ANY (ticket_ids))`,
      [incidentId, ticketId],
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
