import type { MigrationInterface, QueryRunner } from 'typeorm';

/** History imported from a date, beside the live pull: its own cursor, so live cases keep arriving meanwhile. */
export class ConnectionBackfill1763906040000 implements MigrationInterface {
  name = 'ConnectionBackfill1763906040000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE connections
        ADD COLUMN backfill_requested_since timestamptz(3),
        ADD COLUMN backfill_since timestamptz(3),
        ADD COLUMN backfill_cursor text,
        ADD COLUMN backfill_pages integer NOT NULL DEFAULT 0,
        ADD COLUMN backfill_cases integer NOT NULL DEFAULT 0,
        ADD COLUMN backfill_started_at timestamptz(3),
        ADD COLUMN backfill_completed_at timestamptz(3);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE connections
        DROP COLUMN backfill_requested_since, DROP COLUMN backfill_since, DROP COLUMN backfill_cursor,
        DROP COLUMN backfill_pages, DROP COLUMN backfill_cases, DROP COLUMN backfill_started_at,
        DROP COLUMN backfill_completed_at;
    `);
  }
}
