import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { CalendarDay } from './calendar-days';
import type { IndicatorKey, IndicatorState } from './indicator-policy.types';

/**
 * Every SQL statement of the indicators, in one place. It reads `tickets` and `ticket_events` read-only for
 * reporting (the tickets repository owns all writes to them), and owns the analytics tables: calendars,
 * indicator policies and indicator states.
 */

export const GROUP_COLUMNS = {
  platform: 't.platform',
  connection: 't.connection_id::text',
  department: 't.department',
  category: 't.category',
  severity: 't.severity',
} as const;
export type AnalyticsGroupBy = keyof typeof GROUP_COLUMNS;

/** Which calendar each SLA policy (severity) measures its working time on; absent means around the clock. */
export type CalendarMap = Partial<Record<string, { key: string; tz: string }>>;

export interface Scope {
  tenantId: string;
  from: Date;
  to: Date;
  calendars: CalendarMap;
}

/** Per report query: percentiles sort every duration of the period. */
const REPORT_WORK_MEM = '32MB';
const OPEN_STATUSES = `('new', 'open', 'pending')`;
const DONE_STATUSES = `('solved', 'closed')`;

/** Working seconds on a calendar from its first day until `instant`, given the row `day` of the instant's day. */
const cumulative = (day: string, instant: string): string =>
  `(${day}.before_seconds + coalesce(extract(epoch FROM least(greatest(${instant}, ${day}.opens_at), ${day}.closes_at) - ${day}.opens_at), 0))`;

/** Joins the calendar row of the local day of `instant` on the ticket's calendar (`s.cal_key`) as `alias`. */
const calendarDay = (alias: string, instant: string): string =>
  `LEFT JOIN analytics_calendar_days ${alias} ON ${alias}.calendar_key = s.cal_key
     AND ${alias}.day = (${instant} AT TIME ZONE s.cal_tz)::date`;

/**
 * The calendar of each SLA policy from the calendar map `param` (read once, not per ticket), joined to the
 * tickets `t` on their policy (or severity) as `c`.
 */
const policyCalendar = (param: string): string =>
  `LEFT JOIN (SELECT p.key AS policy, p.value->>'key' AS key, p.value->>'tz' AS tz FROM jsonb_each(${param}::jsonb) p) c
     ON c.policy = coalesce(t.sla_policy, t.severity)`;

/** The columns of a ticket the figures read (not the whole row: the text, items and raw case stay behind). */
const SCOPE_COLUMNS = [
  'status',
  'platform',
  'connection_id',
  'department',
  'category',
  'severity',
  'created_at',
  'sla_policy',
  'sla_first_responded_at',
  'sla_paused_ms',
  'sla_first_response_alert',
  'sla_resolution_alert',
  'csat_score',
  'refunded_amount_minor',
  'agent_touches',
  'reopened',
]
  .map((column) => `t.${column}`)
  .join(', ');

/**
 * The tickets created in the period with their durations in working seconds: from the start of the SLA clock
 * (or creation) to the first response, and to resolution less the time spent paused. Working time is the
 * difference of two cumulative look-ups, joined (not called per row) so the planner can hash them. Outside the
 * laid-out calendar, or around the clock, it is wall-clock time. `$1` tenant, `$2`/`$3` the period, `$4` the
 * calendar map.
 */
const TIMED = `
  scope AS (
    SELECT ${SCOPE_COLUMNS}, coalesce(t.sla_started_at, t.created_at) AS started,
           c.key AS cal_key, c.tz AS cal_tz, coalesce(t.sla_resolved_at, t.solved_at) AS resolved
      FROM tickets t ${policyCalendar('$4')}
     WHERE t.tenant_id = $1 AND t.created_at >= $2 AND t.created_at < $3
  ),
  timed AS (
    SELECT s.*,
      CASE WHEN ds.day IS NOT NULL AND df.day IS NOT NULL
           THEN ${cumulative('df', 's.sla_first_responded_at')} - ${cumulative('ds', 's.started')} END AS fr_business,
      CASE WHEN ds.day IS NOT NULL AND dr.day IS NOT NULL
           THEN ${cumulative('dr', 's.resolved')} - ${cumulative('ds', 's.started')} END AS res_business
      FROM scope s
      ${calendarDay('ds', 's.started')}
      ${calendarDay('df', 's.sla_first_responded_at')}
      ${calendarDay('dr', 's.resolved')}
  ),
  measured AS (
    SELECT m.*,
      CASE WHEN m.sla_first_responded_at IS NULL THEN NULL
           ELSE greatest(0, coalesce(m.fr_business, extract(epoch FROM m.sla_first_responded_at - m.started))) END
        AS fr_seconds,
      CASE WHEN m.resolved IS NULL THEN NULL
           ELSE greatest(0, coalesce(m.res_business, extract(epoch FROM m.resolved - m.started)) - m.sla_paused_ms / 1000.0) END
        AS res_seconds,
      CASE WHEN m.sla_policy IS NULL THEN NULL
           WHEN m.sla_first_response_alert = 'breached' OR m.sla_resolution_alert = 'breached' THEN 'breached'
           WHEN m.sla_first_response_alert = 'warning' OR m.sla_resolution_alert = 'warning' THEN 'warned'
           ELSE 'met' END AS sla_outcome
      FROM timed m
  )`;

