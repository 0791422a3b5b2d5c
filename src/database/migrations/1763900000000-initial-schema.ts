import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763900000000 implements MigrationInterface {
  name = 'InitialSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tenants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        role text NOT NULL CHECK (role IN ('admin', 'agent', 'viewer')),
        name text,
        prefix text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );
      CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id, created_at);

      CREATE TABLE connections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        platform text NOT NULL,
        name text NOT NULL,
        shop_id text NOT NULL,
        api_base_url text,
        credentials_encrypted text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'error')),
        poll_interval_seconds integer NOT NULL,
        sync_cursor text,
        sync_last_started_at timestamptz,
        sync_last_success_at timestamptz,
        sync_last_error text,
        sync_last_error_at timestamptz,
        sync_next_run_at timestamptz,
        deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX connections_tenant_idx ON connections (tenant_id, created_at) WHERE deleted_at IS NULL;
      CREATE INDEX connections_due_idx ON connections (sync_next_run_at) WHERE deleted_at IS NULL AND status <> 'paused';

      CREATE TABLE inbound_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL,
        connection_id uuid NOT NULL REFERENCES connections(id) ON DELETE CASCADE,
        dedupe_key text NOT NULL,
        event_type text NOT NULL,
        external_id text,
        payload text NOT NULL,
        status text NOT NULL DEFAULT 'received' CHECK (status IN ('received', 'processed', 'ignored', 'failed')),
        error text,
        attempts integer NOT NULL DEFAULT 0,
        ticket_id uuid,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        CONSTRAINT inbound_events_dedupe UNIQUE (connection_id, dedupe_key)
      );
      CREATE INDEX inbound_events_pending_idx ON inbound_events (received_at) WHERE status = 'received';
      CREATE INDEX inbound_events_status_idx ON inbound_events (connection_id, status, received_at DESC);

      CREATE TABLE tickets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        number bigint NOT NULL,
        connection_id uuid NOT NULL REFERENCES connections(id),
        platform text NOT NULL,
        external_id text NOT NULL,
        external_order_id text,
        kind text NOT NULL,
        stage text NOT NULL,
        status text NOT NULL DEFAULT 'new',
        category text NOT NULL DEFAULT 'other',
        severity text NOT NULL DEFAULT 'normal',
        severity_rank smallint NOT NULL DEFAULT 1,
        department text NOT NULL DEFAULT 'customer_care',
        assignee_id text,
        tags text[] NOT NULL DEFAULT '{}',
        reason text,
        reason_code text,
        requested_amount_minor bigint,
        requested_currency char(3),
        refunded_amount_minor bigint,
        refunded_currency char(3),
        buyer jsonb,
        buyer_vip boolean NOT NULL DEFAULT false,
        items jsonb NOT NULL DEFAULT '[]',
        evidence jsonb NOT NULL DEFAULT '[]',
        sla_policy text,
        sla_first_response_due_at timestamptz(3),
        sla_resolution_due_at timestamptz(3),
        sla_first_responded_at timestamptz,
        sla_resolved_at timestamptz,
        sla_state text NOT NULL DEFAULT 'ok',
        sla_paused_at timestamptz,
        platform_deadline_at timestamptz,
        platform_version text,
        external_created_at timestamptz NOT NULL,
        external_updated_at timestamptz NOT NULL,
        manual_fields text[] NOT NULL DEFAULT '{}',
        raw jsonb,
        search_text text NOT NULL DEFAULT '',
        search_vector tsvector NOT NULL DEFAULT ''::tsvector,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz(3) NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        CONSTRAINT tickets_external UNIQUE (connection_id, external_id),
        CONSTRAINT tickets_number UNIQUE (tenant_id, number)
      );
      CREATE INDEX tickets_created_idx ON tickets (tenant_id, created_at DESC, id DESC);
      CREATE INDEX tickets_updated_idx ON tickets (tenant_id, updated_at DESC, id DESC);
      CREATE INDEX tickets_status_idx ON tickets (tenant_id, status, created_at DESC, id DESC);
      CREATE INDEX tickets_department_idx ON tickets (tenant_id, department, created_at DESC, id DESC);
      CREATE INDEX tickets_severity_idx ON tickets (tenant_id, severity_rank DESC, created_at DESC, id DESC);
      CREATE INDEX tickets_sla_due_idx ON tickets (tenant_id, (coalesce(sla_resolution_due_at, 'infinity'::timestamptz)), id);
      CREATE INDEX tickets_assignee_idx ON tickets (tenant_id, assignee_id, created_at DESC);
      CREATE INDEX tickets_order_idx ON tickets (tenant_id, external_order_id);
      CREATE INDEX tickets_tags_idx ON tickets USING gin (tags);
      CREATE INDEX tickets_search_idx ON tickets USING gin (search_vector);

      CREATE TABLE ticket_events (
        id bigserial PRIMARY KEY,
        tenant_id uuid NOT NULL,
        ticket_id uuid NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        type text NOT NULL,
        actor_type text NOT NULL CHECK (actor_type IN ('platform', 'automation', 'agent', 'system')),
        actor_id text,
        data jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE ticket_events;
      DROP TABLE tickets;
      DROP TABLE inbound_events;
      DROP TABLE connections;
      DROP TABLE api_keys;
      DROP TABLE tenants;
    `);
  }
}
