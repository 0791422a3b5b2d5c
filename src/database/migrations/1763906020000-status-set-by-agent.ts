import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When an agent last set a ticket's status by hand: a platform change older than that does not override it. */
export class StatusSetByAgent1763906020000 implements MigrationInterface {
  name = 'StatusSetByAgent1763906020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tickets ADD COLUMN status_set_by_agent_at timestamptz(3)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE tickets DROP COLUMN status_set_by_agent_at`);
  }
}