export interface FigureRow {
  group_key: string | null;
  grouped: number;
  total: number;
  fr_count: number;
  fr_mean: number | null;
  fr_p50: number | null;
  fr_p90: number | null;
  res_count: number;
  res_mean: number | null;
  res_p50: number | null;
  res_p90: number | null;
  sla_total: number;
  sla_met: number;
  sla_warned: number;
  sla_breached: number;
  csat_responses: number;
  csat_average: number | null;
  csat_satisfied: number;
  fcr_solved: number;
  fcr_single: number;
  ever_solved: number;
  reopened: number;
}

export interface CountRow {
  dimension: string;
  key: string;
  count: number;
}

export interface RefundRow {
  group_key: string | null;
  grouped: number;
  currency: string;
  count: number;
  amount_minor: string;
}

export interface BacklogRow {
  open: number;
  mean_age: number | null;
  oldest_age: number | null;
}

export interface SkuRow {
  sku: string;
  title: string | null;
  count: number;
  previous_count: number;
  dominant_category: string;
  total: number;
  max_rise: number | null;
}

export interface BucketRow {
  local: string;
  instant: Date;
  group_key: string | null;
  grouped: number;
  total: number;
  fr_p90: number | null;
  res_p90: number | null;
  sla_total: number;
  sla_breached: number;
  refunds: number;
  csat_average: number | null;
}

export interface StoredIndicatorState {
  key: IndicatorKey;
  state: IndicatorState;
}

const FIGURES = `
  count(*)::int AS total,
  count(fr_seconds)::int AS fr_count,
  avg(fr_seconds)::float8 AS fr_mean,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY fr_seconds)::float8 AS fr_p50,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY fr_seconds)::float8 AS fr_p90,
  count(res_seconds)::int AS res_count,
  avg(res_seconds)::float8 AS res_mean,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY res_seconds)::float8 AS res_p50,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY res_seconds)::float8 AS res_p90,
  count(sla_outcome)::int AS sla_total,
  count(*) FILTER (WHERE sla_outcome = 'met')::int AS sla_met,
  count(*) FILTER (WHERE sla_outcome = 'warned')::int AS sla_warned,
  count(*) FILTER (WHERE sla_outcome = 'breached')::int AS sla_breached,
  count(csat_score)::int AS csat_responses,
  avg(csat_score)::float8 AS csat_average,
  count(*) FILTER (WHERE csat_score >= 4)::int AS csat_satisfied,
  count(*) FILTER (WHERE touches >= 1)::int AS fcr_solved,
  count(*) FILTER (WHERE touches = 1)::int AS fcr_single,
  count(*) FILTER (WHERE solved_now OR reopened)::int AS ever_solved,
  count(*) FILTER (WHERE reopened)::int AS reopened`;

/**
 * First-contact resolution and reopens, from the counts the timeline keeps on each ticket (`agent_touches`:
 * `action.requested` events by an agent, each decision or reply sent to the buyer or platform; `reopened`: ever moved from solved/closed back to work), kept
 * as events are written by the trigger of migration 1764400000000.
 */
const WORKFLOW = `
  worked AS (
    SELECT w.*,
      w.status IN ${DONE_STATUSES} AS solved_now,
      CASE WHEN w.status IN ${DONE_STATUSES} THEN w.agent_touches END AS touches
      FROM measured w
  )`;

