import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { InboundEventDraft } from '../../adapters/contract';
import { storableText } from '../common/input-text';
import type { Connection } from '../connections/connection.entity';
import type { InboundEventStatus } from './inbound-event.entity';

/** Longer ids (a 4,000-character `webhook-id`) are stored as their hash: still unique, and small enough to index. */
export const MAX_STORED_KEY_LENGTH = 200;

function storableKey(key: string): string {
  const text = storableText(key);
  return text.length > MAX_STORED_KEY_LENGTH
    ? `sha256:${createHash('sha256').update(text).digest('hex')}`
    : text;
}

/** A stored event claimed by a worker, locked until its batch commits. */
export interface ClaimedEvent {
  id: string;
  tenantId: string;
  connectionId: string;
  attempts: number;
  draft: InboundEventDraft;
}

/** How a claimed event ends its batch: done (`processed`, `ignored`, `failed`) or back to `received` for later. */
export interface EventOutcome {
  id: string;
  status: InboundEventStatus;
  ticketId: string | null;
  error: string | null;
  /** Only for `received`: not claimable before this time. */
  nextAttemptAt: Date | null;
}

/** Owner of `inbound_events`: the durable queue between ingress and the workers. */
@Injectable()
export class InboundEventRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores events with one statement whatever their number (arrays, not one bind parameter per value), so a
   * push of 11,000 messages is as safe as one of a single message; duplicates fall away on the unique key.
   * Returns the ids of the events that are new.
   */
  async store(
    connection: Pick<Connection, 'id' | 'tenantId'>,
    events: InboundEventDraft[],
    status: 'received' | 'held' = 'received',
  ): Promise<string[]> {
    if (events.length === 0) return [];
    const inserted = (await this.dataSource.query(
      `INSERT INTO inbound_events (tenant_id, connection_id, dedupe_key, event_type, external_id, payload, status)
       SELECT $1, $2, x.dedupe_key, x.event_type, x.external_id, x.payload, $7
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[]) AS x(dedupe_key, event_type, external_id, payload)
       ON CONFLICT (connection_id, dedupe_key) DO NOTHING
       RETURNING id`,
      [
        connection.tenantId,
        connection.id,
        events.map((event) => storableKey(event.dedupeKey)),
        events.map((event) => storableText(event.eventType)),
        events.map((event) => (event.externalId === null ? null : storableKey(event.externalId))),
        events.map((event) => storableText(event.payload)),
        status,
      ],
    )) as { id: string }[];
    return inserted.map((row) => row.id);
  }

  /** Events pushed while the connection was paused go in line; returns how many. */
  async release(connectionId: string): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `UPDATE inbound_events SET status = 'received' WHERE connection_id = $1 AND status = 'held'`,
      [connectionId],
    )) as [unknown, number];
    return count;
  }

  /** A pulled row the adapter could not map, kept as failed with its error. */
  async storeFailed(
    connection: Pick<Connection, 'id' | 'tenantId'>,
    event: InboundEventDraft,
    error: string,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO inbound_events (tenant_id, connection_id, dedupe_key, event_type, external_id, payload, status, error)
       VALUES ($1, $2, $3, $4, $5, $6, 'failed', $7)
       ON CONFLICT (connection_id, dedupe_key) DO NOTHING`,
      [
        connection.tenantId,
        connection.id,
        event.dedupeKey,
        event.eventType,
        event.externalId,
        event.payload,
        error,
      ],
    );
  }

  /**
   * Claims the oldest pending events in the caller's transaction. `SKIP LOCKED` lets any number of workers
   * claim side by side without waiting for, or taking, each other's events; a worker that dies releases its
   * claim with its connection.
   */
  async claim(manager: EntityManager, limit: number): Promise<ClaimedEvent[]> {
    const rows = (await manager.query(
      `SELECT id, tenant_id, connection_id, dedupe_key, event_type, external_id, payload, attempts
       FROM inbound_events
       WHERE status = 'received' AND (next_attempt_at IS NULL OR next_attempt_at <= now())
       ORDER BY received_at
       LIMIT $1
       FOR UPDATE SKIP LOCKED`,
      [limit],
    )) as {
      id: string;
      tenant_id: string;
      connection_id: string;
      dedupe_key: string;
      event_type: string;
      external_id: string | null;
      payload: string;
      attempts: number;
    }[];
    return rows.map((row) => ({
      id: row.id,
      tenantId: row.tenant_id,
      connectionId: row.connection_id,
      attempts: row.attempts,
      draft: {
        dedupeKey: row.dedupe_key,
        eventType: row.event_type,
        externalId: row.external_id,
        payload: row.payload,
      },
    }));
  }

  /** Every claimed event's outcome, one statement, in the transaction that wrote its ticket. */
  async finish(manager: EntityManager, outcomes: EventOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const records = outcomes.map((outcome) => ({
      id: outcome.id,
      status: outcome.status,
      ticket_id: outcome.ticketId,
      error: outcome.error,
      next_attempt_at: outcome.nextAttemptAt,
    }));
    // clock_timestamp(): the moment the batch is about to commit, not the start of its transaction.
    await manager.query(
      `UPDATE inbound_events e SET status = x.status, ticket_id = x.ticket_id, error = x.error,
         attempts = e.attempts + 1, next_attempt_at = x.next_attempt_at,
         processed_at = CASE WHEN x.status = 'received' THEN NULL ELSE clock_timestamp() END
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, status text, ticket_id uuid, error text, next_attempt_at timestamptz)
       WHERE e.id = x.id`,
      [JSON.stringify(records)],
    );
  }

  /** Puts a failed or ignored event back in line; false when it is in another state. */
  async requeue(tenantId: string, connectionId: string, eventId: string): Promise<boolean> {
    const [rows] = (await this.dataSource.query(
      `UPDATE inbound_events SET status = 'received', error = NULL, next_attempt_at = NULL
       WHERE id = $1 AND connection_id = $2 AND tenant_id = $3 AND status IN ('failed', 'ignored')
       RETURNING id`,
      [eventId, connectionId, tenantId],
    )) as [{ id: string }[], number];
    return rows.length > 0;
  }
}
