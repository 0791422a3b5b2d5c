import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CaseRouter } from '../routing/case-router';
import type { DomainEvent } from '../webhooks/domain-event.types';
import { OutboxService } from '../webhooks/outbox.service';
import { IncidentRepository, type SkuTally } from './incident.repository';
import type { TimelineEntry } from './ticket.repository';

/** A ticket a SKU's incident takes in, with the timeline entry to record once it is linked. */
export interface IncidentLink {
  tenantId: string;
  ticketId: string;
  incidentId: string;
  entry: TimelineEntry;
}

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

/** Where a SKU's tickets in a batch reach the incident threshold. */
interface Crossing {
  group: SkuGroup;
  /** The recent tickets at that point, the ticket that reached the threshold among them. */
  burst: string[];
  crossing: string;
  /** The batch's later tickets on the SKU. */
  after: string[];
}

const skuKey = (tenantId: string, sku: string) => `${tenantId}\u0000${sku}`;

/**
 * Group incidents: `incidentTickets` tickets on one SKU within the window. A batch costs a fixed number of
 * statements (one tally upsert for all its SKUs, one lookup of open incidents, one insert of new ones, one
 * update of joined ones), whatever the number of its SKUs and tickets. The tickets of the burst are linked to one incident and one
 * `ticket.incident_detected` is emitted per SKU and window; later tickets in the window join it quietly.
 * The result is exactly what the tickets one by one, in the order of their raise times, would have given.
 */
@Injectable()
export class IncidentDetectionService {
  constructor(
    private readonly incidents: IncidentRepository,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Returns the tickets to link to an incident (each once). The caller links those not linked yet, in the
   * statement that re-routes them as critical, and records their entries.
   */
  async tally(
    manager: EntityManager,
    batch: TalliedTicket[],
    routers: Map<string, CaseRouter>,
  ): Promise<IncidentLink[]> {
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
    const crossings: Crossing[] = [];
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
      const crossing = this.replay(group, previous.get(skuKey(group.tenantId, group.sku)) ?? []);
      if (crossing) crossings.push(crossing);
    }
    const attached = await this.declareOrJoin(manager, crossings);
    await this.incidents.tally(manager, tallies);
    return attached;
  }

  /**
   * Replays the batch's tickets on one SKU over its stored tally: where (if anywhere) they reach the
   * threshold, the burst at that point, and the tickets that come after it.
   */
  private replay(group: SkuGroup, stored: Recent[]): Crossing | null {
    const keep = group.router.incidentTickets;
    let recent = stored.filter((entry) => entry.at > group.since);
    for (const [index, entry] of group.added.entries()) {
      recent = [...recent, entry].sort((a, b) => a.at - b.at).slice(-keep);
      if (recent.length < keep) continue;
      return {
        group,
        burst: recent.map((r) => r.id),
        crossing: entry.id,
        after: group.added.slice(index + 1).map((r) => r.id),
      };
    }
    return null;
  }

  /**
   * The SKUs that reached their threshold join the incident still open on them, or declare one (with one
   * `ticket.incident_detected`); their tickets are linked and the timeline says so. A fixed number of
   * statements per batch, whatever the number of SKUs.
   */
  private async declareOrJoin(manager: EntityManager, crossings: Crossing[]): Promise<IncidentLink[]> {
    if (crossings.length === 0) return [];
    const now = new Date();
    const active = new Map(
      (
        await this.incidents.findActive(
          manager,
          crossings.map((c) => c.group),
          now,
        )
      ).map((row) => [skuKey(row.tenantId, row.sku), row.id]),
    );
    const declared = crossings.filter((c) => !active.has(skuKey(c.group.tenantId, c.group.sku)));
    const opened = await this.incidents.open(
      manager,
      declared.map((c) => ({
        tenantId: c.group.tenantId,
        sku: c.group.sku,
        ticketIds: c.burst,
        detectedAt: now,
        windowEndsAt: new Date(now.getTime() + c.group.router.incidentWindowMs),
      })),
    );
    const openedIds = new Map(declared.map((c, index) => [c, opened[index]]));
    const events: DomainEvent[] = declared.map((c) => ({
      tenantId: c.group.tenantId,
      ticketId: c.crossing,
      type: 'ticket.incident_detected',
      data: {
        incidentId: openedIds.get(c),
        sku: c.group.sku,
        ticketIds: c.burst,
        tickets: c.burst.length,
        windowMinutes: c.group.router.incidentWindowMs / 60_000,
        detectedAt: now,
      },
    }));
    await this.outbox.emit(events, manager);
    const decided = crossings.map((c) => {
      const found = active.get(skuKey(c.group.tenantId, c.group.sku));
      const incidentId = found ?? openedIds.get(c);
      if (incidentId === undefined) throw new Error(`no incident for SKU ${c.group.sku}`);
      // Joining an open incident starts at the ticket that reached the threshold; a new one holds its burst.
      const joined = found ? [c.crossing, ...c.after] : c.after;
      const members = found ? joined : [...c.burst, ...joined];
      return { crossing: c, incidentId, detected: !found, joined, members };
    });
    await this.incidents.join(
      manager,
      decided.map((d) => ({ incidentId: d.incidentId, ticketIds: d.joined })),
    );
    // A ticket on several SKUs is linked to the first of their incidents, in SKU order.
    const links = new Map<string, IncidentLink>();
    for (const d of decided) {
      const { group, burst } = d.crossing;
      for (const ticketId of d.members) {
        if (links.has(ticketId)) continue;
        links.set(ticketId, {
          tenantId: group.tenantId,
          ticketId,
          incidentId: d.incidentId,
          entry: {
            tenantId: group.tenantId,
            ticketId,
            type: d.detected && burst.includes(ticketId) ? 'incident.detected' : 'incident.joined',
            actorType: 'automation',
            data: { incidentId: d.incidentId, sku: group.sku, tickets: burst.length },
          },
        });
      }
    }
    return [...links.values()];
  }
}
