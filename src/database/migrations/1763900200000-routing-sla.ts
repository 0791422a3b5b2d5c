import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-tenant routing rules and SLA policies, group-incident detection, and the SLA clock of each ticket. */
export class RoutingSla1763900200000 implements MigrationInterface {
  name = 'RoutingSla1763900200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE routing_rules (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        rules jsonb NOT NULL,
        thresholds jsonb NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      );

      CREATE TABLE sla_policies (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        policies jsonb NOT NULL,
        holidays jsonb NOT NULL,
        platform_deadline_margin_minutes integer NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      );

      -- The latest tickets per SKU (as many as the incident threshold), inside the incident window.
      CREATE TABLE sku_activity (
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        sku text NOT NULL,
        ticket_ids uuid[] NOT NULL,
        raised_at timestamptz(3)[] NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, sku)
      );

      CREATE TABLE sku_incidents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        sku text NOT NULL,
        ticket_ids uuid[] NOT NULL,
        detected_at timestamptz(3) NOT NULL,
        window_ends_at timestamptz(3) NOT NULL
      );
      CREATE INDEX sku_incidents_active_idx ON sku_incidents (tenant_id, sku, window_ends_at DESC);

      ALTER TABLE tickets
        ADD COLUMN sla_started_at timestamptz(3),
        ADD COLUMN sla_paused_ms bigint NOT NULL DEFAULT 0,
        ADD COLUMN sla_first_response_warn_at timestamptz(3),
        ADD COLUMN sla_resolution_warn_at timestamptz(3),
        ADD COLUMN sla_first_response_alert text NOT NULL DEFAULT 'none'
          CHECK (sla_first_response_alert IN ('none', 'warning', 'breached')),
        ADD COLUMN sla_resolution_alert text NOT NULL DEFAULT 'none'
          CHECK (sla_resolution_alert IN ('none', 'warning', 'breached')),
        ADD COLUMN sla_next_check_at timestamptz(3),
        ADD COLUMN incident_id uuid REFERENCES sku_incidents(id) ON DELETE SET NULL;
      CREATE INDEX tickets_sla_next_check_idx ON tickets (sla_next_check_at) WHERE sla_next_check_at IS NOT NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE tickets
        DROP COLUMN incident_id,
        DROP COLUMN sla_next_check_at,
        DROP COLUMN sla_resolution_alert,
        DROP COLUMN sla_first_response_alert,
        DROP COLUMN sla_resolution_warn_at,
        DROP COLUMN sla_first_response_warn_at,
        DROP COLUMN sla_paused_ms,
        DROP COLUMN sla_started_at;
      DROP TABLE sku_incidents;
      DROP TABLE sku_activity;
      DROP TABLE sla_policies;
      DROP TABLE routing_rules;
    `);
  }
}
