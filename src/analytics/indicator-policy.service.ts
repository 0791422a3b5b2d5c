import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../../config/env.config';
import { DEFAULT_INDICATOR_POLICY } from '../../config/indicators.defaults';
import { APP_CONFIG } from '../config.module';
import { TenantCache } from '../common/tenant-cache';
import { AnalyticsRepository } from './analytics.repository';
import type { PutIndicatorPolicyDto } from './dto/put-indicator-policy.dto';
import type { IndicatorPolicy } from './indicator-policy.types';

export interface IndicatorPolicyView extends IndicatorPolicy {
  /** `default` until the tenant saves its own thresholds. */
  source: 'default' | 'tenant';
  updatedAt: Date | null;
}

/** A tenant's early-warning thresholds, stored whole and cached like the other settings. */
@Injectable()
export class IndicatorPolicyService {
  private readonly cache: TenantCache<IndicatorPolicyView>;

  constructor(
    private readonly repository: AnalyticsRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new TenantCache(config.settingsCacheTtlMs, (tenantId) => this.load(tenantId));
  }

  get(tenantId: string): Promise<IndicatorPolicyView> {
    return this.cache.get(tenantId);
  }

  async put(tenantId: string, input: PutIndicatorPolicyDto): Promise<IndicatorPolicyView> {
    const policy: IndicatorPolicy = {
      firstResponseP90Seconds: input.firstResponseP90Seconds,
      handlingP90Seconds: input.handlingP90Seconds,
      satisfactionMin: input.satisfactionMin,
      slaAttainmentMin: input.slaAttainmentMin,
      breachCountMax: input.breachCountMax,
      problemSkuRiseMin: input.problemSkuRiseMin,
      windowHours: input.windowHours ?? DEFAULT_INDICATOR_POLICY.windowHours,
    };
    await this.repository.savePolicy(tenantId, policy);
    this.cache.invalidate(tenantId);
    return this.get(tenantId);
  }

  private async load(tenantId: string): Promise<IndicatorPolicyView> {
    const row = await this.repository.loadPolicy(tenantId);
    return row
      ? { ...DEFAULT_INDICATOR_POLICY, ...row.policy, source: 'tenant', updatedAt: row.updated_at }
      : { ...DEFAULT_INDICATOR_POLICY, source: 'default', updatedAt: null };
  }
}
