import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TicketStage } from '../../adapters/contract';
import { SlaService } from '../sla/sla.service';
import { OutboxService } from '../webhooks/outbox.service';
import { statusForStage } from './stage-status';
import { TicketWriter } from './ticket-writer.service';
import type { TicketStatus } from './ticket-vocabulary';

export interface CaseChange {
  tenantId: string;
  ticketId: string;
  stage: TicketStage;
  /** When the platform made the change; an agent's hand-set status newer than this stands. */
  externalUpdatedAt: Date;
}

/** Applies the stage → status mapping after every upstream change, in the transaction that stored it. */
@Injectable()
export class CaseStatusService {
  constructor(
    private readonly writer: TicketWriter,
    private readonly outbox: OutboxService,
    private readonly sla: SlaService,
  ) {}

  async follow(manager: EntityManager, change: CaseChange): Promise<void> {
    const rows = (await manager.query(
      `SELECT status, status_set_by_agent_at FROM tickets WHERE id = $1 FOR UPDATE`,
      [change.ticketId],
    )) as { status: TicketStatus; status_set_by_agent_at: Date | null }[];
    const current = rows[0];
    if (!current) return;
    const target = statusForStage(change.stage, current.status);
    if (target === current.status) return;
    const base = { tenantId: change.tenantId, ticketId: change.ticketId };
    if (current.status_set_by_agent_at && current.status_set_by_agent_at >= change.externalUpdatedAt) {
      await this.writer.appendTimeline(
        [
          {
            ...base,
            type: 'ticket.status_kept',
            actorType: 'platform',
            data: {
              status: current.status,
              platformStage: change.stage,
              platformWouldSet: target,
              reason: 'an agent set the status after this change on the platform',
            },
          },
        ],
        manager,
      );
      return;
    }
    const [updated] = (await manager.query(
      `UPDATE tickets SET status = $2,
         solved_at = CASE WHEN $2 = 'solved' AND status <> 'solved' THEN now() WHEN $2 IN ('open', 'pending') THEN NULL ELSE solved_at END,
         csat_requested_at = CASE WHEN $2 = 'solved' AND status <> 'solved' THEN NULL ELSE csat_requested_at END,
         updated_at = now(), version = version + 1
       WHERE id = $1 RETURNING version`,
      [change.ticketId, target],
    )) as [{ version: number }[], number];
    await this.sla.onStatusChanged(manager, change.ticketId, current.status, target, new Date());
    const statusChange = { from: current.status, to: target };
    await this.writer.appendTimeline(
      [
        {
          ...base,
          type: 'ticket.status_changed',
          actorType: 'platform',
          data: { ...statusChange, stage: change.stage },
        },
      ],
      manager,
    );
    await this.outbox.emit(
      [
        {
          ...base,
          type: 'ticket.updated',
          data: {
            ticketId: change.ticketId,
            version: updated[0].version,
            changes: { status: statusChange },
            by: 'platform',
          },
        },
      ],
      manager,
    );
  }
}
