import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indicators: per-tenant thresholds, the last state of each indicator (so a crossing is announced once),
 * business-hours calendars as day rows (so working time is a join, not a loop), and the indexes the
 * analytics reads need at a million tickets.
 */
export class Analytics1763904000000 implements MigrationInterface {
  name = 'Analytics1763904000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE indicator_policies (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        policy jsonb NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      );

      CREATE TABLE indicator_states (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        key text NOT NULL,
        state text NOT NULL CHECK (state IN ('ok', 'warning', 'breached')),
        value double precision,
        threshold double precision NOT NULL,
        changed_at timestamptz(3) NOT NULL DEFAULT now(),
        checked_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      );

      -- One row per day of a business-hours calendar (identified by a hash of its hours, zone and holidays):
      -- working seconds before the day, and the day's open hours (null when closed). Working time between
      -- two instants is then the difference of two look-ups.
      CREATE TABLE analytics_calendar_days (
        calendar_key text NOT NULL,
        day date NOT NULL,
        opens_at timestamptz(3),
        closes_at timestamptz(3),
        before_seconds double precision NOT NULL,
        PRIMARY KEY (calendar_key, day)
      );

      -- Working seconds from a to b on a calendar; null when either instant is outside the generated days.
      CREATE FUNCTION analytics_working_seconds(key text, tz text, a timestamptz, b timestamptz)
      RETURNS double precision LANGUAGE sql STABLE PARALLEL SAFE AS $$
        SELECT (SELECT d.before_seconds + coalesce(extract(epoch FROM least(greatest(b, d.opens_at), d.closes_at) - d.opens_at), 0)
                  FROM analytics_calendar_days d WHERE d.calendar_key = key AND d.day = (b AT TIME ZONE tz)::date)
             - (SELECT d.before_seconds + coalesce(extract(epoch FROM least(greatest(a, d.opens_at), d.closes_at) - d.opens_at), 0)
                  FROM analytics_calendar_days d WHERE d.calendar_key = key AND d.day = (a AT TIME ZONE tz)::date)
      $$;

      CREATE INDEX tickets_backlog_idx ON tickets (tenant_id, created_at) WHERE status IN ('new', 'open', 'pending');
      CREATE INDEX ticket_events_agent_touch_idx ON ticket_events (ticket_id)
        WHERE actor_type = 'agent' AND type = 'action.requested';
      CREATE INDEX ticket_events_status_idx ON ticket_events (ticket_id) WHERE type = 'ticket.status_changed';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX ticket_events_status_idx;
      DROP INDEX ticket_events_agent_touch_idx;
      DROP INDEX tickets_backlog_idx;
      DROP FUNCTION analytics_working_seconds(text, text, timestamptz, timestamptz);
      DROP TABLE analytics_calendar_days;
      DROP TABLE indicator_states;
      DROP TABLE indicator_policies;
    `);
  }
}
