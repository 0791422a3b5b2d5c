import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * First-contact resolution and the reopen rate read two facts of a ticket's timeline: how many times an agent
 * acted on it (`action.requested` by an agent) and whether it was ever moved from solved/closed back to work.
 * They are kept on the ticket as the timeline is written, by a statement-level trigger on `ticket_events`, so
 * the indicators read one row per ticket instead of probing the timeline of each. The event names and
 * statuses are those of src/analytics/analytics.repository.ts and src/tickets/ticket-vocabulary.ts as they
 * were when this ran.
 */
export class TicketTouchCounts1764400000000 implements MigrationInterface {
  name = 'TicketTouchCounts1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE tickets
        ADD COLUMN agent_touches integer NOT NULL DEFAULT 0,
        ADD COLUMN reopened boolean NOT NULL DEFAULT false;

      CREATE FUNCTION tickets_count_timeline() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE tickets t
           SET agent_touches = t.agent_touches + e.touches, reopened = t.reopened OR e.reopened
          FROM (SELECT ticket_id,
                       count(*) FILTER (WHERE type = 'action.requested' AND actor_type = 'agent')::int AS touches,
                       bool_or(type = 'ticket.status_changed' AND data->>'from' IN ('solved', 'closed')
                               AND data->>'to' IN ('new', 'open', 'pending')) AS reopened
                  FROM inserted
                 WHERE type IN ('action.requested', 'ticket.status_changed')
                 GROUP BY ticket_id) e
         WHERE t.id = e.ticket_id AND (e.touches > 0 OR (e.reopened AND NOT t.reopened));
        RETURN NULL;
      END $$;

      CREATE TRIGGER ticket_events_count AFTER INSERT ON ticket_events
        REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION tickets_count_timeline();

      UPDATE tickets t SET agent_touches = e.touches
        FROM (SELECT ticket_id, count(*)::int AS touches FROM ticket_events
               WHERE type = 'action.requested' AND actor_type = 'agent' GROUP BY ticket_id) e
       WHERE t.id = e.ticket_id;
      UPDATE tickets t SET reopened = true
       WHERE EXISTS (SELECT 1 FROM ticket_events e
                      WHERE e.ticket_id = t.id AND e.type = 'ticket.status_changed'
                        AND e.data->>'from' IN ('solved', 'closed') AND e.data->>'to' IN ('new', 'open', 'pending'));

      -- Only the per-ticket probes of the indicators used these.
      DROP INDEX ticket_events_agent_touch_idx;
      DROP INDEX ticket_events_status_idx;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE INDEX ticket_events_agent_touch_idx ON ticket_events (ticket_id)
        WHERE actor_type = 'agent' AND type = 'action.requested';
      CREATE INDEX ticket_events_status_idx ON ticket_events (ticket_id) WHERE type = 'ticket.status_changed';
      DROP TRIGGER ticket_events_count ON ticket_events;
      DROP FUNCTION tickets_count_timeline();
      ALTER TABLE tickets DROP COLUMN reopened, DROP COLUMN agent_touches;
    `);
  }
}
