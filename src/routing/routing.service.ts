import { Injectable } from '@nestjs/common';
import type { NormalizedCase } from '../../adapters/contract';
import type { Connection } from '../connections/connection.entity';
import type { Department, Severity, TicketCategory } from '../tickets/ticket-vocabulary';
import type { CaseFacts, CaseRouter, RoutingDecision } from './case-router';
import { RoutingRulesService } from './routing-rules.service';

type CaseConnection = Pick<Connection, 'id' | 'tenantId' | 'platform'>;

/** A case classified and routed before it is written, with the tenant's router that decided it. */
export interface RoutedCase {
  triage: { category: TicketCategory; severity: Severity; department: Department; tags: string[] };
  decision: RoutingDecision;
  router: CaseRouter;
}

/** Sorted, so transactions touching several SKUs lock their activity rows in one order. */
export function distinctSkus(skus: (string | null)[]): string[] {
  return [...new Set(skus.filter((sku): sku is string => sku !== null && sku.length > 0))].sort();
}

export function caseFacts(connection: CaseConnection, item: NormalizedCase): CaseFacts {
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

/**
 * Classification and routing of a fresh case: category, severity, department, tags and assignee, from the
 * tenant's rules (cached for a few seconds). Pure decisions; the tickets module stores them.
 */
@Injectable()
export class RoutingService {
  constructor(private readonly rules: RoutingRulesService) {}

  router(tenantId: string): Promise<CaseRouter> {
    return this.rules.router(tenantId);
  }

  async route(connection: CaseConnection, item: NormalizedCase): Promise<RoutedCase> {
    const router = await this.rules.router(connection.tenantId);
    const decision = router.decide(caseFacts(connection, item));
    const { category, severity, department, tags } = decision;
    return { triage: { category, severity, department, tags }, decision, router };
  }
}
