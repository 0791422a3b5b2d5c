import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every auto-refund verdict in a table of its own, so the dry-run log pages by time without reading timelines:
 * one row per ticket (the first verdict wins), with the ticket's number and platform kept beside it. Verdicts
 * already on timelines are copied in.
 */
export class AutoRefundDecisions1764500000000 implements MigrationInterface {
  name = 'AutoRefundDecisions1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auto_refund_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        ticket_id uuid NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        ticket_number bigint NOT NULL,
        platform text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('approved', 'dry_run', 'skipped')),
        dry_run boolean NOT NULL,
        amount_minor bigint,
        currency char(3),
        rules jsonb NOT NULL DEFAULT '[]',
        reason text,
        action_id uuid,
        decided_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT auto_refund_decisions_ticket UNIQUE (ticket_id)
      );
      CREATE INDEX auto_refund_decisions_tenant_idx
        ON auto_refund_decisions (tenant_id, decided_at DESC, id DESC);
      CREATE INDEX auto_refund_decisions_outcome_idx
        ON auto_refund_decisions (tenant_id, outcome, decided_at DESC, id DESC);

      INSERT INTO auto_refund_decisions (tenant_id, ticket_id, ticket_number, platform, outcome, dry_run,
        amount_minor, currency, rules, reason, action_id, decided_at)
      SELECT DISTINCT ON (e.ticket_id) e.tenant_id, e.ticket_id, t.number, t.platform,
        CASE e.type WHEN 'auto_refund.approved' THEN 'approved'
                    WHEN 'auto_refund.dry_run' THEN 'dry_run' ELSE 'skipped' END,
        CASE e.type WHEN 'auto_refund.approved' THEN false
                    WHEN 'auto_refund.dry_run' THEN true
                    ELSE coalesce((e.data->>'dryRun')::boolean, false) END,
        t.requested_amount_minor, t.requested_currency,
        CASE WHEN e.type = 'auto_refund.skipped' AND e.data ? 'rule'
               THEN jsonb_build_array(jsonb_build_object('rule', e.data->'rule', 'limit', e.data->'limit'))
             ELSE coalesce(e.data->'rules', '[]'::jsonb) END,
        e.data->>'reason',
        CASE WHEN e.data->>'actionId' ~* '^[0-9a-f-]{36}$' THEN (e.data->>'actionId')::uuid END,
        e.created_at
      FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
      WHERE e.type IN ('auto_refund.approved', 'auto_refund.dry_run', 'auto_refund.skipped')
      ORDER BY e.ticket_id, e.id
      ON CONFLICT (ticket_id) DO NOTHING;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE auto_refund_decisions;`);
  }
}
