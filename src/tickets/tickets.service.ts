import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { toActionView, type ActionView } from '../actions/action-view';
import { Action } from '../actions/action.entity';
import type { Page } from '../common/cursor';
import { notFound } from '../common/domain-error';
import type { ListTicketsQuery } from './dto/list-tickets.query';
import { toTicketView, toTimelineEntry, type TicketView, type TimelineEntryView } from './ticket-view';
import { TicketRepository } from './ticket.repository';

export interface TicketDetail extends TicketView {
  timeline: TimelineEntryView[];
  actions: ActionView[];
}

/**
 * The ETag of a ticket as `GET /v1/tickets/:id` shows it: its version, then a digest of the whole answer, so a
 * new note, action, action outcome or timeline entry (none of which bumps the version) changes it too and a
 * revalidating cache never keeps a stale view. `If-Match` compares the version part alone.
 */
export function ticketDetailEtag(detail: TicketDetail): string {
  const digest = createHash('sha256').update(JSON.stringify(detail)).digest('hex').slice(0, 16);
  return `"${detail.version}.${digest}"`;
}

@Injectable()
export class TicketsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketRepository,
  ) {}

  async list(tenantId: string, query: ListTicketsQuery): Promise<Page<TicketView>> {
    const page = await this.tickets.list(tenantId, query);
    return { data: page.rows.map((ticket) => toTicketView(ticket)), nextCursor: page.nextCursor };
  }

  async get(tenantId: string, id: string, includeRaw: boolean): Promise<TicketDetail> {
    const ticket = await this.tickets.find(tenantId, id, { includeRaw });
    if (!ticket) throw notFound('ticket');
    const [events, actions] = await Promise.all([
      this.tickets.timeline(id),
      this.dataSource.getRepository(Action).find({ where: { ticketId: id }, order: { createdAt: 'ASC' } }),
    ]);
    return {
      ...toTicketView(ticket, includeRaw),
      timeline: events.map(toTimelineEntry),
      actions: actions.map(toActionView),
    };
  }
}
