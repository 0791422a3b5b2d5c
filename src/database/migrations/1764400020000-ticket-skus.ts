import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SKUs each ticket names, one row per ticket and SKU with the ticket's creation time and category, kept
 * by triggers on `tickets` as items are written: problem SKUs count a period's rows here instead of unpacking
 * every ticket's items. A SKU named twice on one ticket counts once, with the larger of its titles.
 */
export class TicketSkus1764400020000 implements MigrationInterface {
  name = 'TicketSkus1764400020000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ticket_skus (
        ticket_id uuid NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
        tenant_id uuid NOT NULL,
        created_at timestamptz(3) NOT NULL,
        sku text NOT NULL,
        title text,
        category text,
        PRIMARY KEY (ticket_id, sku)
      );
      CREATE INDEX ticket_skus_period_idx ON ticket_skus (tenant_id, created_at);

      -- The SKUs of a ticket's items, each once, with the larger of its titles.
      CREATE FUNCTION ticket_item_skus(items jsonb) RETURNS TABLE (sku text, title text)
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT i->>'sku', max(i->>'title')
          FROM jsonb_array_elements(CASE WHEN jsonb_typeof(items) = 'array' THEN items ELSE '[]' END) i
         WHERE i->>'sku' IS NOT NULL
         GROUP BY i->>'sku'
      $$;

      CREATE FUNCTION tickets_skus_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ticket_skus (ticket_id, tenant_id, created_at, sku, title, category)
        SELECT n.id, n.tenant_id, n.created_at, s.sku, s.title, n.category
          FROM inserted n CROSS JOIN LATERAL ticket_item_skus(n.items) s;
        RETURN NULL;
      END $$;

      CREATE FUNCTION tickets_skus_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        DELETE FROM ticket_skus WHERE ticket_id = NEW.id;
        INSERT INTO ticket_skus (ticket_id, tenant_id, created_at, sku, title, category)
        SELECT NEW.id, NEW.tenant_id, NEW.created_at, s.sku, s.title, NEW.category FROM ticket_item_skus(NEW.items) s;
        RETURN NULL;
      END $$;

      CREATE TRIGGER tickets_skus_insert AFTER INSERT ON tickets
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION tickets_skus_insert();
      CREATE TRIGGER tickets_skus_update AFTER UPDATE OF items, category, created_at ON tickets FOR EACH ROW
        WHEN (OLD.items IS DISTINCT FROM NEW.items OR OLD.category IS DISTINCT FROM NEW.category
              OR OLD.created_at IS DISTINCT FROM NEW.created_at)
        EXECUTE FUNCTION tickets_skus_update();

      INSERT INTO ticket_skus (ticket_id, tenant_id, created_at, sku, title, category)
      SELECT t.id, t.tenant_id, t.created_at, s.sku, s.title, t.category
        FROM tickets t CROSS JOIN LATERAL ticket_item_skus(t.items) s;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TRIGGER tickets_skus_update ON tickets;
      DROP TRIGGER tickets_skus_insert ON tickets;
      DROP FUNCTION tickets_skus_update();
      DROP FUNCTION tickets_skus_insert();
      DROP FUNCTION ticket_item_skus(jsonb);
      DROP TABLE ticket_skus;
    `);
  }
}
