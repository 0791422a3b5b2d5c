import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Channels per developer app (TOP TMC, Douyin's one push URL per app): connections are found by their app key
 * without decrypting every credential, and messages for a shop with no connection are kept, never guessed.
 * `app_key` and `app_fingerprint` are filled by the hub from the encrypted credentials (on create, on a
 * credential change, and at start-up for rows written before this column existed): the master key that opens
 * them is configuration, out of a migration's reach.
 */
export class AppChannels1764100000000 implements MigrationInterface {
  name = 'AppChannels1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE connections
        ADD COLUMN app_key text,
        ADD COLUMN app_fingerprint text;
      CREATE INDEX connections_app_key_idx ON connections (platform, app_key)
        WHERE deleted_at IS NULL AND app_key IS NOT NULL;

      CREATE TABLE unroutable_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        platform text NOT NULL,
        app_key text NOT NULL,
        app_fingerprint text NOT NULL,
        shop_keys text[] NOT NULL,
        dedupe_key text NOT NULL,
        event_type text NOT NULL,
        external_id text,
        payload text NOT NULL,
        received_at timestamptz(3) NOT NULL DEFAULT now(),
        attached_connection_id uuid REFERENCES connections (id) ON DELETE SET NULL,
        attached_at timestamptz(3),
        CONSTRAINT unroutable_messages_dedupe UNIQUE (platform, app_key, dedupe_key)
      );
      CREATE INDEX unroutable_messages_app_idx
        ON unroutable_messages (platform, app_fingerprint, received_at DESC, id DESC);
      CREATE INDEX unroutable_messages_waiting_idx
        ON unroutable_messages USING gin (shop_keys) WHERE attached_at IS NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE unroutable_messages;
      DROP INDEX connections_app_key_idx;
      ALTER TABLE connections DROP COLUMN app_key, DROP COLUMN app_fingerprint;
    `);
  }
}
