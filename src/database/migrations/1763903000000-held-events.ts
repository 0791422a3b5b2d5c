import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pushes to a paused connection are stored and held: acknowledged (so the platform neither retries nor
 * gives up on the webhook) but not turned into tickets until the connection is resumed.
 */
export class HeldEvents1763903000000 implements MigrationInterface {
  name = 'HeldEvents1763903000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE inbound_events DROP CONSTRAINT inbound_events_status_check,
        ADD CONSTRAINT inbound_events_status_check
          CHECK (status IN ('received', 'processed', 'ignored', 'failed', 'held'));
      CREATE INDEX inbound_events_held_idx ON inbound_events (connection_id) WHERE status = 'held';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX inbound_events_held_idx;
      UPDATE inbound_events SET status = 'received' WHERE status = 'held';
      ALTER TABLE inbound_events DROP CONSTRAINT inbound_events_status_check,
        ADD CONSTRAINT inbound_events_status_check
          CHECK (status IN ('received', 'processed', 'ignored', 'failed'));
    `);
  }
}
