import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type SelectQueryBuilder } from 'typeorm';
import { toActionView, type ActionView } from '../actions/action-view';
import { Action } from '../actions/action.entity';
import { decodeCursor, encodeCursor, type CursorPart, type Page } from '../common/cursor';
import { notFound } from '../common/domain-error';
import type { ListTicketsQuery, TicketSort } from './dto/list-tickets.query';
import { searchQuery } from './search-tokens';
import { TicketEvent } from './ticket-event.entity';
import { toTicketView, toTimelineEntry, type TicketView, type TimelineEntryView } from './ticket-view';
import { Ticket } from './ticket.entity';
import { severityRank } from './ticket-vocabulary';

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
    values: (t) => [t.slaResolutionDueAt ? t.slaResolutionDueAt.toISOString() : 'infinity', t.id],
  },
  '-severity': {
    keys: ['t.severity_rank', 't.created_at', 't.id'],
    direction: 'DESC',
    parts: ['integer', 'timestamp', 'uuid'],
    values: (t) => [severityRank(t.severity), t.createdAt.toISOString(), t.id],
  },
};

export interface TicketDetail extends TicketView {
  timeline: TimelineEntryView[];
  actions: ActionView[];
}

@Injectable()
export class TicketsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(tenantId: string, query: ListTicketsQuery): Promise<Page<TicketView>> {
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
  ): Promise<Page<TicketView>> {
    const limit = query.limit ?? 50;
    const sort = SORTS[query.sort ?? '-createdAt'];
    const builder = this.filtered(manager, tenantId, query, tsquery);
    for (const key of sort.keys) builder.addOrderBy(key, sort.direction);
    const rows = await builder.limit(limit + 1).getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map((ticket) => toTicketView(ticket)),
      nextCursor: rows.length > limit && last ? encodeCursor(sort.values(last)) : null,
    };
  }

  /** The tenant's tickets that pass the filters, the search and the cursor. */
  private filtered(
    manager: EntityManager,
    tenantId: string,
    query: ListTicketsQuery,
    tsquery: string | null,
  ): SelectQueryBuilder<Ticket> {
    const sort = SORTS[query.sort ?? '-createdAt'];
    const builder = manager
      .getRepository(Ticket)
      .createQueryBuilder('t')
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

  async get(tenantId: string, id: string, includeRaw: boolean): Promise<TicketDetail> {
    const builder = this.dataSource
      .getRepository(Ticket)
      .createQueryBuilder('t')
      .where('t.id = :id AND t.tenant_id = :tenantId', { id, tenantId });
    if (includeRaw) builder.addSelect('t.raw');
    const ticket = await builder.getOne();
    if (!ticket) throw notFound('ticket');
    const [events, actions] = await Promise.all([
      this.dataSource.getRepository(TicketEvent).find({ where: { ticketId: id }, order: { id: 'ASC' } }),
      this.dataSource.getRepository(Action).find({ where: { ticketId: id }, order: { createdAt: 'ASC' } }),
    ]);
    return {
      ...toTicketView(ticket, includeRaw),
      timeline: events.map(toTimelineEntry),
      actions: actions.map(toActionView),
    };
  }

  private applyFilters(builder: SelectQueryBuilder<Ticket>, query: ListTicketsQuery): void {
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
