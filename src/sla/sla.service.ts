import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { JobName, QueueName } from '../queue/queue.constants';
import type { Ticket } from '../tickets/ticket.model';
import { TicketRepository, type TimelineEntry } from '../tickets/ticket.repository';
import type { TicketStatus } from '../tickets/ticket-vocabulary';
import type { DomainEvent } from '../webhooks/domain-event.types';
import { OutboxService } from '../webhooks/outbox.service';
import { escalate } from './escalation';
import { pendingAlerts } from './sla-clock';
import { SlaPoliciesService } from './sla-policies.service';
import type { SlaAlert, SlaTarget } from './sla-policy.types';
import { clockState, clockSummary, nextAlert, transitionClock, type StoredClock } from './ticket-clock';
import { recordSlaAlert } from '../operations/hub-metrics';

export interface SlaCheckJob {
  ticketId: string;
}

/** A clock just written for a ticket, whose next warning or breach needs a timer. */
export interface SlaTimer {
  ticketId: string;
  clock: StoredClock;
}

const SWEEP_BATCH = 500;

/**
 * The SLA clock of each ticket: pauses and stops it as the workflow moves, and raises each warning and breach
 * exactly once, from a delayed job or, when a timer was lost, from the periodic sweep.
 */
@Injectable()
export class SlaService {
  private readonly logger = new Logger(SlaService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QueueName.Sla) private readonly queue: Queue<SlaCheckJob>,
    private readonly policies: SlaPoliciesService,
    private readonly tickets: TicketRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** Pauses the clock on entering `pending`, resumes it on leaving, stops it on `solved`/`closed`, restarts it on reopen; in the caller's transaction. */
  async onStatusChanged(
    manager: EntityManager,
    ticketId: string,
    from: TicketStatus,
    to: TicketStatus,
    at: Date,
  ): Promise<void> {
    const ticket = await this.tickets.findById(ticketId, { manager, lock: true });
    if (!ticket) return;
    const book = await this.policies.book(ticket.tenantId);
    const clock = transitionClock(ticket.clock, from, to, at.getTime(), book, this.config.slaTimeScale);
    await this.tickets.saveClock(manager, ticketId, clock);
    this.schedule(ticketId, clock);
  }

  /** Stops the first-response clock at the first reply or decision by an agent or automation; in the caller's transaction. */
  async recordFirstResponse(manager: EntityManager, ticketId: string, at: Date): Promise<void> {
    await this.tickets.recordFirstResponse(manager, ticketId, at);
  }

  /**
   * Sets a timer for the clock's next warning or breach. Not awaited: a timer that fails to reach Redis,
   * or fires before the caller's transaction commits, is picked up by the sweep instead.
   */
  schedule(ticketId: string, clock: StoredClock): void {
    const next = nextAlert(clock);
    if (!next) return;
    this.queue
      .add(
        JobName.CheckSla,
        { ticketId },
        {
          jobId: `sla:${ticketId}:${next.target}:${next.kind}:${next.at}`,
          delay: Math.max(0, next.at - Date.now()),
        },
      )
      .catch((error: unknown) =>
        this.logger.warn(`SLA timer for ${ticketId} left to the sweep: ${(error as Error).message}`),
      );
  }

  /** `schedule` for a whole batch, with one round trip to Redis. */
  scheduleMany(timers: SlaTimer[]): void {
    const jobs = timers.flatMap(({ ticketId, clock }) => {
      const next = nextAlert(clock);
      if (!next) return [];
      return [
        {
          name: JobName.CheckSla,
          data: { ticketId },
          opts: {
            jobId: `sla:${ticketId}:${next.target}:${next.kind}:${next.at}`,
            delay: Math.max(0, next.at - Date.now()),
          },
        },
      ];
    });
    if (jobs.length === 0) return;
    this.queue
      .addBulk(jobs)
      .catch((error: unknown) =>
        this.logger.warn(`${jobs.length} SLA timers left to the sweep: ${(error as Error).message}`),
      );
  }

