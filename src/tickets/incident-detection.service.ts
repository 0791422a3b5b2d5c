import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseRouter } from '../routing/case-router';
import { OutboxService } from '../webhooks/outbox.service';
import { IncidentRepository } from './incident.repository';
import { TicketRepository } from './ticket.repository';

/** A new ticket as the SKU tally sees it. */
export interface TalliedTicket {
  tenantId: string;
  ticketId: string;
  /** When the buyer raised the case; older than the window means it does not count. */
  raisedAt: Date;
  skus: string[];
}

/**
 * Group incidents: `incidentTickets` tickets on one SKU within the window. The burst's tickets are linked
 * to one incident, and one `ticket.incident_detected` is emitted per SKU and window; later tickets in the
 * same window join it quietly. Returns the tickets newly linked, which the caller re-routes as critical.
 */
@Injectable()
export class IncidentDetectionService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly tickets: TicketRepository,
    private readonly outbox: OutboxService,
  ) {}

  async tally(manager: EntityManager, ticket: TalliedTicket, router: CaseRouter): Promise<string[]> {
    const now = Date.now();
    const since = now - router.incidentWindowMs;
    const raisedAt = Math.min(ticket.raisedAt.getTime(), now);
    if (raisedAt <= since) return [];
    const activity = await this.incidents.tally(
      manager,
      ticket.tenantId,
      ticket.ticketId,
      new Date(raisedAt),
      ticket.skus,
      new Date(since),
      router.incidentTickets,
    );
    const attached: string[] = [];
    for (const { sku, ticketIds } of activity) {
      if (ticketIds.length >= router.incidentTickets) {
        attached.push(
          ...(await this.declare(manager, ticket.tenantId, sku, ticketIds, ticket.ticketId, router)),
        );
      }
    }
    return attached;
  }

  /** Callers hold the SKU's activity row lock, so two transactions cannot both declare one. */
  private async declare(
    manager: EntityManager,
    tenantId: string,
    sku: string,
    burst: string[],
    ticketId: string,
    router: CaseRouter,
  ): Promise<string[]> {
    const now = new Date();
    const active = await this.incidents.findActive(manager, tenantId, sku, now);
    let incidentId: string;
    let members: string[];
    if (active) {
      incidentId = active;
      members = [ticketId];
      await this.incidents.join(manager, incidentId, ticketId);
    } else {
      const windowEndsAt = new Date(now.getTime() + router.incidentWindowMs);
      incidentId = await this.incidents.open(manager, tenantId, sku, burst, now, windowEndsAt);
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
              windowMinutes: router.incidentWindowMs / 60_000,
              detectedAt: now,
            },
          },
        ],
        manager,
      );
    }
    const attached = await this.tickets.attachIncident(manager, tenantId, incidentId, members);
    await this.tickets.appendTimeline(
      attached.map((id) => ({
        tenantId,
        ticketId: id,
        type: active ? 'incident.joined' : 'incident.detected',
        actorType: 'automation' as const,
        data: { incidentId, sku, tickets: burst.length },
      })),
      manager,
    );
    return attached;
  }
}
