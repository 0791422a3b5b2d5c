import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The inbox filtered by platform, newest first: a search combined with that filter walks only the platform's
 * tickets instead of the whole tenant's.
 */
export class TicketsPlatformIndex1763906030000 implements MigrationInterface {
  name = 'TicketsPlatformIndex1763906030000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX tickets_platform_idx ON tickets (tenant_id, platform, created_at DESC, id DESC)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX tickets_platform_idx`);
  }
}
