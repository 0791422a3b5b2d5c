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
