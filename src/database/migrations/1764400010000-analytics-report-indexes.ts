import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The indicators read a period of tickets by creation time, a few short columns of each. Tickets are updated
 * many times over their life, so the rows of a period end up scattered over the table; these indexes carry
 * the columns the reports read, so a period (or the open backlog) is read from one compact range of an index
 * instead of one table page per ticket.
 */
export class AnalyticsReportIndexes1764400010000 implements MigrationInterface {
  name = 'AnalyticsReportIndexes1764400010000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX tickets_report_idx ON tickets (tenant_id, created_at)
        INCLUDE (status, stage, platform, connection_id, department, category, severity, sla_policy, sla_started_at,
                 sla_first_responded_at, sla_resolved_at, solved_at, sla_paused_ms, sla_first_response_alert,
                 sla_resolution_alert, csat_score, refunded_amount_minor, refunded_currency, agent_touches, reopened);
      DROP INDEX tickets_backlog_idx;
      CREATE INDEX tickets_backlog_idx ON tickets (tenant_id, created_at) INCLUDE (sla_started_at, sla_policy, severity)
        WHERE status IN ('new', 'open', 'pending');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX tickets_backlog_idx;
      CREATE INDEX tickets_backlog_idx ON tickets (tenant_id, created_at) WHERE status IN ('new', 'open', 'pending');
      DROP INDEX tickets_report_idx;
    `);
  }
}
