import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Outbox ids are uuids, which have no order; the event stream needs one to resume from `Last-Event-ID`.
 * The sequence is assigned at insert, so writers need not change.
 */
export class OutboxSequence1763905000000 implements MigrationInterface {
  name = 'OutboxSequence1763905000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE outbox_events ADD COLUMN seq bigserial;
      CREATE UNIQUE INDEX outbox_events_seq_idx ON outbox_events (seq);
      CREATE INDEX outbox_events_tenant_seq_idx ON outbox_events (tenant_id, seq);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX outbox_events_tenant_seq_idx;
      DROP INDEX outbox_events_seq_idx;
      ALTER TABLE outbox_events DROP COLUMN seq;
    `);
  }
}
