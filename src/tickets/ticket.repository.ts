import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type ObjectLiteral, type SelectQueryBuilder } from 'typeorm';
import type { NormalizedCase } from '../../adapters/contract';
import { decodeCursor, encodeCursor, type CursorPart } from '../common/cursor';
import type { Connection } from '../connections/connection.entity';
import {
  CLOCK_RECORD_TYPES,
  clockAssignments,
  clockColumnList,
  clockRecord,
  clockRecordAssignments,
  clockValues,
  type StoredClock,
} from '../sla/ticket-clock';
import type { SlaAlert, SlaTarget } from '../sla/sla-policy.types';
import { ticketNumberSequence } from '../tenancy/tenants.service';
import type { ListTicketsQuery, TicketSort } from './dto/list-tickets.query';
import { searchQuery, searchTerms, searchTokens } from './search-tokens';
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

export interface CaseKey {
  connectionId: string;
  externalId: string;
}

/** A case that becomes a new ticket, with its number, routing and started clock. */
export interface NewTicket {
  connection: CaseConnection;
  item: NormalizedCase;
  number: number;
  routing: RoutingFields;
  clock: StoredClock;
}

export interface InsertedTicket {
  id: string;
  connectionId: string;
  externalId: string;
  number: number;
  version: number;
}

/** An upstream change to a stored ticket, with the routing and clock re-decided for it. */
export interface CaseUpdate {
  ticketId: string;
  connection: CaseConnection;
  item: NormalizedCase;
  /** The answer to our own action: a same-second change still applies. */
  acceptSameTime: boolean;
  routing: RoutingFields;
  clock: StoredClock;
}

