import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Per-tenant fast-refund policy, and the delivery time it counts its window from. */
export class AutoRefund1763900400000 implements MigrationInterface {
  name = 'AutoRefund1763900400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE tickets ADD COLUMN delivered_at timestamptz(3);
      CREATE TABLE auto_refund_policies (
        tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        policy jsonb NOT NULL,
        updated_at timestamptz(3) NOT NULL DEFAULT now()
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE auto_refund_policies; ALTER TABLE tickets DROP COLUMN delivered_at;`);
  }
}
