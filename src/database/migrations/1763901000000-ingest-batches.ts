import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batched ingestion: workers claim stored events with `FOR UPDATE SKIP LOCKED`; an event whose resolution
 * failed for a passing reason waits until `next_attempt_at` before it can be claimed again.
 */
export class IngestBatches1763901000000 implements MigrationInterface {
  name = 'IngestBatches1763901000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE inbound_events ADD COLUMN next_attempt_at timestamptz(3);`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE inbound_events DROP COLUMN next_attempt_at;`);
  }
}
