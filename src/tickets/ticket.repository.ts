import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { NormalizedCase } from '../../adapters/contract';
import { decodeCursor, encodeCursor, type CursorPart } from '../common/cursor';
import type { Connection } from '../connections/connection.entity';
import { clockAssignments, clockValues, type StoredClock } from '../sla/ticket-clock';
import type { SlaAlert, SlaTarget } from '../sla/sla-policy.types';
import { ticketNumberSequence } from '../tenancy/tenants.service';
import type { ListTicketsQuery, TicketSort } from './dto/list-tickets.query';
import { searchQuery, searchTokens } from './search-tokens';
import { TicketEvent } from './ticket-event.entity';
import type { StoredItem, Ticket } from './ticket.model';
import { TICKET_COLUMNS, toTicket, type TicketRow } from './ticket-row.mapper';
import {
  severityRank,
  type ActorType,
  type Department,
  type Severity,
  type SlaState,
  type TicketCategory,
  type TicketStatus,
} from './ticket-vocabulary';

type CaseConnection = Pick<Connection, 'id' | 'tenantId' | 'platform'>;

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

/** What routing decided for a stored ticket. */
export interface RoutingFields {
  category: TicketCategory;
  severity: Severity;
  department: Department;
  tags: string[];
  assigneeId: string | null;
}

/** An agent's edit, already checked against the workflow. */
export interface AgentChange {
  status: TicketStatus;
  assigneeId: string | null;
  department: Department;
  severity: Severity;
  tags: string[];
  manualFields: string[];
}

/** Warnings and breaches raised on a clock, with the escalation they caused. */
export interface RaisedAlerts {
  alerts: Record<SlaTarget, SlaAlert>;
  state: SlaState;
  nextCheckAt: Date | null;
  severity: Severity;
  department: Department;
}

export interface TicketPage {
  rows: Ticket[];
  nextCursor: string | null;
}

interface ReadOptions {
  manager?: EntityManager;
  /** `FOR UPDATE`: the caller's transaction holds the row until it commits. */
  lock?: boolean;
  includeRaw?: boolean;
}

interface SortSpec {
  /** SQL expressions of the keyset, all in one direction, ending with the id. */
  keys: string[];
  direction: 'ASC' | 'DESC';
  /** The type of each key, checked when a cursor comes back. */
  parts: CursorPart[];
  values(ticket: Ticket): (string | number)[];
}

/**
 * A search with fewer matches than this reads them all through the GIN index and sorts them; one with more
 * walks the index of the sort order. Either way a page costs at most a few thousand rows.
 */
const SEARCH_SORT_CAP = 5_000;

const SLA_DUE = `coalesce(t.sla_resolution_due_at, 'infinity'::timestamptz)`;

const SORTS: Record<TicketSort, SortSpec> = {
  '-createdAt': {
    keys: ['t.created_at', 't.id'],
    direction: 'DESC',
    parts: ['timestamp', 'uuid'],
    values: (t) => [t.createdAt.toISOString(), t.id],
  },
  '-updatedAt': {
    keys: ['t.updated_at', 't.id'],
    direction: 'DESC',
    parts: ['timestamp', 'uuid'],
    values: (t) => [t.updatedAt.toISOString(), t.id],
  },
  slaDue: {
    keys: [SLA_DUE, 't.id'],
    direction: 'ASC',
    parts: ['timestamp', 'uuid'],
    values: (t) => {
      const due = t.clock.schedule?.resolution.dueAt;
      return [due === undefined ? 'infinity' : new Date(due).toISOString(), t.id];
    },
  },
  '-severity': {
    keys: ['t.severity_rank', 't.created_at', 't.id'],
    direction: 'DESC',
    parts: ['integer', 'timestamp', 'uuid'],
    values: (t) => [severityRank(t.severity), t.createdAt.toISOString(), t.id],
  },
};

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
 * The one owner of the `tickets` table and its timeline (`ticket_events`): every statement that reads or
 * writes them is here. Services decide; they hand their decisions to these methods, in their transaction
 * when they pass a `manager`.
 */
