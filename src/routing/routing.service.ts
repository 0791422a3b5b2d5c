import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type {
  MinorMoney,
  NormalizedCase,
  Platform,
  TicketCategory,
  TicketKind,
} from '../../adapters/contract';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import type { Connection } from '../connections/connection.entity';
import type { SlaPolicyBook } from '../sla/sla-clock';
import { SlaPoliciesService } from '../sla/sla-policies.service';
import { SlaService } from '../sla/sla.service';
import {
  CLOCK_COLUMNS,
  clockAssignments,
  clockFromRow,
  clockSummary,
  clockValues,
  freshClock,
  planClock,
  sameSchedule,
  type ClockRow,
  type StoredClock,
} from '../sla/ticket-clock';
import type { StoredItem } from '../tickets/ticket.entity';
import {
  TicketWriter,
  type InitialTriage,
  type TimelineEntry,
  type UpsertOutcome,
} from '../tickets/ticket-writer.service';
import { severityRank, type Department, type Severity } from '../tickets/ticket-vocabulary';
import type { DomainEvent } from '../webhooks/domain-event.types';
import { OutboxService } from '../webhooks/outbox.service';
import { resolveAssignee, type CaseFacts, type CaseRouter, type RoutingDecision } from './case-router';
import { reconcile, type RoutingChanges } from './reconcile';
import { RoutingRulesService } from './routing-rules.service';

type CaseConnection = Pick<Connection, 'id' | 'tenantId' | 'platform'>;

/** A case classified and routed before it is written, with the tenant settings that decided it. */
export interface RoutedCase {
  triage: InitialTriage;
  decision: RoutingDecision;
  router: CaseRouter;
  book: SlaPolicyBook;
}

interface TicketRow extends ClockRow {
  id: string;
  tenant_id: string;
  number: string;
  platform: Platform;
  connection_id: string;
  external_id: string;
  kind: TicketKind;
  reason: string | null;
  category: TicketCategory;
  severity: Severity;
  department: Department;
  tags: string[];
  assignee_id: string | null;
  manual_fields: string[];
  requested_amount_minor: string | null;
  requested_currency: string | null;
  refunded_amount_minor: string | null;
  refunded_currency: string | null;
  buyer_vip: boolean;
  items: StoredItem[];
  incident_id: string | null;
  sla_next_check_at: Date | null;
}

type Trigger = 'upstream' | 'incident';

/** Sorted, so transactions touching several SKUs lock their activity rows in one order. */
function distinctSkus(skus: (string | null)[]): string[] {
  return [...new Set(skus.filter((sku): sku is string => sku !== null && sku.length > 0))].sort();
}

function caseFacts(connection: CaseConnection, item: NormalizedCase): CaseFacts {
  return {
    platform: connection.platform,
    connectionId: connection.id,
    kind: item.kind,
    stage: item.stage,
    reason: item.reason,
    platformCategory: item.category,
    amount: item.requestedAmount ?? item.refundedAmount,
    vip: item.buyer?.vip ?? false,
    skus: distinctSkus(item.items.map((line) => line.sku)),
    incident: false,
  };
}

function rowMoney(amountMinor: string | null, currency: string | null): MinorMoney | null {
  return amountMinor === null || currency === null ? null : { amountMinor: Number(amountMinor), currency };
}

