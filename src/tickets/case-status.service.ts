import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TicketStage } from '../../adapters/contract';
import { SlaService } from '../sla/sla.service';
import { OutboxService } from '../webhooks/outbox.service';
import { statusForStage } from './stage-status';
import { TicketRepository } from './ticket.repository';

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
    private readonly tickets: TicketRepository,
    private readonly outbox: OutboxService,
    private readonly sla: SlaService,
  ) {}

  async follow(manager: EntityManager, change: CaseChange): Promise<void> {
    const current = await this.tickets.findById(change.ticketId, { manager, lock: true });
    if (!current) return;
    const target = statusForStage(change.stage, current.status);
    if (target === current.status) return;
    const base = { tenantId: change.tenantId, ticketId: change.ticketId };
    if (current.statusSetByAgentAt && current.statusSetByAgentAt >= change.externalUpdatedAt) {
      await this.tickets.appendTimeline(
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
    const version = await this.tickets.setStatusFromPlatform(manager, change.ticketId, target);
    await this.sla.onStatusChanged(manager, change.ticketId, current.status, target, new Date());
    const statusChange = { from: current.status, to: target };
    await this.tickets.appendTimeline(
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
          data: { ticketId: change.ticketId, version, changes: { status: statusChange }, by: 'platform' },
        },
      ],
      manager,
    );
  }
}
