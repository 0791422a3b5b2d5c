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
import { caseFacts, distinctSkus, RoutingService } from '../routing/routing.service';
import type { SlaPolicyBook } from '../sla/sla-clock';
import { SlaPoliciesService } from '../sla/sla-policies.service';
import { SlaService, type SlaTimer } from '../sla/sla.service';
import { clockSummary, freshClock, planClock, sameSchedule, type StoredClock } from '../sla/ticket-clock';
import type { DomainEvent } from '../webhooks/domain-event.types';
import { OutboxService } from '../webhooks/outbox.service';
import { statusForStage } from './stage-status';
import { CaseStatusService, type CaseChange } from './case-status.service';
import {
  IncidentDetectionService,
  type IncidentLink,
  type TalliedTicket,
} from './incident-detection.service';
import { storableValue } from '../common/input-text';
import type { Ticket } from './ticket.model';
import {
  TicketRepository,
  type CaseUpdate,
  type NewTicket,
  type RoutingFields,
  type RoutingUpdate,
  type TimelineEntry,
  type UpsertOutcome,
} from './ticket.repository';

type CaseConnection = Pick<Connection, 'id' | 'tenantId' | 'platform'>;

/** Where a case came from: a stored push, a pull, or the re-read after one of our own actions. */
export type CaseSource =
  { type: 'push'; eventId: string } | { type: 'pull' } | { type: 'action'; actionId: string };

export interface CaseInput {
  connection: CaseConnection;
  item: NormalizedCase;
  source: CaseSource;
}

/** A written batch: one outcome per input (in input order), and what must happen once it is committed. */
export interface SyncedBatch {
  outcomes: UpsertOutcome[];
  created: { tenantId: string; ticketId: string }[];
  timers: SlaTimer[];
}

type Trigger = 'upstream' | 'incident';

/** The tenant settings cases are decided with, read once per batch. */
interface Settings {
  router: CaseRouter;
  book: SlaPolicyBook;
}

/** What a batch writes besides the tickets, in the order it is written. */
interface Effects {
  entries: TimelineEntry[];
  events: DomainEvent[];
  timers: SlaTimer[];
  /** Tickets whose status the marketplace's new stage calls to change. */
  statuses: CaseChange[];
}

/** A re-decision of a stored ticket: the routing to store and what to record if something moved. */
interface Reevaluation {
  routing: RoutingFields;
  clock: StoredClock;
  decision: RoutingDecision;
  changes: RoutingChanges;
  rescheduled: StoredClock | null;
  recorded: boolean;
}

/** A new ticket about to be inserted, with the case and decision it came from. */
interface Placement {
  input: CaseInput;
  row: NewTicket;
  decision: RoutingDecision;
}

const caseKey = (connectionId: string, externalId: string) => `${connectionId}\u0000${externalId}`;

function numericVersion(version: string | null): bigint | null {
  return version !== null && /^[0-9]{1,30}$/.test(version) ? BigInt(version) : null;
}

