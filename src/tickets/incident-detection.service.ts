import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseRouter } from '../routing/case-router';
import type { DomainEvent } from '../webhooks/domain-event.types';
import { OutboxService } from '../webhooks/outbox.service';
import { IncidentRepository, type SkuTally } from './incident.repository';
import { TicketRepository, type TimelineEntry } from './ticket.repository';

/** A new ticket as the SKU tally sees it. */
export interface TalliedTicket {
  tenantId: string;
  ticketId: string;
  /** When the buyer raised the case; older than the window means it does not count. */
  raisedAt: Date;
  skus: string[];
}

interface Recent {
  id: string;
  at: number;
}

/** One SKU's share of a batch. */
interface SkuGroup {
  tenantId: string;
  sku: string;
  router: CaseRouter;
  since: number;
  added: Recent[];
}

const skuKey = (tenantId: string, sku: string) => `${tenantId}\u0000${sku}`;

/**
 * Group incidents: `incidentTickets` tickets on one SKU within the window. A batch costs one tally upsert
 * per SKU, whatever the number of its tickets. The tickets of the burst are linked to one incident and one
 * `ticket.incident_detected` is emitted per SKU and window; later tickets in the window join it quietly.
 * The result is exactly what the tickets one by one, in the order of their raise times, would have given.
 */
@Injectable()
export class IncidentDetectionService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly tickets: TicketRepository,
    private readonly outbox: OutboxService,
  ) {}

  /** Returns the tickets newly linked to an incident, which the caller re-routes as critical. */
  async tally(
    manager: EntityManager,
    batch: TalliedTicket[],
    routers: Map<string, CaseRouter>,
  ): Promise<string[]> {
    const now = Date.now();
    const groups = new Map<string, SkuGroup>();
    for (const ticket of batch) {
      const router = routers.get(ticket.tenantId);
      if (!router) continue;
      const since = now - router.incidentWindowMs;
      const at = Math.min(ticket.raisedAt.getTime(), now);
      if (at <= since) continue;
      for (const sku of ticket.skus) {
        const key = skuKey(ticket.tenantId, sku);
        const group = groups.get(key) ?? { tenantId: ticket.tenantId, sku, router, since, added: [] };
        group.added.push({ id: ticket.ticketId, at });
        groups.set(key, group);
      }
    }
    if (groups.size === 0) return [];
    const ordered = [...groups.values()].sort((a, b) =>
      a.tenantId === b.tenantId ? (a.sku < b.sku ? -1 : 1) : a.tenantId < b.tenantId ? -1 : 1,
    );
    const previous = new Map(
      (await this.incidents.lockActivity(manager, ordered)).map((row) => [
        skuKey(row.tenantId, row.sku),
        row.ticketIds.map((id, index): Recent => ({ id, at: row.raisedAt[index].getTime() })),
      ]),
    );
    const tallies: SkuTally[] = [];
    const attached: string[] = [];
    for (const group of ordered) {
      const keep = group.router.incidentTickets;
      group.added.sort((a, b) => a.at - b.at);
      const recentOfBatch = group.added.slice(-keep);
      tallies.push({
        tenantId: group.tenantId,
        sku: group.sku,
        ticketIds: recentOfBatch.map((entry) => entry.id),
        raisedAt: recentOfBatch.map((entry) => new Date(entry.at)),
        since: new Date(group.since),
        keep,
      });
      attached.push(
        ...(await this.detect(manager, group, previous.get(skuKey(group.tenantId, group.sku)) ?? [])),
      );
    }
    await this.incidents.tally(manager, tallies);
    return [...new Set(attached)];
  }

  /** Replays the batch's tickets on one SKU over its stored tally, declaring or joining an incident. */
  private async detect(manager: EntityManager, group: SkuGroup, stored: Recent[]): Promise<string[]> {
    const { tenantId, sku, router } = group;
    const keep = router.incidentTickets;
    let recent = stored.filter((entry) => entry.at > group.since);
    let incident: { id: string; burst: string[]; detected: boolean } | null = null;
    let checkedActive = false;
    const joined: string[] = [];
    for (const entry of group.added) {
      if (incident) {
        joined.push(entry.id);
        continue;
      }
      recent = [...recent, entry].sort((a, b) => a.at - b.at).slice(-keep);
      if (recent.length < keep) continue;
      const now = new Date();
      if (!checkedActive) {
        checkedActive = true;
        const active = await this.incidents.findActive(manager, tenantId, sku, now);
        if (active) {
          incident = { id: active, burst: recent.map((r) => r.id), detected: false };
          joined.push(entry.id);
          continue;
        }
      }
      const burst = recent.map((r) => r.id);
      const windowEndsAt = new Date(now.getTime() + router.incidentWindowMs);
      const id = await this.incidents.open(manager, tenantId, sku, burst, now, windowEndsAt);
      incident = { id, burst, detected: true };
      const event: DomainEvent = {
        tenantId,
        ticketId: entry.id,
        type: 'ticket.incident_detected',
        data: {
          incidentId: id,
          sku,
          ticketIds: burst,
          tickets: burst.length,
          windowMinutes: router.incidentWindowMs / 60_000,
          detectedAt: now,
        },
      };
      await this.outbox.emit([event], manager);
    }
    if (!incident) return [];
    await this.incidents.join(manager, incident.id, joined);
    const members = incident.detected ? [...incident.burst, ...joined] : joined;
    const attached = await this.tickets.attachIncident(manager, tenantId, incident.id, members);
    const inBurst = new Set(incident.detected ? incident.burst : []);
    const entries: TimelineEntry[] = attached.map((id) => ({
      tenantId,
      ticketId: id,
      type: inBurst.has(id) ? 'incident.detected' : 'incident.joined',
      actorType: 'automation',
      data: { incidentId: incident.id, sku, tickets: incident.burst.length },
    }));
    await this.tickets.appendTimeline(entries, manager);
    return attached;
  }
}
