import { Injectable } from '@nestjs/common';
import { currencyExponent } from '../../adapters/shared/money';
import { PROBLEM_SKU_MIN_CASES } from '../../config/indicators.defaults';
import { DomainError, ErrorCode } from '../common/domain-error';
import { isValidTimeZone } from '../sla/business-time';
import { SlaPoliciesService } from '../sla/sla-policies.service';
import { SEVERITIES } from '../tickets/ticket-vocabulary';
import {
  AnalyticsRepository,
  type AnalyticsGroupBy,
  type BucketRow,
  type CalendarMap,
  type FigureRow,
  type RefundRow,
  type Scope,
} from './analytics.repository';
import { calendarDays, calendarKey } from './calendar-days';
import type { OverviewQuery, PeriodQuery, ProblemSkusQuery, TimeseriesQuery } from './dto/analytics.query';
import { IndicatorPolicyService } from './indicator-policy.service';
import type { IndicatorPolicy, IndicatorReading } from './indicator-policy.types';
import { evaluateIndicators } from './indicators';

const DAY_MS = 86_400_000;
const DEFAULT_PERIOD_MS = 7 * DAY_MS;
/** Longest period one request may cover, and most buckets one timeseries may have: bounded work per request. */
const MAX_PERIOD_MS = 3 * 366 * DAY_MS;
const MAX_BUCKETS = 2_000;

export interface DurationFigures {
  count: number;
  meanSeconds: number | null;
  p50Seconds: number | null;
  p90Seconds: number | null;
}

export interface SlaFigures {
  total: number;
  met: number;
  warned: number;
  breached: number;
  attainment: number | null;
}

export interface RefundFigure {
  currency: string;
  count: number;
  /** Decimal string in major units, e.g. "1234.50". */
  amount: string;
}

export interface GroupFigures {
  key: string;
  counts: { total: number };
  firstResponse: DurationFigures;
  resolution: DurationFigures;
  sla: SlaFigures;
  refunds: RefundFigure[];
  satisfaction: SatisfactionFigures;
}

export interface SatisfactionFigures {
  responses: number;
  average: number | null;
  /** Share of responses scoring 4 or 5. */
  satisfiedShare: number | null;
}

export interface OverviewView {
  from: string;
  to: string;
  tz: string;
  counts: {
    total: number;
    byStatus: Record<string, number>;
    byStage: Record<string, number>;
    byPlatform: Record<string, number>;
    byDepartment: Record<string, number>;
    byCategory: Record<string, number>;
    bySeverity: Record<string, number>;
  };
  firstResponse: DurationFigures;
  resolution: DurationFigures;
  sla: SlaFigures;
  firstContactResolution: { solved: number; singleTouch: number; rate: number | null };
  refunds: RefundFigure[];
  satisfaction: SatisfactionFigures;
  reopenRate: number | null;
  backlog: { open: number; meanAgeSeconds: number | null; oldestAgeSeconds: number | null };
  indicators: IndicatorReading[];
  groups?: GroupFigures[];
}

export interface TimeseriesView {
  metric: TimeseriesQuery['metric'];
  interval: 'hour' | 'day';
  tz: string;
  from: string;
  to: string;
  data: { bucket: string; value: number | null; groups?: Record<string, number | null> }[];
}

export interface ProblemSkuView {
  sku: string;
  title: string | null;
  count: number;
  share: number;
  previousCount: number;
  /** Rise against the previous period (1.0 = doubled); null when the SKU had no cases then. */
  change: number | null;
  dominantCategory: string;
  flagged: boolean;
}

export interface ProblemSkusView {
  from: string;
  to: string;
  previousFrom: string;
  data: ProblemSkuView[];
}

interface Period {
  scope: Scope;
  tz: string;
}

const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);
const rounded = (value: number | null): number | null =>
  value === null ? null : Math.round(value * 1000) / 1000;

