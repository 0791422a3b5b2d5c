import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Push-back actions (the ledger that keeps decisions exactly-once), CSAT, and outbound webhook subscriptions. */
export class ActionsWebhooks1763900300000 implements MigrationInterface {
  name = 'ActionsWebhooks1763900300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE actions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        ticket_id uuid NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        connection_id uuid NOT NULL,
        type text NOT NULL,
        params jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'succeeded', 'failed')),
        idempotency_key text,
        decision_key text,
        actor_type text NOT NULL,
        actor_id text,
        attempts integer NOT NULL DEFAULT 0,
        conflict_retries integer NOT NULL DEFAULT 0,
        response jsonb,
        error text,
        error_code text,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        started_at timestamptz(3),
        completed_at timestamptz(3)
      );
      CREATE UNIQUE INDEX actions_idempotency_idx ON actions (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
      -- One live decision of a kind per ticket: a second approval while one is pending or done is refused.
      CREATE UNIQUE INDEX actions_decision_idx ON actions (ticket_id, decision_key) WHERE decision_key IS NOT NULL AND status <> 'failed';
      CREATE INDEX actions_ticket_idx ON actions (ticket_id, created_at);
      CREATE INDEX actions_unfinished_idx ON actions (updated_at) WHERE status IN ('pending', 'running');

      ALTER TABLE tickets ADD COLUMN csat_score smallint, ADD COLUMN csat_comment text, ADD COLUMN csat_at timestamptz(3),
        ADD COLUMN solved_at timestamptz(3), ADD COLUMN csat_requested_at timestamptz(3);
      CREATE INDEX tickets_csat_due_idx ON tickets (solved_at) WHERE status = 'solved' AND csat_requested_at IS NULL;

      CREATE TABLE webhook_subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        url text NOT NULL,
        events text[] NOT NULL,
        description text,
        enabled boolean NOT NULL DEFAULT true,
        secret_encrypted text NOT NULL,
        previous_secret_encrypted text,
        previous_secret_expires_at timestamptz,
        failing_since timestamptz,
        disabled_reason text,
        deleted_at timestamptz,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      );
      CREATE INDEX webhook_subscriptions_tenant_idx ON webhook_subscriptions (tenant_id) WHERE deleted_at IS NULL;

      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        subscription_id uuid NOT NULL REFERENCES webhook_subscriptions(id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
        last_status_code integer,
        last_error text,
        last_duration_ms integer,
        event_created_at timestamptz(3) NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        delivered_at timestamptz(3),
        CONSTRAINT webhook_deliveries_once UNIQUE (subscription_id, event_id)
      );
      CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (subscription_id, created_at DESC, id DESC);
      CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'retrying');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE webhook_deliveries;
      DROP TABLE webhook_subscriptions;
      ALTER TABLE tickets DROP COLUMN csat_score, DROP COLUMN csat_comment, DROP COLUMN csat_at, DROP COLUMN solved_at,
        DROP COLUMN csat_requested_at;
      DROP TABLE actions;
    `);
  }
}
