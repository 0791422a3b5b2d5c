import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One GIN index over a ticket's platform and its search lexemes (`btree_gin` lets GIN index the plain text
 * column), replacing the index of the lexemes alone: a search with the platform filter reads only the matches
 * on that platform from the index, however many it has elsewhere, and a search without the filter reads the
 * lexemes' entries as before. `btree_gin` ships with PostgreSQL's contrib modules (in the Debian and Docker
 * packages).
 */
export class SearchFilterIndex1764800000000 implements MigrationInterface {
  name = 'SearchFilterIndex1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS btree_gin`);
    await queryRunner.query(
      `CREATE INDEX tickets_search_platform_idx ON tickets USING gin (platform, search_vector)`,
    );
    await queryRunner.query(`DROP INDEX tickets_search_idx`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX tickets_search_idx ON tickets USING gin (search_vector)`);
    await queryRunner.query(`DROP INDEX tickets_search_platform_idx`);
  }
}
