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
    // A SKU's row must exist to be locked: created empty first, so two batches that both bring its first
    // tickets wait for each other here (the second sees the first's tickets) instead of each seeing none.
    await manager.query(
      `INSERT INTO sku_activity (tenant_id, sku, ticket_ids, raised_at)
       SELECT k.tenant_id, k.sku, '{}', '{}' FROM unnest($1::uuid[], $2::text[]) AS k(tenant_id, sku)
       ORDER BY k.tenant_id, k.sku
       ON CONFLICT (tenant_id, sku) DO NOTHING`,
      [keys.map((key) => key.tenantId), keys.map((key) => key.sku)],
    );
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
    // One statement per window and threshold (one per tenant setting, in practice one per batch): they are
    // bound once, not looked up for every SKU.
    const bySetting = new Map<string, SkuTally[]>();
    for (const tally of tallies) {
      const key = `${tally.since.getTime()}:${tally.keep}`;
      const list = bySetting.get(key) ?? [];
      list.push(tally);
      bySetting.set(key, list);
    }
    for (const list of bySetting.values()) {
      const records = list.map((tally) => ({
        tenant_id: tally.tenantId,
        sku: tally.sku,
        ticket_ids: tally.ticketIds,
        raised_at: tally.raisedAt,
      }));
      await manager.query(
        `INSERT INTO sku_activity AS a (tenant_id, sku, ticket_ids, raised_at)
         SELECT x.tenant_id, x.sku, x.ticket_ids, x.raised_at
         FROM jsonb_to_recordset($1::jsonb) AS x(tenant_id uuid, sku text, ticket_ids uuid[], raised_at timestamptz[])
         ORDER BY x.tenant_id, x.sku
         ON CONFLICT (tenant_id, sku) DO UPDATE SET
           (ticket_ids, raised_at) = (
             SELECT coalesce(array_agg(recent.id ORDER BY recent.at), '{}'), coalesce(array_agg(recent.at ORDER BY recent.at), '{}')
             FROM (
               SELECT u.id, u.at FROM unnest(a.ticket_ids || EXCLUDED.ticket_ids, a.raised_at || EXCLUDED.raised_at) AS u(id, at)
               WHERE u.at > $2::timestamptz
               ORDER BY u.at DESC LIMIT $3
             ) recent
           ),
           updated_at = now()`,
        [JSON.stringify(records), list[0].since, list[0].keep],
      );
    }
  }

  /** The active incident of each of these SKUs (the one whose window ends last), one statement. */
  async findActive(
    manager: EntityManager,
    keys: { tenantId: string; sku: string }[],
    now: Date,
  ): Promise<{ tenantId: string; sku: string; id: string }[]> {
    if (keys.length === 0) return [];
    const rows = (await manager.query(
      `SELECT DISTINCT ON (i.tenant_id, i.sku) i.tenant_id, i.sku, i.id FROM sku_incidents i
       JOIN unnest($1::uuid[], $2::text[]) AS k(tenant_id, sku) ON i.tenant_id = k.tenant_id AND i.sku = k.sku
       WHERE i.window_ends_at > $3
       ORDER BY i.tenant_id, i.sku, i.window_ends_at DESC`,
      [keys.map((key) => key.tenantId), keys.map((key) => key.sku), now],
    )) as { tenant_id: string; sku: string; id: string }[];
    return rows.map((row) => ({ tenantId: row.tenant_id, sku: row.sku, id: row.id }));
  }

  /** Adds tickets to incidents (each ticket once), one statement for all the incidents of a batch. */
  async join(manager: EntityManager, joins: { incidentId: string; ticketIds: string[] }[]): Promise<void> {
    const records = joins
      .filter((entry) => entry.ticketIds.length > 0)
      .map((entry) => ({ id: entry.incidentId, ticket_ids: entry.ticketIds }));
    if (records.length === 0) return;
    await manager.query(
      `UPDATE sku_incidents s SET ticket_ids = s.ticket_ids || ARRAY(
         SELECT DISTINCT id FROM unnest(x.ticket_ids) AS id WHERE NOT (id = ANY (s.ticket_ids))
       )
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, ticket_ids uuid[])
       WHERE s.id = x.id`,
      [JSON.stringify(records)],
    );
  }

  /** Declares incidents, one statement for a batch; returns their ids in the order given. */
  async open(
    manager: EntityManager,
    incidents: { tenantId: string; sku: string; ticketIds: string[]; detectedAt: Date; windowEndsAt: Date }[],
  ): Promise<string[]> {
    if (incidents.length === 0) return [];
    const rows = (await manager.query(
      `INSERT INTO sku_incidents (tenant_id, sku, ticket_ids, detected_at, window_ends_at)
       SELECT x.tenant_id, x.sku, x.ticket_ids, x.detected_at, x.window_ends_at
       FROM jsonb_to_recordset($1::jsonb)
         AS x(tenant_id uuid, sku text, ticket_ids uuid[], detected_at timestamptz, window_ends_at timestamptz)
       RETURNING id, tenant_id, sku`,
      [
        JSON.stringify(
          incidents.map((incident) => ({
            tenant_id: incident.tenantId,
            sku: incident.sku,
            ticket_ids: incident.ticketIds,
            detected_at: incident.detectedAt,
            window_ends_at: incident.windowEndsAt,
          })),
        ),
      ],
    )) as { id: string; tenant_id: string; sku: string }[];
    // RETURNING follows no promised order: match each row back by its (tenant, SKU), unique within a batch.
    const ids = new Map(rows.map((row) => [`${row.tenant_id}\u0000${row.sku}`, row.id]));
    return incidents.map((incident) => {
      const id = ids.get(`${incident.tenantId}\u0000${incident.sku}`);
      if (!id) throw new Error(`incident on SKU ${incident.sku} was not stored`);
      return id;
    });
  }
}
