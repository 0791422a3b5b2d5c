import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { DataSource, type EntityManager } from 'typeorm';
import type { Platform } from '../../adapters/contract';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { JobName, QueueName } from '../queue/queue.constants';
import type { TimelineEntry } from '../tickets/ticket-writer.service';
import { TicketWriter } from '../tickets/ticket-writer.service';
import {
  severityRank,
  type Department,
  type Severity,
  type TicketStatus,
} from '../tickets/ticket-vocabulary';
import type { DomainEvent } from '../webhooks/domain-event.types';
import { OutboxService } from '../webhooks/outbox.service';
import { escalate } from './escalation';
import { pendingAlerts } from './sla-clock';
import { SlaPoliciesService } from './sla-policies.service';
import type { SlaAlert, SlaTarget } from './sla-policy.types';
import {
  CLOCK_COLUMNS,
  clockAssignments,
  clockFromRow,
  clockState,
  clockSummary,
  clockValues,
  nextAlert,
  transitionClock,
  type ClockRow,
  type StoredClock,
} from './ticket-clock';
import { recordSlaAlert } from '../operations/hub-metrics';

export interface SlaCheckJob {
  ticketId: string;
}

interface EvaluatedRow extends ClockRow {
  id: string;
  tenant_id: string;
  number: string;
  external_id: string;
  platform: Platform;
  connection_id: string;
  severity: Severity;
  department: Department;
  sla_next_check_at: Date | null;
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
    private readonly writer: TicketWriter,
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
    const rows = (await manager.query(
      `SELECT t.tenant_id, ${CLOCK_COLUMNS} FROM tickets t WHERE t.id = $1 FOR UPDATE`,
      [ticketId],
    )) as (ClockRow & { tenant_id: string })[];
    const row = rows[0];
    if (!row) return;
    const book = await this.policies.book(row.tenant_id);
    const clock = transitionClock(clockFromRow(row), from, to, at.getTime(), book, this.config.slaTimeScale);
    await manager.query(`UPDATE tickets SET ${clockAssignments(2)} WHERE id = $1`, [
      ticketId,
      ...clockValues(clock),
    ]);
    this.schedule(ticketId, clock);
  }

  /** Stops the first-response clock at the first reply or decision by an agent or automation; in the caller's transaction. */
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

  /**
   * Raises every warning and breach that is due and not yet raised, escalating on each breach. The update is
   * conditional on the alerts it read, so a timer and the sweep racing for one ticket raise each alert once.
   */
  async evaluate(ticketId: string): Promise<void> {
    const now = Date.now();
    const clock = await this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `SELECT t.id, t.tenant_id, t.number, t.external_id, t.platform, t.connection_id, t.severity, t.department,
           t.sla_next_check_at, ${CLOCK_COLUMNS}
         FROM tickets t WHERE t.id = $1 FOR UPDATE`,
        [ticketId],
      )) as EvaluatedRow[];
      const row = rows[0];
      if (!row) return null;
      return this.raiseDueAlerts(manager, row, now);
    });
    if (clock) this.schedule(ticketId, clock);
  }

  /** Finds clocks whose next warning or breach is overdue (a timer lost with Redis or a dead worker). */
  async sweep(): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM tickets WHERE sla_next_check_at <= $1 ORDER BY sla_next_check_at LIMIT $2`,
      [new Date(), SWEEP_BATCH],
    )) as { id: string }[];
    for (const { id } of rows) await this.evaluate(id);
    return rows.length;
  }

  private async raiseDueAlerts(
    manager: EntityManager,
    row: EvaluatedRow,
    now: number,
  ): Promise<StoredClock | null> {
    const clock = clockFromRow(row);
    const state = clockState(clock);
    const due = state ? pendingAlerts(state).filter((alert) => alert.at <= now) : [];
    if (due.length === 0) {
      const nextAt = nextAlert(clock)?.at ?? null;
      if (nextAt !== (row.sla_next_check_at?.getTime() ?? null)) {
        await manager.query(`UPDATE tickets SET sla_next_check_at = $2 WHERE id = $1`, [
          row.id,
          nextAt === null ? null : new Date(nextAt),
        ]);
      }
      return clock;
    }
    const alerts: Record<SlaTarget, SlaAlert> = { ...clock.alerts };
    let { severity, department } = row;
    const base = { tenantId: row.tenant_id, ticketId: row.id };
    const ticketRef = {
      ticketId: row.id,
      number: Number(row.number),
      externalId: row.external_id,
      platform: row.platform,
      connectionId: row.connection_id,
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
    const updated = (await manager.query(
      `UPDATE tickets SET sla_first_response_alert = $2, sla_resolution_alert = $3, sla_state = $4, sla_next_check_at = $5,
         severity = $6, severity_rank = $7, department = $8, updated_at = now(), version = version + 1
       WHERE id = $1 AND sla_first_response_alert = $9 AND sla_resolution_alert = $10
       RETURNING version`,
      [
        row.id,
        raised.alerts.first_response,
        raised.alerts.resolution,
        summary.state,
        summary.nextCheckAt,
        severity,
        severityRank(severity),
        department,
        clock.alerts.first_response,
        clock.alerts.resolution,
      ],
    )) as [{ version: number }[], number];
    if (updated[1] === 0) return null;
    for (const alert of due) recordSlaAlert(alert.target, alert.kind);
    // The alert changed the ticket (SLA state, and on a breach its severity and department), so subscribers
    // that mirror tickets hear it as an update too, with the version they must now hold.
    events.push({
      ...base,
      type: 'ticket.updated',
      data: {
        ...ticketRef,
        version: updated[0][0].version,
        by: 'sla',
        changes: { slaState: summary.state, severity, department },
      },
    });
    await this.writer.appendTimeline(entries, manager);
    await this.outbox.emit(events, manager);
    return raised;
  }
}
