import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError, ErrorCode, notFound } from '../common/domain-error';
import type { DomainEvent } from '../webhooks/domain-event.types';
import { SlaService } from '../sla/sla.service';
import { OutboxService } from '../webhooks/outbox.service';
import type { AddNoteDto } from './dto/add-note.dto';
import type { RecordCsatDto } from './dto/record-csat.dto';
import type { UpdateTicketDto } from './dto/update-ticket.dto';
import { canMove, STATUS_TRANSITIONS } from './status-workflow';
import type { Ticket } from './ticket.model';
import { TicketRepository, type TimelineEntry } from './ticket.repository';
import { toTicketView, type TicketView } from './ticket-view';

export interface AgentRef {
  id: string;
}

/**
 * `If-Match`: the ETag of the ticket as read (`"3.5f0c2a9e61d4"`), or its version alone (`"3"`, `W/"3"`, `3`).
 * Only the version is compared: a note, an action or a timeline entry since the read does not make an edit
 * of the ticket's own fields stale; another edit of them does.
 */
export function parseIfMatch(header: string | undefined): number {
  if (!header)
    throw new DomainError(
      ErrorCode.PRECONDITION_REQUIRED,
      'send If-Match with the ETag you last read (or the ticket version)',
    );
  const match = /^(?:W\/)?"?(\d+)(?:\.[0-9a-f]{1,64})?"?$/.exec(header.trim());
  if (!match)
    throw new DomainError(
      ErrorCode.VALIDATION_FAILED,
      'If-Match must be the ticket\'s ETag or its version, e.g. "3"',
    );
  return Number(match[1]);
}

const CSAT_REQUEST_BATCH = 500;

/** Columns an agent sets by hand; routing never overwrites them afterwards. */
const MANUAL_FIELDS = {
  assigneeId: 'assignee',
  department: 'department',
  severity: 'severity',
  tags: 'tags',
} as const;