/** Integer minor units as text (sums may pass 2^53) → "1234.50". */
function decimalOfMinor(minor: string, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = minor.startsWith('-');
  const digits = (negative ? minor.slice(1) : minor).padStart(exponent + 1, '0');
  const sign = negative ? '-' : '';
  return exponent === 0 ? sign + digits : `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

function offsetText(local: string, instant: Date): string {
  const minutes = Math.round((Date.parse(`${local}Z`) - instant.getTime()) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Supervisors' figures: what came in, how fast it was handled in business time, and each early warning. */
@Injectable()
export class AnalyticsService {
  private readonly knownCalendars = new Set<string>();

  constructor(
    private readonly repository: AnalyticsRepository,
    private readonly slaPolicies: SlaPoliciesService,
    private readonly indicatorPolicies: IndicatorPolicyService,
  ) {}

  async overview(tenantId: string, query: OverviewQuery): Promise<OverviewView> {
    const { scope, tz } = await this.period(tenantId, query);
    const groupBy = query.groupBy ?? null;
    const [figureRows, countRows, refundRows, backlog, policy, maxRise] = await Promise.all([
      this.repository.figures(scope, groupBy),
      this.repository.counts(scope),
      this.repository.refunds(scope, groupBy),
      this.repository.backlog(scope),
      this.indicatorPolicies.get(tenantId),
      this.repository.maxSkuRise(scope, PROBLEM_SKU_MIN_CASES),
    ]);
    const total = figureRows.find((row) => row.grouped === 0) as FigureRow;
    const byDimension = (dimension: string): Record<string, number> =>
      Object.fromEntries(
        countRows.filter((row) => row.dimension === dimension).map((row) => [row.key, row.count]),
      );
    const refundsOf = (rows: RefundRow[]): RefundFigure[] =>
      rows.map((row) => ({
        currency: row.currency,
        count: row.count,
        amount: decimalOfMinor(row.amount_minor, row.currency),
      }));
    const view: OverviewView = {
      from: scope.from.toISOString(),
      to: scope.to.toISOString(),
      tz,
      counts: {
        total: total.total,
        byStatus: byDimension('status'),
        byStage: byDimension('stage'),
        byPlatform: byDimension('platform'),
        byDepartment: byDimension('department'),
        byCategory: byDimension('category'),
        bySeverity: byDimension('severity'),
      },
      firstResponse: this.durations(total, 'fr'),
      resolution: this.durations(total, 'res'),
      sla: this.sla(total),
      firstContactResolution: {
        solved: total.fcr_solved,
        singleTouch: total.fcr_single,
        rate: rounded(ratio(total.fcr_single, total.fcr_solved)),
      },
      refunds: refundsOf(refundRows.filter((row) => row.grouped === 0)),
      satisfaction: this.satisfaction(total),
      reopenRate: rounded(ratio(total.reopened, total.ever_solved)),
      backlog: {
        open: backlog.open,
        meanAgeSeconds: backlog.mean_age === null ? null : Math.round(backlog.mean_age),
        oldestAgeSeconds: backlog.oldest_age === null ? null : Math.round(backlog.oldest_age),
      },
      indicators: this.indicators(total, maxRise, policy),
    };
    if (groupBy) {
      view.groups = figureRows
        .filter((row) => row.grouped === 1)
        .map((row) => ({
          key: row.group_key ?? '',
          counts: { total: row.total },
          firstResponse: this.durations(row, 'fr'),
          resolution: this.durations(row, 'res'),
          sla: this.sla(row),
          refunds: refundsOf(refundRows.filter((r) => r.grouped === 1 && r.group_key === row.group_key)),
          satisfaction: this.satisfaction(row),
        }))
        .sort((a, b) => b.counts.total - a.counts.total || a.key.localeCompare(b.key));
    }
    return view;
  }

  async timeseries(tenantId: string, query: TimeseriesQuery): Promise<TimeseriesView> {
    const { scope, tz } = await this.period(tenantId, query);
    const interval = query.interval ?? 'day';
    const buckets = (scope.to.getTime() - scope.from.getTime()) / (interval === 'hour' ? 3_600_000 : DAY_MS);
    if (buckets > MAX_BUCKETS) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `interval: ${Math.ceil(buckets)} ${interval} buckets is more than ${MAX_BUCKETS}; use a shorter period or day`,
        [{ field: 'interval', problems: [`at most ${MAX_BUCKETS} buckets`] }],
      );
    }
    const groupBy = query.groupBy ?? null;
    const rows = await this.repository.buckets(scope, interval, tz, groupBy);
    const value = (row: BucketRow): number | null => {
      switch (query.metric) {
        case 'volume':
          return row.total;
        case 'first_response':
          return row.fr_p90 === null ? null : Math.round(row.fr_p90);
        case 'resolution':
          return row.res_p90 === null ? null : Math.round(row.res_p90);
        case 'sla_attainment':
          return rounded(ratio(row.sla_total - row.sla_breached, row.sla_total));
        case 'refunds':
          return row.refunds;
        case 'satisfaction':
          return rounded(row.csat_average);
      }
    };
    const data: TimeseriesView['data'] = [];
    for (const row of rows) {
      const bucket = `${row.local}${offsetText(row.local, row.instant)}`;
      if (row.grouped === 1) {
        const last = data[data.length - 1];
        if (last?.groups) last.groups[row.group_key ?? ''] = value(row);
        continue;
      }
      data.push({ bucket, value: value(row), ...(groupBy ? { groups: {} } : {}) });
    }
    return {
      metric: query.metric,
      interval,
      tz,
      from: scope.from.toISOString(),
      to: scope.to.toISOString(),
      data,
    };
  }

  async problemSkus(tenantId: string, query: ProblemSkusQuery): Promise<ProblemSkusView> {
    const { scope } = await this.period(tenantId, query);
    const policy = await this.indicatorPolicies.get(tenantId);
    const rows = await this.repository.problemSkus(scope, query.limit ?? 20, PROBLEM_SKU_MIN_CASES);
    return {
      from: scope.from.toISOString(),
      to: scope.to.toISOString(),
      previousFrom: new Date(2 * scope.from.getTime() - scope.to.getTime()).toISOString(),
      data: rows.map((row) => {
        const change = row.previous_count > 0 ? (row.count - row.previous_count) / row.previous_count : null;
        const rise = (row.count - row.previous_count) / Math.max(row.previous_count, 1);
        return {
          sku: row.sku,
          title: row.title,
          count: row.count,
          share: rounded(ratio(row.count, row.total)) ?? 0,
          previousCount: row.previous_count,
          change: rounded(change),
          dominantCategory: row.dominant_category,
          flagged: row.count >= PROBLEM_SKU_MIN_CASES && rise >= policy.problemSkuRiseMin,
        };
      }),
    };
  }

  /** The indicators over the policy's rolling window ending now, for the periodic check. */
  async currentIndicators(tenantId: string): Promise<IndicatorReading[]> {
    const policy = await this.indicatorPolicies.get(tenantId);
    const to = new Date();
    const from = new Date(to.getTime() - policy.windowHours * 3_600_000);
    const { scope } = await this.period(tenantId, { from: from.toISOString(), to: to.toISOString() });
    const [rows, maxRise] = await Promise.all([
      this.repository.figures(scope, null),
      this.repository.maxSkuRise(scope, PROBLEM_SKU_MIN_CASES),
    ]);
    return this.indicators(rows[0], maxRise, policy);
  }

  private indicators(row: FigureRow, maxRise: number | null, policy: IndicatorPolicy): IndicatorReading[] {
    return evaluateIndicators(
      {
        firstResponseP90Seconds: row.fr_p90 === null ? null : Math.round(row.fr_p90),
        handlingP90Seconds: row.res_p90 === null ? null : Math.round(row.res_p90),
        satisfiedShare: rounded(ratio(row.csat_satisfied, row.csat_responses)),
        slaAttainment: rounded(ratio(row.sla_met + row.sla_warned, row.sla_total)),
        breachCount: row.sla_breached,
        problemSkuRise: rounded(maxRise),
      },
      policy,
    );
  }

  private durations(row: FigureRow, prefix: 'fr' | 'res'): DurationFigures {
    const round = (value: number | null) => (value === null ? null : Math.round(value));
    return {
      count: row[`${prefix}_count`],
      meanSeconds: round(row[`${prefix}_mean`]),
      p50Seconds: round(row[`${prefix}_p50`]),
      p90Seconds: round(row[`${prefix}_p90`]),
    };
  }

  private sla(row: FigureRow): SlaFigures {
    return {
      total: row.sla_total,
      met: row.sla_met,
      warned: row.sla_warned,
      breached: row.sla_breached,
      attainment: rounded(ratio(row.sla_met + row.sla_warned, row.sla_total)),
    };
  }

  private satisfaction(row: FigureRow): SatisfactionFigures {
    return {
      responses: row.csat_responses,
      average: rounded(row.csat_average),
      satisfiedShare: rounded(ratio(row.csat_satisfied, row.csat_responses)),
    };
  }

  private async period(tenantId: string, query: PeriodQuery): Promise<Period> {
    const to = query.to ? new Date(query.to) : new Date();
    const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_PERIOD_MS);
    const problems: { field: string; problems: string[] }[] = [];
    if (from.getTime() >= to.getTime()) problems.push({ field: 'from', problems: ['must be before to'] });
    if (to.getTime() - from.getTime() > MAX_PERIOD_MS)
      problems.push({ field: 'from', problems: ['the period is longer than three years'] });
    if (query.tz !== undefined && !isValidTimeZone(query.tz))
      problems.push({ field: 'tz', problems: ['must be an IANA time zone such as Asia/Shanghai'] });
    if (problems.length > 0) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        problems.map((p) => `${p.field}: ${p.problems.join('; ')}`).join(' | '),
        problems,
      );
    }
    const { calendars, zone } = await this.calendars(tenantId);
    return { scope: { tenantId, from, to, calendars }, tz: query.tz ?? zone };
  }

  /** Lays out (once per calendar, shared by tenants with the same one) every business-hours calendar in use. */
  private async calendars(tenantId: string): Promise<{ calendars: CalendarMap; zone: string }> {
    const set = await this.slaPolicies.get(tenantId);
    const calendars: CalendarMap = {};
    let zone: string | null = null;
    for (const severity of ['normal', ...SEVERITIES.filter((s) => s !== 'normal')] as const) {
      const hours = set.policies[severity].businessHours;
      if (!hours) continue;
      zone ??= hours.timezone;
      const key = calendarKey(hours, set.holidays);
      if (!this.knownCalendars.has(key)) {
        if (!(await this.repository.hasCalendar(key))) {
          await this.repository.saveCalendar(key, calendarDays(hours, set.holidays));
        }
        this.knownCalendars.add(key);
      }
      calendars[severity] = { key, tz: hours.timezone };
    }
    return { calendars, zone: zone ?? 'UTC' };
  }
}

export type { AnalyticsGroupBy };
