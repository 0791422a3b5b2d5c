import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/env.config';
import { DEFAULT_ROUTING } from '../../config/routing.defaults';
import { DomainError, ErrorCode } from '../common/domain-error';
import { APP_CONFIG } from '../config.module';
import { CaseRouter } from './case-router';
import type { RoutingSettings } from './routing-rule.types';
import { routingSettingsProblems } from './routing-settings.validation';
import { TenantCache } from '../common/tenant-cache';

export interface RoutingRulesView extends RoutingSettings {
  /** `default` until the tenant saves its own rules. */
  source: 'default' | 'tenant';
  updatedAt: Date | null;
}

interface Loaded {
  view: RoutingRulesView;
  router: CaseRouter;
}

/** A tenant's routing rules and severity thresholds: stored whole, validated, compiled and cached. */
@Injectable()
export class RoutingRulesService {
  private readonly cache: TenantCache<Loaded>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new TenantCache(config.settingsCacheTtlMs, (tenantId) => this.load(tenantId));
  }

  async get(tenantId: string): Promise<RoutingRulesView> {
    return (await this.cache.get(tenantId)).view;
  }

  async router(tenantId: string): Promise<CaseRouter> {
    return (await this.cache.get(tenantId)).router;
  }

  /** Replaces the whole list; left-out thresholds go back to the defaults. */
  async put(
    tenantId: string,
    input: { rules: RoutingSettings['rules']; thresholds?: RoutingSettings['thresholds'] },
  ): Promise<RoutingRulesView> {
    const settings: RoutingSettings = {
      rules: input.rules,
      thresholds: input.thresholds ?? DEFAULT_ROUTING.thresholds,
    };
    const problems = routingSettingsProblems(settings);
    if (problems.length > 0) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        problems.map((problem) => `${problem.field}: ${problem.problems.join('; ')}`).join(' | '),
        problems,
      );
    }
    await this.dataSource.query(
      `INSERT INTO routing_rules (tenant_id, rules, thresholds, updated_at) VALUES ($1, $2::jsonb, $3::jsonb, now())
       ON CONFLICT (tenant_id) DO UPDATE SET rules = EXCLUDED.rules, thresholds = EXCLUDED.thresholds, updated_at = now()`,
      [tenantId, JSON.stringify(settings.rules), JSON.stringify(settings.thresholds)],
    );
    this.cache.invalidate(tenantId);
    return this.get(tenantId);
  }

  private async load(tenantId: string): Promise<Loaded> {
    const rows = (await this.dataSource.query(
      `SELECT rules, thresholds, updated_at FROM routing_rules WHERE tenant_id = $1`,
      [tenantId],
    )) as { rules: RoutingSettings['rules']; thresholds: RoutingSettings['thresholds']; updated_at: Date }[];
    const row = rows[0];
    const view: RoutingRulesView = row
      ? { rules: row.rules, thresholds: row.thresholds, source: 'tenant', updatedAt: row.updated_at }
      : { ...DEFAULT_ROUTING, source: 'default', updatedAt: null };
    return { view, router: new CaseRouter(view) };
  }
}