@Injectable()
export class TicketWorkflowService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tickets: TicketRepository,
    private readonly outbox: OutboxService,
    private readonly sla: SlaService,
  ) {}

  /** Optimistic concurrency: the write applies only to the version the agent read (412 otherwise). */
  async update(
    tenantId: string,
    id: string,
    expectedVersion: number,
    input: UpdateTicketDto,
    agent: AgentRef,
  ): Promise<TicketView> {
    return this.dataSource.transaction(async (manager) => {
      const ticket = await this.tickets.find(tenantId, id, { manager, lock: true });
      if (!ticket) throw notFound('ticket');
      if (ticket.version !== expectedVersion) {
        throw new DomainError(
          ErrorCode.PRECONDITION_FAILED,
          `the ticket changed: you have version ${expectedVersion}, it is at ${ticket.version}`,
          {
            currentVersion: ticket.version,
          },
        );
      }
      if (input.status && !canMove(ticket.status, input.status)) {
        throw new DomainError(
          ErrorCode.INVALID_TRANSITION,
          `a ${ticket.status} ticket cannot become ${input.status}`,
          {
            from: ticket.status,
            allowed: STATUS_TRANSITIONS[ticket.status],
          },
        );
      }
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      const note = (field: string, from: unknown, to: unknown) => {
        if (to !== undefined && JSON.stringify(from) !== JSON.stringify(to)) changes[field] = { from, to };
      };
      note('status', ticket.status, input.status);
      note('assigneeId', ticket.assigneeId, input.assigneeId);
      note('department', ticket.department, input.department);
      note('severity', ticket.severity, input.severity);
      note('tags', ticket.tags, input.tags);
      if (Object.keys(changes).length === 0) return toTicketView(ticket);

      const manual = new Set(ticket.manualFields);
      for (const field of Object.keys(changes)) {
        if (field in MANUAL_FIELDS) manual.add(MANUAL_FIELDS[field as keyof typeof MANUAL_FIELDS]);
      }
      const status = input.status ?? ticket.status;
      await this.tickets.applyAgentChange(manager, id, {
        status,
        assigneeId: input.assigneeId === undefined ? ticket.assigneeId : input.assigneeId,
        department: input.department ?? ticket.department,
        severity: input.severity ?? ticket.severity,
        tags: input.tags ?? ticket.tags,
        manualFields: [...manual],
      });
      if (changes.status) await this.sla.onStatusChanged(manager, id, ticket.status, status, new Date());
      const base = { tenantId, ticketId: id, actorType: 'agent' as const, actorId: agent.id };
      const entries: TimelineEntry[] = Object.entries(changes).map(([field, change]) => ({
        ...base,
        type: field === 'assigneeId' ? 'ticket.assigned' : `ticket.${field}_changed`,
        data: change,
      }));
      const events: DomainEvent[] = [
        { tenantId, ticketId: id, type: 'ticket.updated', data: { ticketId: id, changes, by: 'agent' } },
      ];
      if (changes.assigneeId) {
        events.push({
          tenantId,
          ticketId: id,
          type: 'ticket.assigned',
          data: { ticketId: id, ...changes.assigneeId },
        });
      }
      await this.tickets.appendTimeline(entries, manager);
      await this.outbox.emit(events, manager);
      return toTicketView(await this.mustFind(manager, tenantId, id));
    });
  }

  async addNote(
    tenantId: string,
    id: string,
    input: AddNoteDto,
    agent: AgentRef,
  ): Promise<{ id: string; type: string }> {
    await this.requireTicket(tenantId, id);
    await this.dataSource.transaction(async (manager) => {
      await this.tickets.appendTimeline(
        [
          {
            tenantId,
            ticketId: id,
            type: 'note.added',
            actorType: 'agent',
            actorId: agent.id,
            data: { text: input.text, internal: true },
          },
        ],
        manager,
      );
      // Internal, but subscribers such as a team chat follow the conversation around a case.
      await this.outbox.emit(
        [
          {
            tenantId,
            ticketId: id,
            type: 'ticket.note_added',
            data: { ticketId: id, text: input.text, by: { type: 'agent', id: agent.id } },
          },
        ],
        manager,
      );
    });
    return { id, type: 'note.added' };
  }

  async recordCsat(tenantId: string, id: string, input: RecordCsatDto): Promise<TicketView> {
    return this.dataSource.transaction(async (manager) => {
      await this.requireTicket(tenantId, id);
      await this.tickets.recordCsat(manager, id, input.score, input.comment ?? null);
      await this.tickets.appendTimeline(
        [
          {
            tenantId,
            ticketId: id,
            type: 'csat.recorded',
            actorType: 'platform',
            data: { score: input.score, comment: input.comment ?? null },
          },
        ],
        manager,
      );
      await this.outbox.emit(
        [
          {
            tenantId,
            ticketId: id,
            type: 'ticket.updated',
            data: { ticketId: id, csat: input.score, by: 'buyer' },
          },
        ],
        manager,
      );
      return toTicketView(await this.mustFind(manager, tenantId, id));
    });
  }

  /** Asks subscribers to survey the buyer 48 hours after a ticket was solved, once. */
  async requestDueCsat(after: number): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const due = await this.tickets.claimDueCsatRequests(manager, after, CSAT_REQUEST_BATCH);
      await this.outbox.emit(
        due.map((ticket) => ({
          tenantId: ticket.tenantId,
          ticketId: ticket.id,
          type: 'ticket.csat_requested' as const,
          data: { ticketId: ticket.id },
        })),
        manager,
      );
      return due.length;
    });
  }

  private async requireTicket(tenantId: string, id: string): Promise<void> {
    if (!(await this.tickets.exists(tenantId, id))) throw notFound('ticket');
  }

  private async mustFind(manager: EntityManager, tenantId: string, id: string): Promise<Ticket> {
    const ticket = await this.tickets.find(tenantId, id, { manager });
    if (!ticket) throw notFound('ticket');
    return ticket;
  }
}