export interface RoutingUpdate {
  ticketId: string;
  routing: RoutingFields;
  clock: StoredClock;
  /** A change to record: a new version and update time (a quiet incident link keeps both). */
  bumpVersion: boolean;
  /** Links the ticket to this incident, in the same statement. */
  incidentId: string | null;
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

/** A node of a plan as `EXPLAIN (FORMAT JSON)` prints it. */
interface PlanNode {
  'Node Type': string;
  'Plan Rows': number;
  Plans?: PlanNode[];
}

/** How many parts of a search the estimate of its matches plans (one planning each). */
const SEARCH_ESTIMATE_PARTS = 8;
/** A search estimated to match fewer tickets than this reads them all from the GIN index and sorts them. */
const SEARCH_FEW_MATCHES = 2_000;
/**
 * How far down the sort order a search with many matches walks, testing each row, before it takes them from
 * the GIN index instead: a page of 50 within it needs the matches to be at least 2 % of the inbox's top.
 */
const SEARCH_WALK_ROWS = 2_500;

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

/** The columns a case sets, in the order of `caseRecord`'s keys. */
const CASE_FIELDS = [
  'connection_id',
  'external_id',
  'external_order_id',
  'kind',
  'stage',
  'reason',
  'reason_code',
  'requested_amount_minor',
  'requested_currency',
  'refunded_amount_minor',
  'refunded_currency',
  'buyer',
  'buyer_vip',
  'items',
  'evidence',
  'platform_deadline_at',
  'platform_version',
  'external_created_at',
  'external_updated_at',
  'raw',
  'search_text',
  'delivered_at',
] as const;
const CASE_COLUMNS = CASE_FIELDS.join(', ');
const CASE_COLUMNS_FROM_U = CASE_FIELDS.map((field) => `u.${field}`).join(', ');
const CASE_RECORD_TYPES = `connection_id uuid, external_id text, external_order_id text, kind text, stage text,
  reason text, reason_code text, requested_amount_minor bigint, requested_currency text, refunded_amount_minor bigint,
  refunded_currency text, buyer jsonb, buyer_vip boolean, items jsonb, evidence jsonb,
  platform_deadline_at timestamptz, platform_version text, external_created_at timestamptz,
  external_updated_at timestamptz, raw jsonb, search_text text, delivered_at timestamptz, search_tokens text[]`;
const ROUTING_RECORD_TYPES = `category text, severity text, severity_rank smallint, department text, tags text[],
  assignee_id text`;

function caseRecord(connection: CaseConnection, item: NormalizedCase): Record<string, unknown> {
  const text = searchText(item);
  return {
    connection_id: connection.id,
    external_id: item.externalId,
    external_order_id: item.externalOrderId,
    kind: item.kind,
    stage: item.stage,
    reason: item.reason,
    reason_code: item.reasonCode,
    requested_amount_minor: item.requestedAmount?.amountMinor ?? null,
    requested_currency: item.requestedAmount?.currency ?? null,
    refunded_amount_minor: item.refundedAmount?.amountMinor ?? null,
    refunded_currency: item.refundedAmount?.currency ?? null,
    buyer: item.buyer ?? null,
    buyer_vip: item.buyer?.vip ?? false,
    items: storedItems(item),
    evidence: item.evidence,
    platform_deadline_at: item.platformDeadlineAt,
    platform_version: item.platformVersion,
    external_created_at: item.externalCreatedAt,
    external_updated_at: item.externalUpdatedAt,
    raw: item.raw ?? null,
    search_text: text,
    delivered_at: item.deliveredAt ?? null,
    search_tokens: searchTokens(text),
  };
}

function routingRecord(fields: RoutingFields): Record<string, unknown> {
  return {
    category: fields.category,
    severity: fields.severity,
    severity_rank: severityRank(fields.severity),
    department: fields.department,
    tags: fields.tags,
    assignee_id: fields.assigneeId,
  };
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

  /**
   * The inbox: filters, search, a keyset cursor over the chosen sort, one page. A search picks its plan from
   * the planner's estimate of the matches of the rarest part of `q` in the tenant (its statistics of single
   * lexemes are good; its guess for `q` combined with a filter is not, as when Chinese words meet an
   * English-only shop):
   * - few matches (under `SEARCH_FEW_MATCHES`): take them all from the GIN index and sort them;
   * - otherwise walk the sort order's index with the filters, testing each row, for at most
   *   `SEARCH_WALK_ROWS` rows: where the matches are dense at the top of the inbox (common words) the page is
   *   found within a few hundred rows;
   * - when that walk does not fill the page, the matches are sparse there, and the GIN index serves them: it
   *   holds the platform beside the lexemes (`tickets_search_platform_idx`), so with a platform filter it
   *   yields only the matches on those platforms, however many there are on the others.
   */
  async list(tenantId: string, query: ListTicketsQuery): Promise<TicketPage> {
    const tsquery = query.q ? searchQuery(query.q) : null;
    const manager = this.dataSource.manager;
    if (!tsquery) return this.page(manager, tenantId, query, null);
    // Few matches: the planner's own plan reads them from the GIN index, filters making them fewer still.
    if (
      (await this.fewestMatches(
        manager,
        tenantId,
        searchTerms(query.q ?? '').slice(0, SEARCH_ESTIMATE_PARTS),
      )) < SEARCH_FEW_MATCHES
    )
      return this.page(manager, tenantId, query, tsquery);
    const rows = await this.walk(manager, tenantId, query, tsquery);
    if (rows.length > (query.limit ?? 50)) return this.toPage(rows, query);
    return this.dataSource.transaction(async (inTransaction) => {
      await inTransaction.query(`SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off`);
      return this.page(inTransaction, tenantId, query, tsquery);
    });
  }

  /**
   * The planner's estimate of the tickets matching the rarest part of a search: at most that many match all
   * of it. (Its estimate for all the parts at once multiplies their shares, as if they were independent, and
   * words that come together, 鞋底 and 开胶, make it far too low.) One planning, nothing read; a long search
   * is estimated by its first `SEARCH_ESTIMATE_PARTS` parts, still an upper bound.
   */
  private async fewestMatches(manager: EntityManager, tenantId: string, terms: string[]): Promise<number> {
    const [{ 'QUERY PLAN': plan }] = (await manager.query(
      `EXPLAIN (FORMAT JSON) ${terms
        .map(
          (_, i) =>
            `SELECT 1 FROM tickets t WHERE t.tenant_id = $1 AND t.search_vector @@ CAST($${i + 2} AS tsquery)`,
        )
        .join(' UNION ALL ')}`,
      [tenantId, ...terms],
    )) as { 'QUERY PLAN': [{ Plan: PlanNode }] }[];
    const top = plan[0].Plan;
    return Math.min(
      ...(top['Node Type'] === 'Append' && top.Plans ? top.Plans : [top]).map((node) => node['Plan Rows']),
    );
  }

  /**
   * The first page of matches (and one more) among the first `SEARCH_WALK_ROWS` tickets of the sort order
   * that pass the filters and the cursor.
   */
  private async walk(
    manager: EntityManager,
    tenantId: string,
    query: ListTicketsQuery,
    tsquery: string,
  ): Promise<Ticket[]> {
    const sort = SORTS[query.sort ?? '-createdAt'];
    const keys = sort.keys.map((key, i) => `${key} AS k${i}`);
    const inner = this.filtered(manager, tenantId, query, null).select(
      [TICKET_COLUMNS, 't.search_vector', ...keys].join(', '),
    );
    for (const key of sort.keys) inner.addOrderBy(key, sort.direction);
    const [sql, params] = inner.limit(SEARCH_WALK_ROWS).getQueryAndParameters();
    const rows = (await manager.query(
      `SELECT ${TICKET_COLUMNS.replace(/\bt\./g, 'w.')} FROM (${sql}) AS w
        WHERE w.search_vector @@ CAST($${params.length + 1} AS tsquery)
        ORDER BY ${sort.keys.map((_, i) => `w.k${i} ${sort.direction}`).join(', ')}
        LIMIT ${(query.limit ?? 50) + 1}`,
      [...params, tsquery],
    )) as TicketRow[];
    return rows.map(toTicket);
  }

  private async page(
    manager: EntityManager,
    tenantId: string,
    query: ListTicketsQuery,
    tsquery: string | null,
  ): Promise<TicketPage> {
    const sort = SORTS[query.sort ?? '-createdAt'];
    const builder = this.filtered(manager, tenantId, query, tsquery);
    for (const key of sort.keys) builder.addOrderBy(key, sort.direction);
    const rows = await builder.limit((query.limit ?? 50) + 1).getRawMany<TicketRow>();
    return this.toPage(rows.map(toTicket), query);
  }

  /** A page of `limit` tickets from up to one more, with the cursor after it when there are more. */
  private toPage(rows: Ticket[], query: ListTicketsQuery): TicketPage {
    const limit = query.limit ?? 50;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      rows: page,
      nextCursor:
        rows.length > limit && last ? encodeCursor(SORTS[query.sort ?? '-createdAt'].values(last)) : null,
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

  /** Locks the stored tickets of these cases, in id order so concurrent batches never deadlock on them. */
  async lockCases(manager: EntityManager, keys: CaseKey[]): Promise<Ticket[]> {
    if (keys.length === 0) return [];
    const rows = (await manager.query(
      `SELECT ${TICKET_COLUMNS} FROM tickets t
       JOIN unnest($1::uuid[], $2::text[]) AS k(connection_id, external_id)
         ON t.connection_id = k.connection_id AND t.external_id = k.external_id
       ORDER BY t.id FOR UPDATE OF t`,
      [keys.map((key) => key.connectionId), keys.map((key) => key.externalId)],
    )) as TicketRow[];
    return rows.map(toTicket);
  }

  async lockByIds(manager: EntityManager, ids: string[]): Promise<Ticket[]> {
    if (ids.length === 0) return [];
    const rows = (await manager.query(
      `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id = ANY ($1::uuid[]) ORDER BY t.id FOR UPDATE`,
      [ids],
    )) as TicketRow[];
    return rows.map(toTicket);
  }

  /** Ticket numbers for new tickets of one tenant, from its own sequence (a lost insert race leaves a gap). */
  async allocateNumbers(manager: EntityManager, tenantId: string, count: number): Promise<number[]> {
    if (count === 0) return [];
    const rows = (await manager.query(`SELECT nextval($1) AS n FROM generate_series(1, $2)`, [
      ticketNumberSequence(tenantId),
      count,
    ])) as { n: string }[];
    return rows.map((row) => Number(row.n));
  }

  /**
   * New tickets, one statement for the batch. A case another transaction inserted meanwhile is left out of
   * the answer (its number is not used); the caller writes it as an update instead.
   */
  async insertCases(manager: EntityManager, rows: NewTicket[]): Promise<InsertedTicket[]> {
    if (rows.length === 0) return [];
    const records = rows.map((row) => ({
      ...caseRecord(row.connection, row.item),
      tenant_id: row.connection.tenantId,
      platform: row.connection.platform,
      number: row.number,
      ...routingRecord(row.routing),
      ...clockRecord(row.clock),
    }));
    const inserted = (await manager.query(
      `INSERT INTO tickets (
         tenant_id, platform, number, ${CASE_COLUMNS}, search_vector, category, severity, severity_rank, department,
         tags, assignee_id, ${clockColumnList()}
       )
       SELECT u.tenant_id, u.platform, u.number, ${CASE_COLUMNS_FROM_U}, array_to_tsvector(u.search_tokens),
         u.category, u.severity, u.severity_rank, u.department, u.tags, u.assignee_id, ${clockColumnList('u')}
       FROM jsonb_to_recordset($1::jsonb) AS u(tenant_id uuid, platform text, number bigint, ${CASE_RECORD_TYPES},
         ${ROUTING_RECORD_TYPES}, ${CLOCK_RECORD_TYPES})
       ORDER BY u.connection_id, u.external_id
       ON CONFLICT (connection_id, external_id) DO NOTHING
       RETURNING id, connection_id, external_id, number, version`,
      [JSON.stringify(records)],
    )) as { id: string; connection_id: string; external_id: string; number: string; version: number }[];
    return inserted.map((row) => ({
      id: row.id,
      connectionId: row.connection_id,
      externalId: row.external_id,
      number: Number(row.number),
      version: row.version,
    }));
  }

  /**
   * Upstream changes to stored (and locked) tickets, with the routing and clock decided for them, one
   * statement for the batch. The guard is here: a ticket is only updated by a case newer than the one it
   * holds, so duplicates and late, older events change nothing. Returns the tickets updated, with versions.
   */
  async updateCases(manager: EntityManager, rows: CaseUpdate[]): Promise<Map<string, number>> {
    if (rows.length === 0) return new Map();
    const records = rows.map((row) => ({
      ...caseRecord(row.connection, row.item),
      id: row.ticketId,
      accept_same_time: row.acceptSameTime,
      ...routingRecord(row.routing),
      ...clockRecord(row.clock),
    }));
    const updated = (await manager.query(
      `UPDATE tickets t SET
         external_order_id = u.external_order_id, kind = u.kind, stage = u.stage, reason = u.reason,
         reason_code = u.reason_code, requested_amount_minor = u.requested_amount_minor,
         requested_currency = u.requested_currency, refunded_amount_minor = u.refunded_amount_minor,
         refunded_currency = u.refunded_currency, buyer = u.buyer, buyer_vip = u.buyer_vip, items = u.items,
         evidence = u.evidence, platform_deadline_at = u.platform_deadline_at, platform_version = u.platform_version,
         external_created_at = u.external_created_at, external_updated_at = u.external_updated_at, raw = u.raw,
         search_text = u.search_text, search_vector = array_to_tsvector(u.search_tokens),
         delivered_at = coalesce(u.delivered_at, t.delivered_at),
         category = u.category, severity = u.severity, severity_rank = u.severity_rank, department = u.department,
         tags = u.tags, assignee_id = u.assignee_id, ${clockRecordAssignments('u')},
         updated_at = now(), version = t.version + 1
       FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, accept_same_time boolean, ${CASE_RECORD_TYPES},
         ${ROUTING_RECORD_TYPES}, ${CLOCK_RECORD_TYPES})
       WHERE t.id = u.id AND (
         t.external_updated_at < u.external_updated_at
         -- Platforms stamp modified times to the second: a same-second change still counts when the
         -- platform's own version went up, or when it is the answer to our own action.
         OR (t.external_updated_at = u.external_updated_at AND (u.accept_same_time OR (
           u.platform_version ~ '^[0-9]{1,30}$' AND t.platform_version ~ '^[0-9]{1,30}$'
           AND u.platform_version::numeric > t.platform_version::numeric
         )))
       )
       RETURNING t.id, t.version`,
      [JSON.stringify(records)],
    )) as [{ id: string; version: number }[], number];
    return new Map(updated[0].map((row) => [row.id, row.version]));
  }

  async appendTimeline(
    entries: TimelineEntry[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<void> {
    if (entries.length === 0) return;
    // One array per column: a fixed statement whatever the number of entries, in the order given.
    await manager.query(
      `INSERT INTO ticket_events (tenant_id, ticket_id, type, actor_type, actor_id, data)
       SELECT x.tenant_id, x.ticket_id, x.type, x.actor_type, x.actor_id, x.data
       FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) WITH ORDINALITY
         AS x(tenant_id, ticket_id, type, actor_type, actor_id, data, n)
       ORDER BY x.n`,
      [
        entries.map((entry) => entry.tenantId),
        entries.map((entry) => entry.ticketId),
        entries.map((entry) => entry.type),
        entries.map((entry) => entry.actorType),
        entries.map((entry) => entry.actorId ?? null),
        entries.map((entry) => JSON.stringify(entry.data ?? {})),
      ],
    );
  }

  /**
   * Routing and clocks recomputed for stored tickets, with the incident they join, one statement; returns
   * their versions.
   */
  async applyRouting(manager: EntityManager, rows: RoutingUpdate[]): Promise<Map<string, number>> {
    if (rows.length === 0) return new Map();
    const records = rows.map((row) => ({
      id: row.ticketId,
      bump: row.bumpVersion ? 1 : 0,
      incident_id: row.incidentId,
      ...routingRecord(row.routing),
      ...clockRecord(row.clock),
    }));
    const updated = (await manager.query(
      `UPDATE tickets t SET category = u.category, severity = u.severity, severity_rank = u.severity_rank,
         department = u.department, tags = u.tags, assignee_id = u.assignee_id, ${clockRecordAssignments('u')},
         incident_id = coalesce(u.incident_id, t.incident_id),
         updated_at = CASE WHEN u.bump = 1 THEN now() ELSE t.updated_at END, version = t.version + u.bump
       FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, bump integer, incident_id uuid, ${ROUTING_RECORD_TYPES},
         ${CLOCK_RECORD_TYPES})
       WHERE t.id = u.id
       RETURNING t.id, t.version`,
      [JSON.stringify(records)],
    )) as [{ id: string; version: number }[], number];
    return new Map(updated[0].map((row) => [row.id, row.version]));
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
