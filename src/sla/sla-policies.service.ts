import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/env.config';
import { DEFAULT_SLA_POLICIES } from '../../config/sla.defaults';
import { DomainError, ErrorCode } from '../common/domain-error';
import { APP_CONFIG } from '../config.module';
import { TenantCache } from '../common/tenant-cache';
import { SEVERITIES } from '../tickets/ticket-vocabulary';
import type { PutSlaPoliciesDto } from './dto/put-sla-policies.dto';
import { SlaPolicyBook } from './sla-clock';
import { slaPoliciesProblems } from './sla-policies.validation';
import type { SeverityPolicy, SlaPolicySet } from './sla-policy.types';

export interface SlaPoliciesView extends SlaPolicySet {
  /** `default` until the tenant saves its own policies. */
  source: 'default' | 'tenant';
  updatedAt: Date | null;
}

interface Loaded {
  view: SlaPoliciesView;
  book: SlaPolicyBook;
}

/** A tenant's SLA policies per severity: stored whole, validated, compiled and cached. */
@Injectable()
export class SlaPoliciesService {
  private readonly cache: TenantCache<Loaded>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache = new TenantCache(config.settingsCacheTtlMs, (tenantId) => this.load(tenantId));
  }

  async get(tenantId: string): Promise<SlaPoliciesView> {
    return (await this.cache.get(tenantId)).view;
  }

  async book(tenantId: string): Promise<SlaPolicyBook> {
    return (await this.cache.get(tenantId)).book;
  }

  /** Replaces every policy; tickets keep their due times until they are re-evaluated or resumed. */
  async put(tenantId: string, input: PutSlaPoliciesDto): Promise<SlaPoliciesView> {
    const policy = (severity: (typeof SEVERITIES)[number]): SeverityPolicy => {
      const given = input.policies[severity];
      return {
        firstResponseMinutes: given.firstResponseMinutes,
        resolutionMinutes: given.resolutionMinutes,
        businessHours: given.businessHours
          ? {
              timezone: given.businessHours.timezone,
              weekdays: [...given.businessHours.weekdays].sort((a, b) => a - b),
              start: given.businessHours.start,
              end: given.businessHours.end,
            }
          : null,
      };
    };
    const set: SlaPolicySet = {
      policies: {
        critical: policy('critical'),
        high: policy('high'),
        normal: policy('normal'),
        low: policy('low'),
      },
      holidays: [...new Set(input.holidays ?? [])].sort(),
      platformDeadlineMarginMinutes:
        input.platformDeadlineMarginMinutes ?? DEFAULT_SLA_POLICIES.platformDeadlineMarginMinutes,
    };
    const problems = slaPoliciesProblems(set);
    if (problems.length > 0) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        problems.map((problem) => `${problem.field}: ${problem.problems.join('; ')}`).join(' | '),
        problems,
      );
    }
    await this.dataSource.query(
      `INSERT INTO sla_policies (tenant_id, policies, holidays, platform_deadline_margin_minutes, updated_at)
       VALUES ($1, $2::jsonb, $3::jsonb, $4, now())
       ON CONFLICT (tenant_id) DO UPDATE SET policies = EXCLUDED.policies, holidays = EXCLUDED.holidays,
         platform_deadline_margin_minutes = EXCLUDED.platform_deadline_margin_minutes, updated_at = now()`,
      [
        tenantId,
        JSON.stringify(set.policies),
        JSON.stringify(set.holidays),
        set.platformDeadlineMarginMinutes,
      ],
    );
    this.cache.invalidate(tenantId);
    return this.get(tenantId);
  }

  private async load(tenantId: string): Promise<Loaded> {
    const rows = (await this.dataSource.query(
      `SELECT policies, holidays, platform_deadline_margin_minutes, updated_at FROM sla_policies WHERE tenant_id = $1`,
      [tenantId],
    )) as {
      policies: SlaPolicySet['policies'];
      holidays: string[];
      platform_deadline_margin_minutes: number;
      updated_at: Date;
    }[];
    const row = rows[0];
    const view: SlaPoliciesView = row
      ? {
          policies: row.policies,
          holidays: row.holidays,
          platformDeadlineMarginMinutes: row.platform_deadline_margin_minutes,
          source: 'tenant',
          updatedAt: row.updated_at,
        }
      : { ...DEFAULT_SLA_POLICIES, source: 'default', updatedAt: null };
    return { view, book: new SlaPolicyBook(view) };
  }
}
