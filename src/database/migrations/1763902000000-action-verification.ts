import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Actions the platform holds until the seller passes on a code it texted them (TOP's large refunds):
 * `needs_verification` with the platform's message, and the code kept only until the action is done.
 */
export class ActionVerification1763902000000 implements MigrationInterface {
  name = 'ActionVerification1763902000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE actions DROP CONSTRAINT actions_status_check;
      ALTER TABLE actions ADD CONSTRAINT actions_status_check
        CHECK (status IN ('pending', 'running', 'needs_verification', 'succeeded', 'failed'));
      ALTER TABLE actions ADD COLUMN verification_message text, ADD COLUMN verification_code text;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE actions DROP COLUMN verification_message, DROP COLUMN verification_code;
      ALTER TABLE actions DROP CONSTRAINT actions_status_check;
      ALTER TABLE actions ADD CONSTRAINT actions_status_check
        CHECK (status IN ('pending', 'running', 'succeeded', 'failed'));
    `);
  }
}
