import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A decision is unique per ticket, kind and the case state it answered (stage, platform version, upstream
 * modified time, amount refunded so far), so a case the buyer re-applies on can be decided again, and a
 * second partial refund is its own decision. One decision of a kind stays in flight at a time.
 */
export class DecisionScope1763906000000 implements MigrationInterface {
  name = 'DecisionScope1763906000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE actions ADD COLUMN decision_scope text NOT NULL DEFAULT '';
      DROP INDEX actions_decision_idx;
      CREATE UNIQUE INDEX actions_decision_idx ON actions (ticket_id, decision_key, decision_scope)
        WHERE decision_key IS NOT NULL AND status <> 'failed';
      CREATE UNIQUE INDEX actions_decision_in_flight_idx ON actions (ticket_id, decision_key)
        WHERE decision_key IS NOT NULL AND status IN ('pending', 'running');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX actions_decision_in_flight_idx;
      DROP INDEX actions_decision_idx;
      CREATE UNIQUE INDEX actions_decision_idx ON actions (ticket_id, decision_key) WHERE decision_key IS NOT NULL AND status <> 'failed';
      ALTER TABLE actions DROP COLUMN decision_scope;
    `);
  }
}