@Injectable()
export class AnalyticsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A report query in its own transaction without JIT (PostgreSQL's JIT compiles these aggregates for longer,
   * hundreds of milliseconds, than they take to run) and with room to sort a month of durations in memory.
   */
  private report<T>(sql: string, params: unknown[]): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL jit = off; SET LOCAL work_mem = '${REPORT_WORK_MEM}'`);
      return (await manager.query(sql, params)) as T;
    });
  }

  private params(scope: Scope): unknown[] {
    return [scope.tenantId, scope.from, scope.to, JSON.stringify(scope.calendars)];
  }

  /** The figures for the whole period, and per group when asked (`grouped` = 1 on group rows). */
  async figures(scope: Scope, groupBy: AnalyticsGroupBy | null): Promise<FigureRow[]> {
    const group = groupBy ? GROUP_COLUMNS[groupBy].replace('t.', 'k.') : null;
    const rows = (await this.report(
      `WITH ${TIMED}, ${WORKFLOW}
       SELECT ${group ?? 'NULL::text'} AS group_key, ${group ? `GROUPING(${group})` : '1'}::int AS grouped_raw,
              ${FIGURES}
         FROM worked k
        GROUP BY ${group ? `GROUPING SETS ((), (${group}))` : '()'}`,
      this.params(scope),
    )) as (FigureRow & { grouped_raw: number })[];
    return rows.map((row) => ({ ...row, grouped: group && row.grouped_raw === 0 ? 1 : 0 }));
  }

  /**
   * Counts per status, stage, platform, department, category and severity: one pass over the period counts
   * each combination, and the six dimensions are summed from those few rows.
   */
  counts(scope: Scope): Promise<CountRow[]> {
    return this.report(
      `WITH combinations AS (
         SELECT status, stage, platform, department, category, severity, count(*) AS n
           FROM tickets
          WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3
          GROUP BY status, stage, platform, department, category, severity
       )
       SELECT CASE WHEN GROUPING(status) = 0 THEN 'status' WHEN GROUPING(stage) = 0 THEN 'stage'
                   WHEN GROUPING(platform) = 0 THEN 'platform' WHEN GROUPING(department) = 0 THEN 'department'
                   WHEN GROUPING(category) = 0 THEN 'category' ELSE 'severity' END AS dimension,
              coalesce(status, stage, platform, department, category, severity) AS key,
              sum(n)::int AS count
         FROM combinations
        GROUP BY GROUPING SETS ((status), (stage), (platform), (department), (category), (severity))`,
      [scope.tenantId, scope.from, scope.to],
    );
  }

  /** Refunded cases and amounts per currency, overall and per group. */
  async refunds(scope: Scope, groupBy: AnalyticsGroupBy | null): Promise<RefundRow[]> {
    const group = groupBy ? GROUP_COLUMNS[groupBy] : null;
    const sets = group
      ? `GROUPING SETS ((t.refunded_currency), (${group}, t.refunded_currency))`
      : 't.refunded_currency';
    const rows = (await this.report(
      `SELECT ${group ?? 'NULL::text'} AS group_key, ${group ? `GROUPING(${group})` : '1'}::int AS grouped_raw,
              t.refunded_currency AS currency, count(*)::int AS count, sum(t.refunded_amount_minor)::text AS amount_minor
         FROM tickets t
        WHERE t.tenant_id = $1 AND t.created_at >= $2 AND t.created_at < $3
          AND t.refunded_amount_minor > 0 AND t.refunded_currency IS NOT NULL
        GROUP BY ${sets}
        ORDER BY currency`,
      [scope.tenantId, scope.from, scope.to],
    )) as (RefundRow & { grouped_raw: number })[];
    return rows.map((row) => ({ ...row, grouped: group && row.grouped_raw === 0 ? 1 : 0 }));
  }

  /** Cases still open that were created before the end of the period, aged in working seconds until now. */
  async backlog(scope: Scope): Promise<BacklogRow> {
    const [row] = (await this.report(
      `WITH s AS (
         SELECT coalesce(t.sla_started_at, t.created_at) AS started, c.key AS cal_key, c.tz AS cal_tz
           FROM tickets t ${policyCalendar('$3')}
          WHERE t.tenant_id = $1 AND t.created_at < $2 AND t.status IN ${OPEN_STATUSES}
       ), aged AS (
         SELECT greatest(0, CASE WHEN ds.day IS NOT NULL AND dn.day IS NOT NULL
                  THEN ${cumulative('dn', 'now()')} - ${cumulative('ds', 's.started')}
                  ELSE extract(epoch FROM now() - s.started) END) AS age
           FROM s
           ${calendarDay('ds', 's.started')}
           ${calendarDay('dn', 'now()')}
       )
       SELECT count(*)::int AS open, avg(age)::float8 AS mean_age, max(age)::float8 AS oldest_age FROM aged`,
      [scope.tenantId, scope.to, JSON.stringify(scope.calendars)],
    )) as BacklogRow[];
    return row;
  }

  /**
   * SKUs by the number of cases naming them in the period, against the previous period of the same length,
   * from `ticket_skus` (one row per ticket and SKU, kept by triggers on `tickets`); the dominant category is
   * the one with the most of the period's cases (the first by name on a tie). `max_rise` is the largest rise of any SKU with at least `minCases` cases (a new SKU rises from one).
   */
  problemSkus(scope: Scope, limit: number, minCases: number): Promise<SkuRow[]> {
    const previousFrom = new Date(2 * scope.from.getTime() - scope.to.getTime());
    return this.report(
      `WITH lines AS (
         SELECT s.category, s.created_at >= $2 AS current, s.sku, s.title
           FROM ticket_skus s
          WHERE s.tenant_id = $1 AND s.created_at >= $4 AND s.created_at < $3
       ), categories AS (
         SELECT DISTINCT ON (sku) sku, category
           FROM (SELECT sku, category, count(*) AS cases FROM lines WHERE current GROUP BY sku, category) c
          ORDER BY sku, cases DESC, category
       ), per_sku AS (
         SELECT l.sku, max(l.title) FILTER (WHERE l.current) AS title,
                count(*) FILTER (WHERE l.current)::int AS count,
                count(*) FILTER (WHERE NOT l.current)::int AS previous_count
           FROM lines l
          GROUP BY l.sku
       ), ranked AS (
         SELECT p.*, c.category AS dominant_category,
                max((p.count - p.previous_count)::float8 / greatest(p.previous_count, 1))
                  FILTER (WHERE p.count >= $6) OVER () AS max_rise
           FROM per_sku p LEFT JOIN categories c ON c.sku = p.sku WHERE p.count > 0
       )
       SELECT r.*, (SELECT count(*)::int FROM tickets t WHERE t.tenant_id = $1 AND t.created_at >= $2 AND t.created_at < $3) AS total
         FROM ranked r
        ORDER BY r.count DESC, r.sku
        LIMIT $5`,
      [scope.tenantId, scope.from, scope.to, previousFrom, limit, minCases],
    );
  }

  /** The largest rise of a problem SKU, for the periodic check (no listing needed). */
  async maxSkuRise(scope: Scope, minCases: number): Promise<number | null> {
    const previousFrom = new Date(2 * scope.from.getTime() - scope.to.getTime());
    const [row] = await this.report<{ max_rise: number | null }[]>(
      `SELECT max((p.count - p.previous_count)::float8 / greatest(p.previous_count, 1)) AS max_rise
         FROM (SELECT count(*) FILTER (WHERE s.created_at >= $2) AS count,
                      count(*) FILTER (WHERE s.created_at < $2) AS previous_count
                 FROM ticket_skus s
                WHERE s.tenant_id = $1 AND s.created_at >= $4 AND s.created_at < $3
                GROUP BY s.sku) p
        WHERE p.count > 0 AND p.count >= $5`,
      [scope.tenantId, scope.from, scope.to, previousFrom, minCases],
    );
    return row?.max_rise ?? null;
  }

  /** Figures per time bucket on the zone's wall clock, empty buckets included. */
  async buckets(
    scope: Scope,
    interval: 'hour' | 'day',
    tz: string,
    groupBy: AnalyticsGroupBy | null,
  ): Promise<BucketRow[]> {
    const group = groupBy ? GROUP_COLUMNS[groupBy].replace('t.', 'k.') : null;
    const BUCKET = `date_trunc('${interval}', k.created_at AT TIME ZONE $5)`;
    const rows = (await this.report(
      `WITH ${TIMED},
       series AS (
         SELECT generate_series(date_trunc('${interval}', $2::timestamptz AT TIME ZONE $5),
                                ($3::timestamptz - interval '1 microsecond') AT TIME ZONE $5,
                                interval '1 ${interval}') AS local
       ),
       per_bucket AS (
         SELECT ${BUCKET} AS local,
                ${group ?? 'NULL::text'} AS group_key, ${group ? `GROUPING(${group})` : '1'}::int AS grouped_raw,
                count(*)::int AS total,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY k.fr_seconds)::float8 AS fr_p90,
                percentile_cont(0.9) WITHIN GROUP (ORDER BY k.res_seconds)::float8 AS res_p90,
                count(k.sla_outcome)::int AS sla_total,
                count(*) FILTER (WHERE k.sla_outcome = 'breached')::int AS sla_breached,
                count(*) FILTER (WHERE k.refunded_amount_minor > 0)::int AS refunds,
                avg(k.csat_score)::float8 AS csat_average
           FROM measured k
          GROUP BY ${group ? `GROUPING SETS ((${BUCKET}), (${BUCKET}, ${group}))` : BUCKET}
       )
       SELECT to_char(s.local, 'YYYY-MM-DD"T"HH24:MI:SS') AS local, s.local AT TIME ZONE $5 AS instant,
              b.group_key, coalesce(b.grouped_raw, 1) AS grouped_raw,
              coalesce(b.total, 0) AS total, b.fr_p90, b.res_p90, coalesce(b.sla_total, 0) AS sla_total,
              coalesce(b.sla_breached, 0) AS sla_breached, coalesce(b.refunds, 0) AS refunds, b.csat_average
         FROM series s LEFT JOIN per_bucket b ON b.local = s.local
        ORDER BY s.local, b.group_key NULLS FIRST`,
      [...this.params(scope), tz],
    )) as (BucketRow & { grouped_raw: number })[];
    return rows.map((row) => ({ ...row, grouped: group && row.grouped_raw === 0 ? 1 : 0 }));
  }

  async hasCalendar(key: string): Promise<boolean> {
    const rows = (await this.dataSource.query(
      `SELECT 1 FROM analytics_calendar_days WHERE calendar_key = $1 LIMIT 1`,
      [key],
    )) as unknown[];
    return rows.length > 0;
  }

  /** One statement for the whole calendar; a concurrent writer of the same calendar writes the same rows. */
  async saveCalendar(key: string, days: CalendarDay[]): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO analytics_calendar_days (calendar_key, day, opens_at, closes_at, before_seconds)
       SELECT $1, d.day, d.opens_at, d.closes_at, d.before_seconds
         FROM unnest($2::date[], $3::timestamptz[], $4::timestamptz[], $5::float8[])
              AS d(day, opens_at, closes_at, before_seconds)
       ON CONFLICT (calendar_key, day) DO NOTHING`,
      [
        key,
        days.map((d) => d.day),
        days.map((d) => d.opensAt),
        days.map((d) => d.closesAt),
        days.map((d) => d.beforeSeconds),
      ],
    );
  }

  async loadPolicy(tenantId: string): Promise<{ policy: Record<string, unknown>; updated_at: Date } | null> {
    const rows = (await this.dataSource.query(
      `SELECT policy, updated_at FROM indicator_policies WHERE tenant_id = $1`,
      [tenantId],
    )) as { policy: Record<string, unknown>; updated_at: Date }[];
    return rows[0] ?? null;
  }

  async savePolicy(tenantId: string, policy: object): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO indicator_policies (tenant_id, policy, updated_at) VALUES ($1, $2::jsonb, now())
       ON CONFLICT (tenant_id) DO UPDATE SET policy = EXCLUDED.policy, updated_at = now()`,
      [tenantId, JSON.stringify(policy)],
    );
  }

  /** Tenants with any case in the window: the only ones whose indicators can have moved. */
  async activeTenants(since: Date): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM tenants tn
        WHERE EXISTS (SELECT 1 FROM tickets t WHERE t.tenant_id = tn.id AND t.created_at >= $1)
           OR EXISTS (SELECT 1 FROM indicator_states s WHERE s.tenant_id = tn.id AND s.state <> 'ok')`,
      [since],
    )) as { id: string }[];
    return rows.map((row) => row.id);
  }

  get manager(): DataSource['manager'] {
    return this.dataSource.manager;
  }

  transaction<T>(work: (manager: DataSource['manager']) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Moves one indicator to its new state and returns the state it left, or undefined when it did not move.
   * The row lock makes two checkers agree on who saw the crossing, so it is announced once.
   */
  async moveState(
    manager: DataSource['manager'],
    tenantId: string,
    key: IndicatorKey,
    state: IndicatorState,
    value: number | null,
    threshold: number,
  ): Promise<{ previous: IndicatorState } | undefined> {
    // An indicator never checked before counts as ok; the row exists before it is locked, so two checkers
    // racing on a tenant's first check still serialise on it.
    await manager.query(
      `INSERT INTO indicator_states (tenant_id, key, state, threshold) VALUES ($1, $2, 'ok', $3)
       ON CONFLICT (tenant_id, key) DO NOTHING`,
      [tenantId, key, threshold],
    );
    const [{ state: previous }] = (await manager.query(
      `SELECT state FROM indicator_states WHERE tenant_id = $1 AND key = $2 FOR UPDATE`,
      [tenantId, key],
    )) as { state: IndicatorState }[];
    await manager.query(
      `UPDATE indicator_states SET state = $3, value = $4, threshold = $5, checked_at = now(),
         changed_at = CASE WHEN state = $3 THEN changed_at ELSE now() END
       WHERE tenant_id = $1 AND key = $2`,
      [tenantId, key, state, value, threshold],
    );
    return previous === state ? undefined : { previous };
  }
}
