import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { minorToDecimal } from '../../adapters/shared/money';
import { DEFAULT_AUTO_REFUND_POLICY } from '../../config/auto-refund.defaults';
import type { AppConfig } from '../../config/env.config';
import { ActionsService } from '../actions/actions.service';
import { DomainError } from '../common/domain-error';
import { APP_CONFIG } from '../config.module';
import { TenantCache } from '../common/tenant-cache';
import { TicketRepository, type TimelineEntry } from '../tickets/ticket.repository';
import type { Page } from '../common/cursor';
import {
  AutoRefundDecisionsRepository,
  type AutoRefundDecisionView,
  type NewAutoRefundDecision,
} from './auto-refund-decisions.repository';
import { evaluateAutoRefund, type AutoRefundPolicy } from './auto-refund.policy';
import type { ListAutoRefundDecisionsQuery } from './dto/list-auto-refund-decisions.query';
import type { PutAutoRefundPolicyDto } from './dto/put-auto-refund-policy.dto';

export interface AutoRefundPolicyView extends AutoRefundPolicy {
  source: 'default' | 'tenant';
  updatedAt: Date | null;
}

export const AUTO_REFUND_ACTOR = 'auto-refund';

/** Fast refunds for trusted, low-risk cases, decided as each new ticket arrives. */
@Injectable()
export class AutoRefundService {
  private readonly cache: TenantCache<AutoRefundPolicyView>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly actions: ActionsService,
    private readonly tickets: TicketRepository,
    private readonly decisions: AutoRefundDecisionsRepository,
  ) {
    this.cache = new TenantCache(config.settingsCacheTtlMs, (tenantId) => this.load(tenantId));
  }

  get(tenantId: string): Promise<AutoRefundPolicyView> {
    return this.cache.get(tenantId);
  }

  async put(tenantId: string, input: PutAutoRefundPolicyDto): Promise<AutoRefundPolicyView> {
    const policy: AutoRefundPolicy = {
      enabled: input.enabled,
      dryRun: input.dryRun,
      maxAmounts: input.maxAmounts.map(({ amount, currency }) => ({ amount, currency })),
      kinds: [...new Set(input.kinds)],
      withinDaysOfDelivery:
        input.withinDaysOfDelivery === undefined
          ? DEFAULT_AUTO_REFUND_POLICY.withinDaysOfDelivery
          : input.withinDaysOfDelivery,
      whenDeliveryUnknown: input.whenDeliveryUnknown ?? DEFAULT_AUTO_REFUND_POLICY.whenDeliveryUnknown,
      excludeCategories: [
        ...new Set(input.excludeCategories ?? DEFAULT_AUTO_REFUND_POLICY.excludeCategories),
      ],
      excludeFlaggedBuyers: input.excludeFlaggedBuyers ?? DEFAULT_AUTO_REFUND_POLICY.excludeFlaggedBuyers,
      flaggedBuyerIds: [...new Set(input.flaggedBuyerIds ?? [])],
    };
    await this.dataSource.query(
      `INSERT INTO auto_refund_policies (tenant_id, policy, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (tenant_id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = now()`,
      [tenantId, JSON.stringify(policy)],
    );
    this.cache.invalidate(tenantId);
    return this.get(tenantId);
  }

  /**
   * Decides one new ticket. A live decision is an `approve_refund` by `automation` keyed on the ticket, so
   * running this twice makes one action; a dry run writes what would have happened.
   */
  async consider(tenantId: string, ticketId: string): Promise<void> {
    const policy = await this.get(tenantId);
    if (!policy.enabled) return;
    const ticket = await this.tickets.find(tenantId, ticketId);
    if (!ticket) return;
    const [{ count }] = (await this.dataSource.query(
      `SELECT count(*)::int AS count FROM actions WHERE ticket_id = $1`,
      [ticketId],
    )) as {
      count: number;
    }[];
    const verdict = evaluateAutoRefund(policy, {
      kind: ticket.kind,
      stage: ticket.stage,
      category: ticket.category,
      requestedAmountMinor: ticket.requestedAmountMinor,
      requestedCurrency: ticket.requestedCurrency,
      buyerExternalId: ticket.buyer?.externalId ?? null,
      deliveredAt: ticket.deliveredAt,
      externalCreatedAt: ticket.externalCreatedAt,
      alreadyDecided: count > 0,
    });
    const base = { tenantId, ticketId, actorType: 'automation' as const, actorId: AUTO_REFUND_ACTOR };
    const decision = {
      tenantId,
      ticketId,
      ticketNumber: ticket.number,
      platform: ticket.platform,
      dryRun: policy.dryRun,
      amountMinor: ticket.requestedAmountMinor,
      currency: ticket.requestedCurrency,
      actionId: null,
    };
    if (!verdict.eligible) {
      await this.write(
        { ...decision, outcome: 'skipped', rules: [verdict.rule], reason: verdict.reason },
        {
          ...base,
          type: 'auto_refund.skipped',
          data: { reason: verdict.reason, ...verdict.rule, dryRun: policy.dryRun },
        },
      );
      return;
    }
    const amount = minorToDecimal(verdict.amountMinor, verdict.currency);
    if (policy.dryRun) {
      await this.write(
        { ...decision, outcome: 'dry_run', rules: verdict.rules, reason: null },
        {
          ...base,
          type: 'auto_refund.dry_run',
          data: {
            wouldApprove: { amount, currency: verdict.currency },
            policy: 'auto-refund',
            rules: verdict.rules,
          },
        },
      );
      return;
    }
    try {
      const action = await this.actions.create(
        tenantId,
        ticketId,
        { type: 'approve_refund', amount },
        { type: 'automation', id: AUTO_REFUND_ACTOR },
        `auto-refund:${ticketId}`,
      );
      await this.write(
        { ...decision, outcome: 'approved', rules: verdict.rules, reason: null, actionId: action.id },
        {
          ...base,
          type: 'auto_refund.approved',
          data: {
            actionId: action.id,
            amount: { amount, currency: verdict.currency },
            policy: 'auto-refund',
            rules: verdict.rules,
          },
        },
      );
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      await this.write(
        { ...decision, dryRun: false, outcome: 'skipped', rules: [], reason: error.message },
        { ...base, type: 'auto_refund.skipped', data: { reason: error.message, dryRun: false } },
      );
    }
  }

  /** The verdict in the log and on the timeline, together; a ticket that has one already keeps it. */
  private async write(decision: NewAutoRefundDecision, entry: TimelineEntry): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (await this.decisions.record(decision, manager)) await this.tickets.appendTimeline([entry], manager);
    });
  }

  listDecisions(
    tenantId: string,
    query: ListAutoRefundDecisionsQuery,
  ): Promise<Page<AutoRefundDecisionView>> {
    return this.decisions.list(tenantId, query);
  }

  private async load(tenantId: string): Promise<AutoRefundPolicyView> {
    const rows = (await this.dataSource.query(
      `SELECT policy, updated_at FROM auto_refund_policies WHERE tenant_id = $1`,
      [tenantId],
    )) as {
      policy: Omit<AutoRefundPolicy, 'whenDeliveryUnknown'> & Partial<AutoRefundPolicy>;
      updated_at: Date;
    }[];
    const row = rows[0];
    return row
      ? {
          ...row.policy,
          // Saved before the delivery-unknown rule existed: keep what it did then, skip such cases.
          whenDeliveryUnknown: row.policy.whenDeliveryUnknown ?? 'skip',
          source: 'tenant',
          updatedAt: row.updated_at,
        }
      : { ...DEFAULT_AUTO_REFUND_POLICY, source: 'default', updatedAt: null };
  }
}