function rowFacts(row: TicketRow, platformCategory: TicketCategory | null): CaseFacts {
  return {
    platform: row.platform,
    connectionId: row.connection_id,
    kind: row.kind,
    stage: row.stage,
    reason: row.reason,
    platformCategory,
    amount:
      rowMoney(row.requested_amount_minor, row.requested_currency) ??
      rowMoney(row.refunded_amount_minor, row.refunded_currency),
    vip: row.buyer_vip,
    skus: distinctSkus(row.items.map((line) => line.sku)),
    incident: row.incident_id !== null,
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
 * Classification, routing, SLA clocks and group incidents on the ingest path. Rules and policies come from
 * short-lived caches; a new ticket costs two statements (its clock with the SKU tally, and the timeline).
 */
@Injectable()
export class RoutingService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly rules: RoutingRulesService,
    private readonly slaPolicies: SlaPoliciesService,
    private readonly sla: SlaService,
    private readonly writer: TicketWriter,
    private readonly outbox: OutboxService,
  ) {}

  async route(connection: CaseConnection, item: NormalizedCase): Promise<RoutedCase> {
    const [router, book] = await Promise.all([
      this.rules.router(connection.tenantId),
      this.slaPolicies.book(connection.tenantId),
    ]);
    const decision = router.decide(caseFacts(connection, item));
    const { category, severity, department, tags } = decision;
    return { triage: { category, severity, department, tags }, decision, router, book };
  }

  /**
   * In the transaction that wrote the ticket: a new ticket gets its assignee, SLA clock and routing entry,
   * and may complete a group incident; an upstream change re-evaluates it without undoing agents' choices.
   */
  async settle(
    connection: CaseConnection,
    item: NormalizedCase,
    routed: RoutedCase,
    outcome: UpsertOutcome,
    manager: EntityManager,
  ): Promise<void> {
    switch (outcome.outcome) {
      case 'created':
        await this.place(connection, item, routed, outcome.ticketId, outcome.number, manager);
        return;
      case 'updated':
        await this.reevaluate(manager, outcome.ticketId, routed, item.category, 'upstream');
        return;
      case 'stale':
        return;
    }
  }

  private async place(
    connection: CaseConnection,
    item: NormalizedCase,
    routed: RoutedCase,
    ticketId: string,
    number: number,
    manager: EntityManager,
  ): Promise<void> {
    const { decision, router, book } = routed;
    const now = Date.now();
    const assigneeId = resolveAssignee(decision.assignee, number);
    const clock = planClock(
      freshClock(item.stage, item.platformDeadlineAt),
      book,
      decision.severity,
      this.config.slaTimeScale,
      now,
    );
    const since = now - router.incidentWindowMs;
    const raisedAt = Math.min(item.externalCreatedAt.getTime(), now);
    const skus = raisedAt > since ? distinctSkus(item.items.map((line) => line.sku)) : [];
    // One statement: the assignee and clock, and this ticket added to the recent tickets of each of its SKUs,
    // keeping per SKU only the latest `incidentTickets` within the window; the row lock serialises the tally.
    const activity = (await manager.query(
      `WITH placed AS (
         UPDATE tickets SET assignee_id = coalesce($2, assignee_id), ${clockAssignments(8)} WHERE id = $1
       )
       INSERT INTO sku_activity AS a (tenant_id, sku, ticket_ids, raised_at)
       SELECT $3, sku, ARRAY[$1::uuid], ARRAY[$4::timestamptz] FROM unnest($5::text[]) AS sku
       ON CONFLICT (tenant_id, sku) DO UPDATE SET
         (ticket_ids, raised_at) = (
           SELECT coalesce(array_agg(recent.id ORDER BY recent.at), '{}'), coalesce(array_agg(recent.at ORDER BY recent.at), '{}')
           FROM (
             SELECT u.id, u.at FROM unnest(a.ticket_ids || EXCLUDED.ticket_ids, a.raised_at || EXCLUDED.raised_at) AS u(id, at)
             WHERE u.at > $6 ORDER BY u.at DESC LIMIT $7
           ) recent
         ),
         updated_at = now()
       RETURNING sku, ticket_ids::text[] AS ticket_ids`,
      [
        ticketId,
        assigneeId,
        connection.tenantId,
        new Date(raisedAt),
        skus,
        new Date(since),
        router.incidentTickets,
        ...clockValues(clock),
      ],
    )) as { sku: string; ticket_ids: string[] }[];
    const base = { tenantId: connection.tenantId, ticketId };
    await this.writer.appendTimeline(
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
    for (const { sku, ticket_ids: ticketIds } of activity) {
      if (ticketIds.length >= router.incidentTickets) {
        await this.declareIncident(manager, connection.tenantId, sku, ticketIds, ticketId, routed);
      }
    }
  }

  /**
   * A group incident on a SKU: the tickets of the burst become critical, and one `ticket.incident_detected`
   * is emitted per SKU and window; later tickets in the same window join it quietly. Callers hold the SKU's
   * activity row lock, so two transactions cannot both declare one.
   */
  private async declareIncident(
    manager: EntityManager,
    tenantId: string,
    sku: string,
    burst: string[],
    ticketId: string,
    routed: RoutedCase,
  ): Promise<void> {
    const now = new Date();
    const active = (await manager.query(
      `SELECT id FROM sku_incidents WHERE tenant_id = $1 AND sku = $2 AND window_ends_at > $3
       ORDER BY window_ends_at DESC LIMIT 1`,
      [tenantId, sku, now],
    )) as { id: string }[];
    let incidentId: string;
    let members: string[];
    if (active[0]) {
      incidentId = active[0].id;
      members = [ticketId];
      await manager.query(
        `UPDATE sku_incidents SET ticket_ids = array_append(ticket_ids, $2::uuid)
         WHERE id = $1 AND NOT ($2::uuid = ANY (ticket_ids))`,
        [incidentId, ticketId],
      );
    } else {
      const inserted = (await manager.query(
        `INSERT INTO sku_incidents (tenant_id, sku, ticket_ids, detected_at, window_ends_at)
         VALUES ($1, $2, $3::uuid[], $4, $5) RETURNING id`,
        [tenantId, sku, burst, now, new Date(now.getTime() + routed.router.incidentWindowMs)],
      )) as { id: string }[];
      incidentId = inserted[0].id;
      members = burst;
      await this.outbox.emit(
        [
          {
            tenantId,
            ticketId,
            type: 'ticket.incident_detected',
            data: {
              incidentId,
              sku,
              ticketIds: burst,
              tickets: burst.length,
              windowMinutes: routed.router.incidentWindowMs / 60_000,
              detectedAt: now,
            },
          },
        ],
        manager,
      );
    }
    const [attached] = (await manager.query(
      `UPDATE tickets SET incident_id = $1 WHERE id = ANY ($2::uuid[]) AND tenant_id = $3 AND incident_id IS NULL
       RETURNING id`,
      [incidentId, members, tenantId],
    )) as [{ id: string }[], number];
    await this.writer.appendTimeline(
      attached.map(({ id }) => ({
        tenantId,
        ticketId: id,
        type: active[0] ? 'incident.joined' : 'incident.detected',
        actorType: 'automation' as const,
        data: { incidentId, sku, tickets: burst.length },
      })),
      manager,
    );
    for (const { id } of attached) await this.reevaluate(manager, id, routed, null, 'incident');
  }

  /**
   * Classification, routing and the SLA clock recomputed for a stored ticket. After an upstream change the
   * category comes from the adapter (`platformCategory`) or the text again; an incident keeps the stored one.
   */
  private async reevaluate(
    manager: EntityManager,
    ticketId: string,
    routed: RoutedCase,
    platformCategory: TicketCategory | null,
    trigger: Trigger,
  ): Promise<void> {
    const rows = (await manager.query(
      `SELECT t.id, t.tenant_id, t.number, t.platform, t.connection_id, t.external_id, t.kind, t.reason, t.category,
         t.severity, t.department, t.tags, t.assignee_id, t.manual_fields, t.requested_amount_minor,
         t.requested_currency, t.refunded_amount_minor, t.refunded_currency, t.buyer_vip, t.items, t.incident_id,
         t.sla_next_check_at, ${CLOCK_COLUMNS}
       FROM tickets t WHERE t.id = $1 FOR UPDATE`,
      [ticketId],
    )) as TicketRow[];
    const row = rows[0];
    if (!row) return;
    const category = trigger === 'incident' ? row.category : platformCategory;
    const decision = routed.router.decide(rowFacts(row, category));
    const clock = clockFromRow(row);
    const escalated = clock.alerts.first_response === 'breached' || clock.alerts.resolution === 'breached';
    const changes = reconcile(
      {
        category: row.category,
        severity: row.severity,
        department: row.department,
        tags: row.tags,
        assigneeId: row.assignee_id,
        manualFields: row.manual_fields,
        escalated,
      },
      decision,
      Number(row.number),
    );
    const severity = changes.severity ?? row.severity;
    const policy = escalated && clock.policy !== null ? clock.policy : severity;
    const planned = planClock(clock, routed.book, policy, this.config.slaTimeScale, Date.now());
    const slaMoved = planned.policy !== clock.policy || !sameSchedule(planned.schedule, clock.schedule);
    const nextCheckAt = clockSummary(planned).nextCheckAt?.getTime() ?? null;
    const routingChanged = Object.keys(changes).length > 0;
    if (!routingChanged && !slaMoved && nextCheckAt === (row.sla_next_check_at?.getTime() ?? null)) return;
    const [updated] = (await manager.query(
      `UPDATE tickets SET category = $2, severity = $3, severity_rank = $4, department = $5, tags = $6,
         assignee_id = $7, ${clockAssignments(9)}, updated_at = now(), version = version + $8
       WHERE id = $1 RETURNING version`,
      [
        row.id,
        changes.category ?? row.category,
        severity,
        severityRank(severity),
        changes.department ?? row.department,
        changes.tags ?? row.tags,
        changes.assigneeId ?? row.assignee_id,
        trigger === 'incident' ? 1 : 0,
        ...clockValues(planned),
      ],
    )) as [{ version: number }[], number];
    if (routingChanged || slaMoved) {
      await this.record(
        manager,
        row,
        decision,
        changes,
        slaMoved ? planned : null,
        trigger,
        updated[0].version,
      );
    }
    this.sla.schedule(row.id, planned);
  }

  private async record(
    manager: EntityManager,
    row: TicketRow,
    decision: RoutingDecision,
    changes: RoutingChanges,
    rescheduled: StoredClock | null,
    trigger: Trigger,
    version: number,
  ): Promise<void> {
    const base = { tenantId: row.tenant_id, ticketId: row.id };
    const previous: Record<keyof RoutingChanges, unknown> = {
      category: row.category,
      severity: row.severity,
      department: row.department,
      tags: row.tags,
      assigneeId: row.assignee_id,
    };
    const changed = Object.fromEntries(
      Object.entries(changes).map(([field, to]) => [
        field,
        { from: previous[field as keyof RoutingChanges], to },
      ]),
    );
    const entry: TimelineEntry = {
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
    };
    await this.writer.appendTimeline([entry], manager);
    const ticketRef = {
      ticketId: row.id,
      externalId: row.external_id,
      platform: row.platform,
      connectionId: row.connection_id,
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