  /**
   * Raises every warning and breach that is due and not yet raised, escalating on each breach. The update is
   * conditional on the alerts it read, so a timer and the sweep racing for one ticket raise each alert once.
   */
  async evaluate(ticketId: string): Promise<void> {
    const now = Date.now();
    const clock = await this.dataSource.transaction(async (manager) => {
      const ticket = await this.tickets.findById(ticketId, { manager, lock: true });
      if (!ticket) return null;
      return this.raiseDueAlerts(manager, ticket, now);
    });
    if (clock) this.schedule(ticketId, clock);
  }

  /** Finds clocks whose next warning or breach is overdue (a timer lost with Redis or a dead worker). */
  async sweep(): Promise<number> {
    const due = await this.tickets.dueForSlaCheck(new Date(), SWEEP_BATCH);
    for (const id of due) await this.evaluate(id);
    return due.length;
  }

  private async raiseDueAlerts(
    manager: EntityManager,
    row: Ticket,
    now: number,
  ): Promise<StoredClock | null> {
    const clock = row.clock;
    const state = clockState(clock);
    const due = state ? pendingAlerts(state).filter((alert) => alert.at <= now) : [];
    if (due.length === 0) {
      const nextAt = nextAlert(clock)?.at ?? null;
      if (nextAt !== (row.slaNextCheckAt?.getTime() ?? null)) {
        await this.tickets.setNextSlaCheck(manager, row.id, nextAt === null ? null : new Date(nextAt));
      }
      return clock;
    }
    const alerts: Record<SlaTarget, SlaAlert> = { ...clock.alerts };
    let { severity, department } = row;
    const base = { tenantId: row.tenantId, ticketId: row.id };
    const ticketRef = {
      ticketId: row.id,
      number: row.number,
      externalId: row.externalId,
      platform: row.platform,
      connectionId: row.connectionId,
    };
    const entries: TimelineEntry[] = [];
    const events: DomainEvent[] = [];
    for (const alert of due) {
      const times = clock.schedule?.[alert.target];
      const timing = {
        target: alert.target,
        warnAt: new Date(times?.warnAt ?? alert.at),
        dueAt: new Date(times?.dueAt ?? alert.at),
      };
      if (alert.kind === 'warning') {
        alerts[alert.target] = 'warning';
        entries.push({ ...base, type: 'sla.warning', actorType: 'system', data: timing });
        events.push({ ...base, type: 'ticket.sla_warning', data: { ...ticketRef, ...timing } });
        continue;
      }
      alerts[alert.target] = 'breached';
      const escalated = escalate(severity, department, 1);
      const escalation = {
        severity: { from: severity, to: escalated.severity },
        department: { from: department, to: escalated.department },
      };
      ({ severity, department } = escalated);
      entries.push({ ...base, type: 'sla.breached', actorType: 'system', data: { ...timing, escalation } });
      events.push({
        ...base,
        type: 'ticket.sla_breached',
        data: { ...ticketRef, ...timing, severity, department },
      });
    }
    const raised: StoredClock = { ...clock, alerts };
    const summary = clockSummary(raised);
    const version = await this.tickets.raiseSlaAlerts(
      manager,
      row.id,
      { alerts: raised.alerts, state: summary.state, nextCheckAt: summary.nextCheckAt, severity, department },
      clock.alerts,
    );
    if (version === null) return null;
    for (const alert of due) recordSlaAlert(alert.target, alert.kind);
    // The alert changed the ticket (SLA state, and on a breach its severity and department), so subscribers
    // that mirror tickets hear it as an update too, with the version they must now hold.
    events.push({
      ...base,
      type: 'ticket.updated',
      data: {
        ...ticketRef,
        version,
        by: 'sla',
        changes: { slaState: summary.state, severity, department },
      },
    });
    await this.tickets.appendTimeline(entries, manager);
    await this.outbox.emit(events, manager);
    return raised;
  }
}
