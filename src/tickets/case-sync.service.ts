import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { MinorMoney, NormalizedCase, TicketCategory } from '../../adapters/contract';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import type { Connection } from '../connections/connection.entity';
import {
  resolveAssignee,
  type CaseFacts,
  type CaseRouter,
  type RoutingDecision,
} from '../routing/case-router';
import { reconcile, type RoutingChanges } from '../routing/reconcile';
import { distinctSkus, RoutingService, type RoutedCase } from '../routing/routing.service';
import type { SlaPolicyBook } from '../sla/sla-clock';
import { SlaPoliciesService } from '../sla/sla-policies.service';
import { SlaService } from '../sla/sla.service';
import { clockSummary, freshClock, planClock, sameSchedule, type StoredClock } from '../sla/ticket-clock';
import type { DomainEvent } from '../webhooks/domain-event.types';
import { OutboxService } from '../webhooks/outbox.service';
import { CaseStatusService } from './case-status.service';
import { IncidentDetectionService } from './incident-detection.service';
import type { Ticket } from './ticket.model';
import { TicketRepository, type TimelineEntry, type UpsertOutcome } from './ticket.repository';
import { storableValue } from '../common/input-text';

type CaseConnection = Pick<Connection, 'id' | 'tenantId' | 'platform'>;

/** Where a case came from: a stored push, a pull, or the re-read after one of our own actions. */
export type CaseSource =
  { type: 'push'; eventId: string } | { type: 'pull' } | { type: 'action'; actionId: string };

type Trigger = 'upstream' | 'incident';

/** The tenant settings one case is decided with. */
interface Settings {
  router: CaseRouter;
  book: SlaPolicyBook;
}

function money(amountMinor: number | null, currency: string | null): MinorMoney | null {
  return amountMinor === null || currency === null ? null : { amountMinor, currency };
}

function ticketFacts(ticket: Ticket, platformCategory: TicketCategory | null): CaseFacts {
  return {
    platform: ticket.platform,
    connectionId: ticket.connectionId,
    kind: ticket.kind,
    stage: ticket.stage,
    reason: ticket.reason,
    platformCategory,
    amount:
      money(ticket.requestedAmountMinor, ticket.requestedCurrency) ??
      money(ticket.refundedAmountMinor, ticket.refundedCurrency),
    vip: ticket.buyerVip,
    skus: distinctSkus(ticket.items.map((line) => line.sku)),
    incident: ticket.incidentId !== null,
  };
}

function slaView(clock: StoredClock): Record<string, unknown> | null {
  if (!clock.schedule) return null;
  return {
    policy: clock.policy,
    firstResponseDueAt: new Date(clock.schedule.first_response.dueAt),
    resolutionDueAt: new Date(clock.schedule.resolution.dueAt),
  };
}

/**
 * Case synchronisation: a marketplace case (pushed, pulled, or re-read after an action) becomes its ticket.
 * Routing and SLA decide; the ticket, its timeline, outbox events and clock are written in one transaction.
 */
