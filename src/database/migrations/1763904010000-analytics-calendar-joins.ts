import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Working time is computed with joins on the calendar days, which the planner can hash; the per-row function goes. */
export class AnalyticsCalendarJoins1763904010000 implements MigrationInterface {
  name = 'AnalyticsCalendarJoins1763904010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION IF EXISTS analytics_working_seconds(text, text, timestamptz, timestamptz)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION analytics_working_seconds(key text, tz text, a timestamptz, b timestamptz)
      RETURNS double precision LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT (SELECT d.before_seconds + coalesce(extract(epoch FROM least(greatest(b, d.opens_at), d.closes_at) - d.opens_at), 0)
                  FROM analytics_calendar_days d WHERE d.calendar_key = key AND d.day = (b AT TIME ZONE tz)::date)
             - (SELECT d.before_seconds + coalesce(extract(epoch FROM least(greatest(a, d.opens_at), d.closes_at) - d.opens_at), 0)
                  FROM analytics_calendar_days d WHERE d.calendar_key = key AND d.day = (a AT TIME ZONE tz)::date)
      $$;
    `);
  }
}