/** True when `a` is a newer state of the case than `b` (later update, or same second and higher version). */
function isNewer(a: NormalizedCase, b: NormalizedCase): boolean {
  const at = a.externalUpdatedAt.getTime() - b.externalUpdatedAt.getTime();
  if (at !== 0) return at > 0;
  const va = numericVersion(a.platformVersion);
  const vb = numericVersion(b.platformVersion);
  return va !== null && vb !== null && va > vb;
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

function ticketRef(ticket: Pick<Ticket, 'id' | 'externalId' | 'platform' | 'connectionId'>) {
  return {
    ticketId: ticket.id,
    externalId: ticket.externalId,
    platform: ticket.platform,
    connectionId: ticket.connectionId,
  };
}

/**
 * Case synchronisation: marketplace cases (pushed, pulled, or re-read after an action) become tickets.
 * Routing and SLA decide; a whole batch is written set-based in one transaction (tickets, timeline, outbox,
 * clocks, SKU tallies), and several states of one case in a batch collapse to the newest.
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

  async sync(connection: CaseConnection, item: NormalizedCase, source: CaseSource): Promise<UpsertOutcome> {
    const batch = await this.syncMany([{ connection, item, source }]);
    return batch.outcomes[0];
  }

  /** A batch in its own transaction, with its SLA timers set once it is committed. */
  async syncMany(inputs: CaseInput[]): Promise<SyncedBatch> {
    const batch = await this.dataSource.transaction((manager) => this.write(manager, inputs));
    this.afterCommit(batch);
    return batch;
  }

  /** Sets the batch's SLA timers; call once the transaction that `write` ran in has committed. */
  afterCommit(batch: SyncedBatch): void {
    this.sla.scheduleMany(batch.timers);
  }

  /** Writes a batch in the caller's transaction. */
  async write(manager: EntityManager, given: CaseInput[]): Promise<SyncedBatch> {
    // Platforms may send text PostgreSQL cannot store (NUL, lone surrogates); it is cleaned, not refused.
    const inputs = given.map((input) => ({ ...input, item: storableValue(input.item) }));
    const settings = await this.settingsFor(inputs);
    const newest = new Map<string, CaseInput>();
    for (const input of inputs) {
      const key = caseKey(input.connection.id, input.item.externalId);
      const seen = newest.get(key);
      if (!seen || !isNewer(seen.item, input.item)) newest.set(key, input);
    }
    const byKey = new Map<string, UpsertOutcome>();
    const effects: Effects = { entries: [], events: [], timers: [], statuses: [] };
    const created: TalliedTicket[] = [];
    let pending = [...newest.values()];
    // Two passes at most: a case another transaction inserted between our lock and our insert is an update.
    for (let pass = 0; pass < 2 && pending.length > 0; pass += 1) {
      pending = await this.writePass(manager, pending, settings, byKey, effects, created);
    }
    if (pending.length > 0) throw new Error(`could not store ${pending.length} cases`);
    await this.tickets.appendTimeline(effects.entries, manager);
    await this.outbox.emit(effects.events, manager);
    const routers = new Map([...settings].map(([tenantId, s]) => [tenantId, s.router]));
    const links = await this.incidents.tally(manager, created, routers);
    const late: Effects = { entries: [], events: [], timers: [], statuses: [] };
    await this.linkToIncidents(manager, links, settings, late);
    await this.tickets.appendTimeline(late.entries, manager);
    await this.outbox.emit(late.events, manager);
    // Few in a burst (a new case rarely starts finished): each is followed on its own.
    for (const change of effects.statuses) await this.caseStatus.follow(manager, change);
    return {
      outcomes: inputs.map((input) => {
        const outcome = byKey.get(caseKey(input.connection.id, input.item.externalId));
        if (!outcome) throw new Error(`case ${input.item.externalId} was not written`);
        return outcome;
      }),
      created: created.map((ticket) => ({ tenantId: ticket.tenantId, ticketId: ticket.ticketId })),
      timers: [...effects.timers, ...late.timers],
    };
  }

  /** Writes what it can; returns the cases that turned out to exist only after they were locked. */
  private async writePass(
    manager: EntityManager,
    cases: CaseInput[],
    settings: Map<string, Settings>,
    byKey: Map<string, UpsertOutcome>,
    effects: Effects,
    created: TalliedTicket[],
  ): Promise<CaseInput[]> {
    const stored = new Map(
      (
        await this.tickets.lockCases(
          manager,
          cases.map((input) => ({ connectionId: input.connection.id, externalId: input.item.externalId })),
        )
      ).map((ticket) => [caseKey(ticket.connectionId, ticket.externalId), ticket]),
    );
    const updates: { input: CaseInput; ticket: Ticket; decided: Reevaluation }[] = [];
    const fresh: CaseInput[] = [];
    for (const input of cases) {
      const ticket = stored.get(caseKey(input.connection.id, input.item.externalId));
      if (!ticket) {
        fresh.push(input);
        continue;
      }
      const tenant = this.settings(settings, input.connection.tenantId);
      updates.push({ input, ticket, decided: this.reevaluateUpstream(ticket, input, tenant) });
    }
    const versions = await this.tickets.updateCases(
      manager,
      updates.map(({ input, ticket, decided }): CaseUpdate => ({
        ticketId: ticket.id,
        connection: input.connection,
        item: input.item,
        acceptSameTime: input.source.type === 'action',
        routing: decided.routing,
        clock: decided.clock,
      })),
    );
    for (const { input, ticket, decided } of updates) {
      const key = caseKey(input.connection.id, input.item.externalId);
      const version = versions.get(ticket.id);
      if (version === undefined) {
        byKey.set(key, { outcome: 'stale', ticketId: ticket.id });
        continue;
      }
      byKey.set(key, {
        outcome: 'updated',
        ticketId: ticket.id,
        number: ticket.number,
        version,
        previousStage: ticket.stage,
      });
      this.recordUpstreamChange(ticket, input, version, decided, effects);
      if (statusForStage(input.item.stage, ticket.status) !== ticket.status) {
        effects.statuses.push(this.statusChange(ticket.id, input));
      }
    }
    const placed = await this.placeNew(manager, fresh, settings);
    const inserted = new Map(
      (
        await this.tickets.insertCases(
          manager,
          placed.map((placement) => placement.row),
        )
      ).map((row) => [caseKey(row.connectionId, row.externalId), row]),
    );
    const raced: CaseInput[] = [];
    for (const placement of placed) {
      const { input } = placement;
      const key = caseKey(input.connection.id, input.item.externalId);
      const row = inserted.get(key);
      if (!row) {
        raced.push(input);
        continue;
      }
      byKey.set(key, { outcome: 'created', ticketId: row.id, number: row.number, version: row.version });
      this.recordCreated(row.id, placement, effects);
      if (statusForStage(input.item.stage, 'new') !== 'new')
        effects.statuses.push(this.statusChange(row.id, input));
      created.push({
        tenantId: input.connection.tenantId,
        ticketId: row.id,
        raisedAt: input.item.externalCreatedAt,
        skus: distinctSkus(input.item.items.map((line) => line.sku)),
      });
    }
    return raced;
  }

  private statusChange(ticketId: string, input: CaseInput): CaseChange {
    return {
      tenantId: input.connection.tenantId,
      ticketId,
      stage: input.item.stage,
      externalUpdatedAt: input.item.externalUpdatedAt,
    };
  }

  /** New tickets: numbers from each tenant's sequence, then assignee and a started clock. */
  private async placeNew(
    manager: EntityManager,
    cases: CaseInput[],
    settings: Map<string, Settings>,
  ): Promise<Placement[]> {
    const byTenant = new Map<string, CaseInput[]>();
    for (const input of cases) {
      const list = byTenant.get(input.connection.tenantId) ?? [];
      list.push(input);
      byTenant.set(input.connection.tenantId, list);
    }
    const now = Date.now();
    const placed: Placement[] = [];
    for (const [tenantId, list] of byTenant) {
      const tenant = this.settings(settings, tenantId);
      const numbers = await this.tickets.allocateNumbers(manager, tenantId, list.length);
      list.forEach((input, index) => {
        const decision = tenant.router.decide(caseFacts(input.connection, input.item));
        const number = numbers[index];
        const row: NewTicket = {
          connection: input.connection,
          item: input.item,
          number,
          routing: {
            category: decision.category,
            severity: decision.severity,
            department: decision.department,
            tags: decision.tags,
            assigneeId: resolveAssignee(decision.assignee, number),
          },
          clock: planClock(
            freshClock(input.item.stage, input.item.platformDeadlineAt),
            tenant.book,
            decision.severity,
            this.config.slaTimeScale,
            now,
          ),
        };
        placed.push({ input, row, decision });
      });
    }
    return placed;
  }

  private recordCreated(ticketId: string, placement: Placement, effects: Effects): void {
    const { connection, item, source } = placement.input;
    const { decision, row: placed } = placement;
    const base = { tenantId: connection.tenantId, ticketId };
    const ref = {
      ticketId,
      externalId: item.externalId,
      platform: connection.platform,
      connectionId: connection.id,
    };
    const data = { stage: item.stage, kind: item.kind };
    const assigneeId = placed.routing.assigneeId;
    effects.entries.push(
      { ...base, actorType: 'platform', type: 'ticket.created', data: { ...data, source: source.type } },
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
          sla: slaView(placed.clock),
        },
      },
    );
    effects.events.push({
      ...base,
      type: 'ticket.created',
      data: { ...ref, ...data, number: placed.number },
    });
    if (assigneeId !== null) {
      effects.events.push({
        ...base,
        type: 'ticket.assigned',
        data: { ...ref, assigneeId, by: 'automation' },
      });
    }
    effects.timers.push({ ticketId, clock: placed.clock });
  }

  private recordUpstreamChange(
    ticket: Ticket,
    input: CaseInput,
    version: number,
    decided: Reevaluation,
    effects: Effects,
  ): void {
    const { item, source } = input;
    const base = { tenantId: ticket.tenantId, ticketId: ticket.id };
    const ref = ticketRef(ticket);
    effects.events.push({ ...base, type: 'ticket.updated', data: { ...ref, version, by: 'platform' } });
    if (ticket.stage !== item.stage) {
      const change = { from: ticket.stage, to: item.stage };
      effects.entries.push({
        ...base,
        actorType: 'platform',
        type: 'ticket.stage_changed',
        data: { ...change, source: source.type },
      });
      effects.events.push({ ...base, type: 'ticket.stage_changed', data: { ...ref, ...change } });
    }
    this.recordReevaluation(ticket, decided, 'upstream', version, effects);
  }

  /**
   * Classification, routing and the SLA clock re-decided for a stored ticket as the upstream change will
   * leave it, without undoing agents' choices; the category comes from the adapter or the text again.
   */
  private reevaluateUpstream(ticket: Ticket, input: CaseInput, settings: Settings): Reevaluation {
    const facts = { ...caseFacts(input.connection, input.item), incident: ticket.incidentId !== null };
    const clock: StoredClock = {
      ...ticket.clock,
      stage: input.item.stage,
      platformDeadlineAt: input.item.platformDeadlineAt?.getTime() ?? null,
    };
    return this.reevaluate({ ...ticket, clock }, settings.router.decide(facts), settings);
  }

  /**
   * Tickets a group incident takes in are linked to it and become critical (the stored category stays), in
   * one statement; a ticket already linked to an incident is left as it is.
   */
  private async linkToIncidents(
    manager: EntityManager,
    links: IncidentLink[],
    settings: Map<string, Settings>,
    effects: Effects,
  ): Promise<void> {
    if (links.length === 0) return;
    const byTicket = new Map(links.map((link) => [link.ticketId, link]));
    const tickets = (await this.tickets.lockByIds(manager, [...byTicket.keys()])).filter(
      (ticket) => ticket.incidentId === null && byTicket.get(ticket.id)?.tenantId === ticket.tenantId,
    );
    const decided = tickets.map((stored) => {
      const link = byTicket.get(stored.id) as IncidentLink;
      const ticket: Ticket = { ...stored, incidentId: link.incidentId };
      const tenant = this.settings(settings, ticket.tenantId);
      const facts = ticketFacts(ticket, ticket.category);
      return { ticket, link, decided: this.reevaluate(ticket, tenant.router.decide(facts), tenant) };
    });
    // Each linked ticket is written once; only those whose routing, clock or next SLA check moved get a
    // new version.
    const updates: RoutingUpdate[] = decided.map(({ ticket, decided: d }) => ({
      ticketId: ticket.id,
      routing: d.routing,
      clock: d.clock,
      bumpVersion:
        d.recorded ||
        (clockSummary(d.clock).nextCheckAt?.getTime() ?? null) !== (ticket.slaNextCheckAt?.getTime() ?? null),
      incidentId: ticket.incidentId,
    }));
    const versions = await this.tickets.applyRouting(manager, updates);
    effects.entries.push(...decided.map(({ link }) => link.entry));
    decided.forEach(({ ticket, decided: d }, index) => {
      const version = versions.get(ticket.id);
      if (updates[index].bumpVersion && version !== undefined)
        this.recordReevaluation(ticket, d, 'incident', version, effects);
    });
  }

  private reevaluate(ticket: Ticket, decision: RoutingDecision, settings: Settings): Reevaluation {
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
    return {
      routing: {
        category: changes.category ?? ticket.category,
        severity,
        department: changes.department ?? ticket.department,
        tags: changes.tags ?? ticket.tags,
        assigneeId: changes.assigneeId ?? ticket.assigneeId,
      },
      clock: planned,
      decision,
      changes,
      rescheduled: slaMoved ? planned : null,
      recorded: Object.keys(changes).length > 0 || slaMoved,
    };
  }

  private recordReevaluation(
    ticket: Ticket,
    decided: Reevaluation,
    trigger: Trigger,
    version: number,
    effects: Effects,
  ): void {
    effects.timers.push({ ticketId: ticket.id, clock: decided.clock });
    if (!decided.recorded) return;
    const base = { tenantId: ticket.tenantId, ticketId: ticket.id };
    const ref = ticketRef(ticket);
    const previous: Record<keyof RoutingChanges, unknown> = {
      category: ticket.category,
      severity: ticket.severity,
      department: ticket.department,
      tags: ticket.tags,
      assigneeId: ticket.assigneeId,
    };
    const changed = Object.fromEntries(
      Object.entries(decided.changes).map(([field, to]) => [
        field,
        { from: previous[field as keyof RoutingChanges], to },
      ]),
    );
    effects.entries.push({
      ...base,
      type: 'routing.reevaluated',
      actorType: 'automation',
      data: {
        trigger,
        changes: changed,
        rules: decided.decision.matched,
        severityReasons: decided.decision.severityReasons,
        ...(decided.rescheduled ? { sla: slaView(decided.rescheduled) } : {}),
      },
    });
    if (decided.changes.assigneeId !== undefined) {
      effects.events.push({
        ...base,
        type: 'ticket.assigned',
        data: { ...ref, assigneeId: decided.changes.assigneeId, by: 'automation' },
      });
    }
    if (trigger === 'incident') {
      effects.events.push({ ...base, type: 'ticket.updated', data: { ...ref, version, by: 'automation' } });
    }
  }

  private async settingsFor(inputs: CaseInput[]): Promise<Map<string, Settings>> {
    const tenants = [...new Set(inputs.map((input) => input.connection.tenantId))];
    const loaded = await Promise.all(
      tenants.map(async (tenantId) => {
        const [router, book] = await Promise.all([
          this.routing.router(tenantId),
          this.slaPolicies.book(tenantId),
        ]);
        return [tenantId, { router, book }] as const;
      }),
    );
    return new Map(loaded);
  }

  private settings(settings: Map<string, Settings>, tenantId: string): Settings {
    const found = settings.get(tenantId);
    if (!found) throw new Error(`no routing settings loaded for tenant ${tenantId}`);
    return found;
  }
}