@Injectable()
export class CaseSyncService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly routing: RoutingService,
    private readonly slaPolicies: SlaPoliciesService,
    private readonly sla: SlaService,
    private readonly tickets: TicketRepository,
    private readonly incidents: IncidentDetectionService,
    private readonly caseStatus: CaseStatusService,
    private readonly outbox: OutboxService,
  ) {}

  async sync(connection: CaseConnection, given: NormalizedCase, source: CaseSource): Promise<UpsertOutcome> {
    // Platforms may send text PostgreSQL cannot store (NUL, lone surrogates); it is cleaned, not refused.
    const item = storableValue(given);
    const [routed, book] = await Promise.all([
      this.routing.route(connection, item),
      this.slaPolicies.book(connection.tenantId),
    ]);
    return this.dataSource.transaction(async (manager) => {
      const outcome = await this.tickets.upsertCase(connection, item, routed.triage, manager, {
        acceptSameTime: source.type === 'action',
      });
      const entries: TimelineEntry[] = [];
      const events: DomainEvent[] = [];
      const base = { tenantId: connection.tenantId, ticketId: outcome.ticketId };
      const ticketRef = {
        ticketId: outcome.ticketId,
        externalId: item.externalId,
        platform: connection.platform,
        connectionId: connection.id,
      };
      if (outcome.outcome === 'created') {
        const data = { stage: item.stage, kind: item.kind };
        entries.push({
          ...base,
          actorType: 'platform',
          type: 'ticket.created',
          data: { ...data, source: source.type },
        });
        events.push({
          ...base,
          type: 'ticket.created',
          data: { ...ticketRef, ...data, number: outcome.number },
        });
      } else if (outcome.outcome === 'updated') {
        events.push({
          ...base,
          type: 'ticket.updated',
          data: { ...ticketRef, version: outcome.version, by: 'platform' },
        });
        if (outcome.previousStage !== item.stage) {
          const change = { from: outcome.previousStage, to: item.stage };
          entries.push({
            ...base,
            actorType: 'platform',
            type: 'ticket.stage_changed',
            data: { ...change, source: source.type },
          });
          events.push({ ...base, type: 'ticket.stage_changed', data: { ...ticketRef, ...change } });
        }
      }
      await this.tickets.appendTimeline(entries, manager);
      await this.outbox.emit(events, manager);
      const settings = { router: routed.router, book };
      switch (outcome.outcome) {
        case 'created':
          await this.place(manager, connection, item, routed, settings, outcome.ticketId, outcome.number);
          break;
        case 'updated':
          await this.reevaluate(manager, outcome.ticketId, settings, item.category, 'upstream');
          break;
        case 'stale':
          break;
      }
      if (outcome.outcome !== 'stale') {
        await this.caseStatus.follow(manager, {
          tenantId: connection.tenantId,
          ticketId: outcome.ticketId,
          stage: item.stage,
          externalUpdatedAt: item.externalUpdatedAt,
        });
      }
      return outcome;
    });
  }

  /** A new ticket gets its assignee, SLA clock and routing entry, and may complete a group incident. */
  private async place(
    manager: EntityManager,
    connection: CaseConnection,
    item: NormalizedCase,
    routed: RoutedCase,
    settings: Settings,
    ticketId: string,
    number: number,
  ): Promise<void> {
    const { decision } = routed;
    const assigneeId = resolveAssignee(decision.assignee, number);
    const clock = planClock(
      freshClock(item.stage, item.platformDeadlineAt),
      settings.book,
      decision.severity,
      this.config.slaTimeScale,
      Date.now(),
    );
    await this.tickets.place(manager, ticketId, assigneeId, clock);
    const base = { tenantId: connection.tenantId, ticketId };
    await this.tickets.appendTimeline(
      [
        {
          ...base,
          type: 'routing.applied',
          actorType: 'automation',
          data: {
            category: decision.category,
            categorySource: decision.categorySource,
            keywords: decision.categoryKeywords,
            severity: decision.severity,
            severityReasons: decision.severityReasons,
            department: decision.department,
            tags: decision.tags,
            assigneeId,
            rules: decision.matched,
            sla: slaView(clock),
          },
        },
      ],
      manager,
    );
    if (assigneeId !== null) {
      await this.outbox.emit(
        [
          {
            ...base,
            type: 'ticket.assigned',
            data: {
              ticketId,
              externalId: item.externalId,
              platform: connection.platform,
              connectionId: connection.id,
              assigneeId,
              by: 'automation',
            },
          },
        ],
        manager,
      );
    }
    this.sla.schedule(ticketId, clock);
    const joined = await this.incidents.tally(
      manager,
      {
        tenantId: connection.tenantId,
        ticketId,
        raisedAt: item.externalCreatedAt,
        skus: distinctSkus(item.items.map((line) => line.sku)),
      },
      settings.router,
    );
    for (const id of joined) await this.reevaluate(manager, id, settings, null, 'incident');
  }

  /**
   * Classification, routing and the SLA clock recomputed for a stored ticket, without undoing agents'
   * choices. After an upstream change the category comes from the adapter (`platformCategory`) or the text
   * again; an incident keeps the stored one.
   */
  private async reevaluate(
    manager: EntityManager,
    ticketId: string,
    settings: Settings,
    platformCategory: TicketCategory | null,
    trigger: Trigger,
  ): Promise<void> {
    const ticket = await this.tickets.findById(ticketId, { manager, lock: true });
    if (!ticket) return;
    const category = trigger === 'incident' ? ticket.category : platformCategory;
    const decision = settings.router.decide(ticketFacts(ticket, category));
    const clock = ticket.clock;
    const escalated = clock.alerts.first_response === 'breached' || clock.alerts.resolution === 'breached';
    const changes = reconcile(
      {
        category: ticket.category,
        severity: ticket.severity,
        department: ticket.department,
        tags: ticket.tags,
        assigneeId: ticket.assigneeId,
        manualFields: ticket.manualFields,
        escalated,
      },
      decision,
      ticket.number,
    );
    const severity = changes.severity ?? ticket.severity;
    const policy = escalated && clock.policy !== null ? clock.policy : severity;
    const planned = planClock(clock, settings.book, policy, this.config.slaTimeScale, Date.now());
    const slaMoved = planned.policy !== clock.policy || !sameSchedule(planned.schedule, clock.schedule);
    const nextCheckAt = clockSummary(planned).nextCheckAt?.getTime() ?? null;
    const routingChanged = Object.keys(changes).length > 0;
    if (!routingChanged && !slaMoved && nextCheckAt === (ticket.slaNextCheckAt?.getTime() ?? null)) return;
    const version = await this.tickets.applyRouting(
      manager,
      ticket.id,
      {
        category: changes.category ?? ticket.category,
        severity,
        department: changes.department ?? ticket.department,
        tags: changes.tags ?? ticket.tags,
        assigneeId: changes.assigneeId ?? ticket.assigneeId,
      },
      planned,
      trigger === 'incident',
    );
    if (routingChanged || slaMoved) {
      await this.record(manager, ticket, decision, changes, slaMoved ? planned : null, trigger, version);
    }
    this.sla.schedule(ticket.id, planned);
  }

  private async record(
    manager: EntityManager,
    ticket: Ticket,
    decision: RoutingDecision,
    changes: RoutingChanges,
    rescheduled: StoredClock | null,
    trigger: Trigger,
    version: number,
  ): Promise<void> {
    const base = { tenantId: ticket.tenantId, ticketId: ticket.id };
    const previous: Record<keyof RoutingChanges, unknown> = {
      category: ticket.category,
      severity: ticket.severity,
      department: ticket.department,
      tags: ticket.tags,
      assigneeId: ticket.assigneeId,
    };
    const changed = Object.fromEntries(
      Object.entries(changes).map(([field, to]) => [
        field,
        { from: previous[field as keyof RoutingChanges], to },
      ]),
    );
    await this.tickets.appendTimeline(
      [
        {
          ...base,
          type: 'routing.reevaluated',
          actorType: 'automation',
          data: {
            trigger,
            changes: changed,
            rules: decision.matched,
            severityReasons: decision.severityReasons,
            ...(rescheduled ? { sla: slaView(rescheduled) } : {}),
          },
        },
      ],
      manager,
    );
    const ticketRef = {
      ticketId: ticket.id,
      externalId: ticket.externalId,
      platform: ticket.platform,
      connectionId: ticket.connectionId,
    };
    const events: DomainEvent[] = [];
    if (changes.assigneeId !== undefined) {
      events.push({
        ...base,
        type: 'ticket.assigned',
        data: { ...ticketRef, assigneeId: changes.assigneeId, by: 'automation' },
      });
    }
    if (trigger === 'incident') {
      events.push({ ...base, type: 'ticket.updated', data: { ...ticketRef, version, by: 'automation' } });
    }
    await this.outbox.emit(events, manager);
  }
}
