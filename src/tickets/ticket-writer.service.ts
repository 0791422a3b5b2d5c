import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { NormalizedCase } from '../../adapters/contract';
import type { Connection } from '../connections/connection.entity';
import { ticketNumberSequence } from '../tenancy/tenants.service';
import { searchTokens } from './search-tokens';
import type { StoredItem } from './ticket.entity';
import {
  severityRank,
  type ActorType,
  type Department,
  type Severity,
  type TicketCategory,
} from './ticket-vocabulary';

export interface InitialTriage {
  category: TicketCategory;
  severity: Severity;
  department: Department;
  tags: string[];
}

export type UpsertOutcome =
  | { outcome: 'created'; ticketId: string; number: number; version: number }
  | { outcome: 'updated'; ticketId: string; number: number; version: number; previousStage: string }
  | { outcome: 'stale'; ticketId: string };

export interface TimelineEntry {
  tenantId: string;
  ticketId: string;
  type: string;
  actorType: ActorType;
  actorId?: string | null;
  data?: Record<string, unknown>;
}

function searchText(item: NormalizedCase): string {
  return [
    item.reason,
    item.externalOrderId,
    item.externalId,
    item.buyer?.displayName,
    item.buyer?.externalId,
    ...item.items.flatMap((line) => [line.sku, line.title]),
  ]
    .filter((part): part is string => typeof part === 'string' && part.length > 0)
    .join(' \u2022 ');
}

function storedItems(item: NormalizedCase): StoredItem[] {
  return item.items.map((line) => ({
    sku: line.sku,
    title: line.title,
    quantity: line.quantity,
    unitPriceMinor: line.unitPrice?.amountMinor ?? null,
    currency: line.unitPrice?.currency ?? null,
  }));
}

/**
 * Writes cases into tickets with one statement per case: updates only when the case is newer than the
 * ticket (so a late, older event never rolls it back), and numbers new tickets from the tenant's sequence.
 */
@Injectable()
export class TicketWriter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async upsertCase(
    connection: Pick<Connection, 'id' | 'tenantId' | 'platform'>,
    item: NormalizedCase,
    triage: InitialTriage,
    manager: EntityManager = this.dataSource.manager,
    options: { acceptSameTime?: boolean } = {},
  ): Promise<UpsertOutcome> {
    const text = searchText(item);
    const params = [
      connection.tenantId, // 1
      connection.id, // 2
      connection.platform, // 3
      item.externalId, // 4
      item.externalOrderId, // 5
      item.kind, // 6
      item.stage, // 7
      triage.category, // 8
      triage.severity, // 9
      severityRank(triage.severity), // 10
      triage.department, // 11
      triage.tags, // 12
      item.reason, // 13
      item.reasonCode, // 14
      item.requestedAmount?.amountMinor ?? null, // 15
      item.requestedAmount?.currency ?? null, // 16
      item.refundedAmount?.amountMinor ?? null, // 17
      item.refundedAmount?.currency ?? null, // 18
      item.buyer ? JSON.stringify(item.buyer) : null, // 19
      item.buyer?.vip ?? false, // 20
      JSON.stringify(storedItems(item)), // 21
      JSON.stringify(item.evidence), // 22
      item.platformDeadlineAt, // 23
      item.platformVersion, // 24
      item.externalCreatedAt, // 25
      item.externalUpdatedAt, // 26
      JSON.stringify(item.raw ?? null), // 27
      text, // 28
      searchTokens(text), // 29
      ticketNumberSequence(connection.tenantId), // 30
      options.acceptSameTime ?? false, // 31
      item.deliveredAt ?? null, // 32
    ];
    const run = () =>
      manager.query(
        `WITH old AS (
           SELECT id, stage, external_updated_at FROM tickets WHERE connection_id = $2 AND external_id = $4 FOR UPDATE
         ),
         upd AS (
           UPDATE tickets t SET
             external_order_id = $5, kind = $6, stage = $7, reason = $13, reason_code = $14,
             requested_amount_minor = $15, requested_currency = $16, refunded_amount_minor = $17, refunded_currency = $18,
             buyer = $19::jsonb, buyer_vip = $20, items = $21::jsonb, evidence = $22::jsonb,
             platform_deadline_at = $23, platform_version = $24, external_created_at = $25, external_updated_at = $26,
             raw = $27::jsonb, search_text = $28, search_vector = array_to_tsvector($29::text[]),
             delivered_at = coalesce($32, t.delivered_at), updated_at = now(), version = t.version + 1
           FROM old WHERE t.id = old.id AND (
             old.external_updated_at < $26
             -- Platforms stamp modified times to the second: a same-second change still counts when the
             -- platform's own version went up, or when it is the answer to our own action.
             OR (old.external_updated_at = $26 AND ($31 OR (
               $24 ~ '^[0-9]{1,30}$' AND t.platform_version ~ '^[0-9]{1,30}$' AND $24::numeric > t.platform_version::numeric
             )))
           )
           RETURNING t.id, t.number, t.version, old.stage AS previous_stage
         ),
         ins AS (
           INSERT INTO tickets (
             tenant_id, connection_id, platform, external_id, external_order_id, kind, stage, category, severity,
             severity_rank, department, tags, reason, reason_code, requested_amount_minor, requested_currency,
             refunded_amount_minor, refunded_currency, buyer, buyer_vip, items, evidence, platform_deadline_at,
             platform_version, external_created_at, external_updated_at, raw, search_text, search_vector, number,
             delivered_at
           )
           SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19::jsonb, $20,
             $21::jsonb, $22::jsonb, $23, $24, $25, $26, $27::jsonb, $28, array_to_tsvector($29::text[]), nextval($30),
             $32
           WHERE NOT EXISTS (SELECT 1 FROM old)
           ON CONFLICT (connection_id, external_id) DO NOTHING
           RETURNING id, number, version, NULL::text AS previous_stage
         )
         SELECT 'updated' AS outcome, * FROM upd
         UNION ALL SELECT 'created' AS outcome, * FROM ins
         UNION ALL SELECT 'stale' AS outcome, id, NULL, NULL, NULL FROM old WHERE NOT EXISTS (SELECT 1 FROM upd)`,
        params,
      ) as Promise<
        {
          outcome: UpsertOutcome['outcome'];
          id: string;
          number: string;
          version: number;
          previous_stage: string;
        }[]
      >;
    let rows = await run();
    // Another worker inserted the same case between our read and our insert: the second pass sees its row.
    if (rows.length === 0) rows = await run();
    const row = rows[0];
    if (!row) throw new Error(`could not store case ${item.externalId}`);
    if (row.outcome === 'stale') return { outcome: 'stale', ticketId: row.id };
    if (row.outcome === 'created')
      return { outcome: 'created', ticketId: row.id, number: Number(row.number), version: row.version };
    return {
      outcome: 'updated',
      ticketId: row.id,
      number: Number(row.number),
      version: row.version,
      previousStage: row.previous_stage,
    };
  }

  async appendTimeline(
    entries: TimelineEntry[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    if (entries.length === 0) return;
    const values: unknown[] = [];
    const rows = entries.map((entry, index) => {
      const base = index * 6;
      values.push(
        entry.tenantId,
        entry.ticketId,
        entry.type,
        entry.actorType,
        entry.actorId ?? null,
        JSON.stringify(entry.data ?? {}),
      );
      return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}::jsonb)`;
    });
    await manager.query(
      `INSERT INTO ticket_events (tenant_id, ticket_id, type, actor_type, actor_id, data) VALUES ${rows.join(', ')}`,
      values,
    );
  }
}
