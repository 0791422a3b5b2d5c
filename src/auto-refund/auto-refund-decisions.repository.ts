import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { minorToDecimal } from '../../adapters/shared/money';
import type { Page } from '../common/cursor';
import { keysetPage } from '../common/keyset-page';
import { AutoRefundDecision, type AutoRefundOutcome } from './auto-refund-decision.entity';
import type { RuleApplied } from './auto-refund.policy';
import type { ListAutoRefundDecisionsQuery } from './dto/list-auto-refund-decisions.query';

export interface NewAutoRefundDecision {
  tenantId: string;
  ticketId: string;
  ticketNumber: number;
  platform: string;
  outcome: AutoRefundOutcome;
  dryRun: boolean;
  amountMinor: number | null;
  currency: string | null;
  rules: RuleApplied[];
  reason: string | null;
  actionId: string | null;
}

export interface AutoRefundDecisionView {
  id: string;
  ticketId: string;
  ticketNumber: number;
  platform: string;
  outcome: AutoRefundOutcome;
  dryRun: boolean;
  /** The amount the case asked for: what was (or would have been) refunded, or what a rule refused. */
  amount: { amount: string; currency: string } | null;
  /** The rules and limits that decided: every one that let an approval through, or the one that said no. */
  rules: RuleApplied[];
  reason: string | null;
  actionId: string | null;
  decidedAt: Date;
}

function view(row: AutoRefundDecision): AutoRefundDecisionView {
  const currency = row.currency?.trim() ?? null;
  return {
    id: row.id,
    ticketId: row.ticketId,
    ticketNumber: Number(row.ticketNumber),
    platform: row.platform,
    outcome: row.outcome,
    dryRun: row.dryRun,
    amount:
      row.amountMinor !== null && currency
        ? { amount: minorToDecimal(Number(row.amountMinor), currency), currency }
        : null,
    rules: row.rules,
    reason: row.reason,
    actionId: row.actionId,
    decidedAt: row.decidedAt,
  };
}

/** The auto-refund log: one verdict per ticket, listed newest first. */
@Injectable()
export class AutoRefundDecisionsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Writes the verdict unless the ticket has one already; the first verdict on a ticket is the one that counts. */
  async record(decision: NewAutoRefundDecision, manager: EntityManager): Promise<boolean> {
    const rows = (await manager.query(
      `INSERT INTO auto_refund_decisions (tenant_id, ticket_id, ticket_number, platform, outcome, dry_run,
         amount_minor, currency, rules, reason, action_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
       ON CONFLICT (ticket_id) DO NOTHING RETURNING id`,
      [
        decision.tenantId,
        decision.ticketId,
        decision.ticketNumber,
        decision.platform,
        decision.outcome,
        decision.dryRun,
        decision.amountMinor,
        decision.currency,
        JSON.stringify(decision.rules),
        decision.reason,
        decision.actionId,
      ],
    )) as { id: string }[];
    return rows.length > 0;
  }

  list(tenantId: string, query: ListAutoRefundDecisionsQuery): Promise<Page<AutoRefundDecisionView>> {
    const builder = this.dataSource
      .getRepository(AutoRefundDecision)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId', { tenantId });
    if (query.outcome?.length) builder.andWhere('d.outcome IN (:...outcome)', { outcome: query.outcome });
    if (query.from) builder.andWhere('d.decided_at >= :from', { from: query.from });
    if (query.to) builder.andWhere('d.decided_at < :to', { to: query.to });
    return keysetPage(builder, 'd.decided_at', 'DESC', query, view);
  }
}