@Injectable()
export class TicketRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(tenantId: string, id: string, options: ReadOptions = {}): Promise<Ticket | null> {
    return this.findWhere('t.id = $1 AND t.tenant_id = $2', [id, tenantId], options);
  }

  /** For internal work (timers, actions) that holds a ticket id without a tenant. */
  async findById(id: string, options: ReadOptions = {}): Promise<Ticket | null> {
    return this.findWhere('t.id = $1', [id], options);
  }

  async exists(tenantId: string, id: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM tickets WHERE id = $1 AND tenant_id = $2`, [
      id,
      tenantId,
    ])) as unknown[];
    return rows.length > 0;
  }

  /** The inbox: filters, search, a keyset cursor over the chosen sort, one page. */
  async list(tenantId: string, query: ListTicketsQuery): Promise<TicketPage> {
    const tsquery = query.q ? searchQuery(query.q) : null;
    if (!tsquery) return this.page(this.dataSource.manager, tenantId, query, null);
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off`);
      const [probeSql, probeParams] = this.filtered(manager, tenantId, query, tsquery)
        .select('1')
        .limit(SEARCH_SORT_CAP)
        .getQueryAndParameters();
      const [{ matches }] = (await manager.query(
        `SELECT count(*)::int AS matches FROM (${probeSql}) AS probe`,
        probeParams,
      )) as { matches: number }[];
      // Many matches: the first page is near the top of the sort order, so walk that index and test each
      // row. Few matches: take them all from the GIN index and sort them. The planner's guess between the
      // two goes wrong when the search and a filter are correlated (Chinese words on an English-only shop).
      if (matches >= SEARCH_SORT_CAP)
        await manager.query(`SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = on`);
      return this.page(manager, tenantId, query, tsquery);
    });
  }

  private async page(
    manager: EntityManager,
    tenantId: string,
    query: ListTicketsQuery,
    tsquery: string | null,
  ): Promise<TicketPage> {
    const limit = query.limit ?? 50;
    const sort = SORTS[query.sort ?? '-createdAt'];
    const builder = this.filtered(manager, tenantId, query, tsquery);
    for (const key of sort.keys) builder.addOrderBy(key, sort.direction);
    const rows = (await builder.limit(limit + 1).getRawMany<TicketRow>()).map(toTicket);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      rows: page,
      nextCursor: rows.length > limit && last ? encodeCursor(sort.values(last)) : null,
    };
  }

  /** The tenant's tickets that pass the filters, the search and the cursor. */
  private filtered(
    manager: EntityManager,
    tenantId: string,
    query: ListTicketsQuery,
    tsquery: string | null,
  ): SelectQueryBuilder<ObjectLiteral> {
    const sort = SORTS[query.sort ?? '-createdAt'];
    const builder = manager
      .createQueryBuilder()
      .select(TICKET_COLUMNS)
      .from('tickets', 't')
      .where('t.tenant_id = :tenantId', { tenantId });
    this.applyFilters(builder, query);
    // Every part of q must match, in any order, and all through the GIN index (no scan of the text).
    if (tsquery) builder.andWhere('t.search_vector @@ CAST(:tsquery AS tsquery)', { tsquery });
    if (query.cursor) {
      const values = decodeCursor(query.cursor, sort.parts);
      const placeholders = values.map((_, index) => `:cursor${index}`);
      const comparison = sort.direction === 'DESC' ? '<' : '>';
      builder.andWhere(
        `(${sort.keys.join(', ')}) ${comparison} (${placeholders.join(', ')})`,
        Object.fromEntries(values.map((value, index) => [`cursor${index}`, value])),
      );
    }
    return builder;
  }

  async timeline(ticketId: string): Promise<TicketEvent[]> {
    return this.dataSource.getRepository(TicketEvent).find({ where: { ticketId }, order: { id: 'ASC' } });
  }

  /** Tickets whose next SLA warning or breach is overdue. */
  async dueForSlaCheck(now: Date, limit: number): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM tickets WHERE sla_next_check_at <= $1 ORDER BY sla_next_check_at LIMIT $2`,
      [now, limit],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  /**
   * Writes a case with one statement: updates only when the case is newer than the ticket (so a late,
   * older event never rolls it back), and numbers new tickets from the tenant's sequence.
   */
  async upsertCase(
    connection: CaseConnection,
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

  /** A new ticket's first assignee (when routing named one) and its started SLA clock. */
  async place(
    manager: EntityManager,
    ticketId: string,
    assigneeId: string | null,
    clock: StoredClock,
  ): Promise<void> {
    await manager.query(
      `UPDATE tickets SET assignee_id = coalesce($2, assignee_id), ${clockAssignments(3)} WHERE id = $1`,
      [ticketId, assigneeId, ...clockValues(clock)],
    );
  }

  /** Routing and the clock recomputed for a stored ticket; returns the version it is now at. */
  async applyRouting(
    manager: EntityManager,
    ticketId: string,
    fields: RoutingFields,
    clock: StoredClock,
    bumpVersion: boolean,
  ): Promise<number> {
    const [updated] = (await manager.query(
      `UPDATE tickets SET category = $2, severity = $3, severity_rank = $4, department = $5, tags = $6,
         assignee_id = $7, ${clockAssignments(9)}, updated_at = now(), version = version + $8
       WHERE id = $1 RETURNING version`,
      [
        ticketId,
        fields.category,
        fields.severity,
        severityRank(fields.severity),
        fields.department,
        fields.tags,
        fields.assigneeId,
        bumpVersion ? 1 : 0,
        ...clockValues(clock),
      ],
    )) as [{ version: number }[], number];
    return updated[0].version;
  }

  /** Links the tickets of a SKU burst to its incident; returns those that were not linked yet. */
  async attachIncident(
    manager: EntityManager,
    tenantId: string,
    incidentId: string,
    ticketIds: string[],
  ): Promise<string[]> {
    const [attached] = (await manager.query(
      `UPDATE tickets SET incident_id = $1 WHERE id = ANY ($2::uuid[]) AND tenant_id = $3 AND incident_id IS NULL
       RETURNING id`,
      [incidentId, ticketIds, tenantId],
    )) as [{ id: string }[], number];
    return attached.map((row) => row.id);
  }

  async saveClock(manager: EntityManager, ticketId: string, clock: StoredClock): Promise<void> {
    await manager.query(`UPDATE tickets SET ${clockAssignments(2)} WHERE id = $1`, [
      ticketId,
      ...clockValues(clock),
    ]);
  }

  async setNextSlaCheck(manager: EntityManager, ticketId: string, at: Date | null): Promise<void> {
    await manager.query(`UPDATE tickets SET sla_next_check_at = $2 WHERE id = $1`, [ticketId, at]);
  }

  /**
   * Raises alerts only if the stored ones are still those the caller read, so a timer and the sweep racing
   * for one ticket raise each alert once. Returns the ticket's new version, or null when another writer got
   * there first.
   */
  async raiseSlaAlerts(
    manager: EntityManager,
    ticketId: string,
    raised: RaisedAlerts,
    readAlerts: Record<SlaTarget, SlaAlert>,
  ): Promise<number | null> {
    const updated = (await manager.query(
      `UPDATE tickets SET sla_first_response_alert = $2, sla_resolution_alert = $3, sla_state = $4, sla_next_check_at = $5,
         severity = $6, severity_rank = $7, department = $8, updated_at = now(), version = version + 1
       WHERE id = $1 AND sla_first_response_alert = $9 AND sla_resolution_alert = $10
       RETURNING version`,
      [
        ticketId,
        raised.alerts.first_response,
        raised.alerts.resolution,
        raised.state,
        raised.nextCheckAt,
        raised.severity,
        severityRank(raised.severity),
        raised.department,
        readAlerts.first_response,
        readAlerts.resolution,
      ],
    )) as [{ version: number }[], number];
    return updated[0][0]?.version ?? null;
  }

  /** Stops the first-response clock at the first reply or decision; later ones change nothing. */
  async recordFirstResponse(manager: EntityManager, ticketId: string, at: Date): Promise<void> {
    await manager.query(
      `UPDATE tickets SET sla_first_responded_at = $2,
         sla_state = CASE WHEN sla_state = 'breached' THEN 'breached'
                          WHEN sla_resolution_alert = 'warning' AND sla_resolved_at IS NULL THEN 'warning'
                          ELSE 'ok' END
       WHERE id = $1 AND sla_first_responded_at IS NULL`,
      [ticketId, at],
    );
  }

  async applyAgentChange(manager: EntityManager, ticketId: string, change: AgentChange): Promise<void> {
    await manager.query(
      `UPDATE tickets SET status = $2, assignee_id = $3, department = $4, severity = $5, severity_rank = $6, tags = $7,
         manual_fields = $8, solved_at = CASE WHEN $2 = 'solved' AND status <> 'solved' THEN now() WHEN $2 IN ('open', 'pending') THEN NULL ELSE solved_at END,
         csat_requested_at = CASE WHEN $2 = 'solved' AND status <> 'solved' THEN NULL ELSE csat_requested_at END,
         status_set_by_agent_at = CASE WHEN $2 <> status THEN now() ELSE status_set_by_agent_at END,
         updated_at = now(), version = version + 1
       WHERE id = $1`,
      [
        ticketId,
        change.status,
        change.assigneeId,
        change.department,
        change.severity,
        severityRank(change.severity),
        change.tags,
        change.manualFields,
      ],
    );
  }

  /** The status the marketplace's stage calls for, set by the platform; returns the ticket's new version. */
  async setStatusFromPlatform(
    manager: EntityManager,
    ticketId: string,
    status: TicketStatus,
  ): Promise<number> {
    const [updated] = (await manager.query(
      `UPDATE tickets SET status = $2,
         solved_at = CASE WHEN $2 = 'solved' AND status <> 'solved' THEN now() WHEN $2 IN ('open', 'pending') THEN NULL ELSE solved_at END,
         csat_requested_at = CASE WHEN $2 = 'solved' AND status <> 'solved' THEN NULL ELSE csat_requested_at END,
         updated_at = now(), version = version + 1
       WHERE id = $1 RETURNING version`,
      [ticketId, status],
    )) as [{ version: number }[], number];
    return updated[0].version;
  }

  async recordCsat(
    manager: EntityManager,
    ticketId: string,
    score: number,
    comment: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE tickets SET csat_score = $2, csat_comment = $3, csat_at = now(), updated_at = now(), version = version + 1 WHERE id = $1`,
      [ticketId, score, comment],
    );
  }

  /** Marks tickets solved longer than `afterMs` ago as asked for CSAT, once; returns them. */
  async claimDueCsatRequests(
    manager: EntityManager,
    afterMs: number,
    limit: number,
  ): Promise<{ id: string; tenantId: string }[]> {
    const [rows] = (await manager.query(
      `UPDATE tickets SET csat_requested_at = now()
       WHERE id IN (
         SELECT id FROM tickets WHERE status = 'solved' AND csat_requested_at IS NULL AND solved_at < now() - make_interval(secs => $1)
         LIMIT $2 FOR UPDATE SKIP LOCKED
       )
       RETURNING id, tenant_id`,
      [afterMs / 1000, limit],
    )) as [{ id: string; tenant_id: string }[], number];
    return rows.map((row) => ({ id: row.id, tenantId: row.tenant_id }));
  }

  private async findWhere(where: string, params: unknown[], options: ReadOptions): Promise<Ticket | null> {
    const manager = options.manager ?? this.dataSource.manager;
    const rows = (await manager.query(
      `SELECT ${TICKET_COLUMNS}${options.includeRaw ? ', t.raw' : ''} FROM tickets t WHERE ${where}${options.lock ? ' FOR UPDATE' : ''}`,
      params,
    )) as TicketRow[];
    return rows[0] ? toTicket(rows[0]) : null;
  }

  private applyFilters(builder: SelectQueryBuilder<ObjectLiteral>, query: ListTicketsQuery): void {
    const lists = {
      status: query.status,
      stage: query.stage,
      platform: query.platform,
      department: query.department,
      severity: query.severity,
      category: query.category,
      kind: query.kind,
      sla_state: query.slaState,
    };
    for (const [column, values] of Object.entries(lists)) {
      if (values && values.length > 0)
        builder.andWhere(`t.${column} IN (:...${column})`, { [column]: values });
    }
    if (query.connectionId)
      builder.andWhere('t.connection_id = :connectionId', { connectionId: query.connectionId });
    if (query.assigneeId === 'none') builder.andWhere('t.assignee_id IS NULL');
    else if (query.assigneeId)
      builder.andWhere('t.assignee_id = :assigneeId', { assigneeId: query.assigneeId });
    if (query.tag) builder.andWhere(':tag = ANY(t.tags)', { tag: query.tag });
    if (query.createdFrom)
      builder.andWhere('t.created_at >= :createdFrom', { createdFrom: query.createdFrom });
    if (query.createdTo) builder.andWhere('t.created_at < :createdTo', { createdTo: query.createdTo });
  }
}
