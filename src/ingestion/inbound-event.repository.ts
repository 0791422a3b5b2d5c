import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { InboundEventDraft } from '../../adapters/contract';
import { storableText } from '../common/input-text';
import type { Connection } from '../connections/connection.entity';
import type { InboundEventStatus } from './inbound-event.entity';
import { INBOUND_CHANNEL } from './inbound-signal.service';

/** Longer ids (a 4,000-character `webhook-id`) are stored as their hash: still unique, and small enough to index. */
export const MAX_STORED_KEY_LENGTH = 200;

export function storableKey(key: string): string {
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

/** Statements storing events that may run at once; calls arriving meanwhile share the next one. */
const STORE_CONCURRENCY = 4;
/** Events one shared statement stores at most (a call is never split, whatever its size). */
const STORE_BATCH_EVENTS = 2_000;

/** A call to `store` waiting for its statement. */
interface StoreCall {
  tenantId: string;
  connectionId: string;
  status: 'received' | 'held';
  rows: { dedupeKey: string; eventType: string; externalId: string | null; payload: string }[];
  resolve: (ids: string[]) => void;
  reject: (error: unknown) => void;
}

/** Owner of `inbound_events`: the durable queue between ingress and the workers. */
@Injectable()
export class InboundEventRepository {
  private readonly waiting: StoreCall[] = [];
  private running = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Stores events (duplicates fall away on the unique key) and returns the ids of those that are new, once
   * they are committed, with the workers woken by that commit. Calls that arrive while STORE_CONCURRENCY statements are running are stored
   * together by the next one, so a burst of pushes costs a few statements and commits, not one each, and a
   * lone push waits for nothing. Arrays, not one bind parameter per value: a push of 11,000 messages is as
   * safe as one of a single message. When a shared statement fails, each call is stored on its own, so one
   * bad push fails alone.
   */
  store(
    connection: Pick<Connection, 'id' | 'tenantId'>,
    events: InboundEventDraft[],
    status: 'received' | 'held' = 'received',
  ): Promise<string[]> {
    if (events.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({
        tenantId: connection.tenantId,
        connectionId: connection.id,
        status,
        rows: events.map((event) => ({
          dedupeKey: storableKey(event.dedupeKey),
          eventType: storableText(event.eventType),
          externalId: event.externalId === null ? null : storableKey(event.externalId),
          payload: storableText(event.payload),
        })),
        resolve,
        reject,
      });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < STORE_CONCURRENCY && this.waiting.length > 0) {
      let count = 0;
      let taken = 0;
      while (
        taken < this.waiting.length &&
        (taken === 0 || count + this.waiting[taken].rows.length <= STORE_BATCH_EVENTS)
      ) {
        count += this.waiting[taken].rows.length;
        taken += 1;
      }
      const batch = this.waiting.splice(0, taken);
      this.running += 1;
      void this.storeBatch(batch).finally(() => {
        this.running -= 1;
        this.pump();
      });
    }
  }

  private async storeBatch(batch: StoreCall[]): Promise<void> {
    let inserted: { id: string; connection_id: string; dedupe_key: string }[];
    try {
      inserted = await this.insert(batch);
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      for (const call of batch) await this.storeBatch([call]);
      return;
    }
    // Each new row belongs to the first call that carried its key; later carriers see a duplicate.
    const owner = new Map<string, StoreCall>();
    for (const call of batch) {
      for (const row of call.rows) {
        const key = `${call.connectionId}\u0000${row.dedupeKey}`;
        if (!owner.has(key)) owner.set(key, call);
      }
    }
    const ids = new Map<StoreCall, string[]>(batch.map((call) => [call, []]));
    for (const row of inserted)
      ids.get(owner.get(`${row.connection_id}\u0000${row.dedupe_key}`) as StoreCall)?.push(row.id);
    for (const call of batch) call.resolve(ids.get(call) ?? []);
  }

  private async insert(
    batch: StoreCall[],
  ): Promise<{ id: string; connection_id: string; dedupe_key: string }[]> {
    const column = <T>(pick: (call: StoreCall, row: StoreCall['rows'][number]) => T): T[] =>
      batch.flatMap((call) => call.rows.map((row) => pick(call, row)));
    return (await this.dataSource.query(
      // The workers are woken in the same statement (delivered at its commit): no round trip of its own.
      `WITH stored AS (
         INSERT INTO inbound_events (tenant_id, connection_id, dedupe_key, event_type, external_id, payload, status)
         SELECT x.tenant_id, x.connection_id, x.dedupe_key, x.event_type, x.external_id, x.payload, x.status
         FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
           AS x(tenant_id, connection_id, dedupe_key, event_type, external_id, payload, status)
         ON CONFLICT (connection_id, dedupe_key) DO NOTHING
         RETURNING id, connection_id, dedupe_key, status
       )
       SELECT s.id, s.connection_id, s.dedupe_key FROM stored s
       CROSS JOIN (
         SELECT count(pg_notify('${INBOUND_CHANNEL}', '')) FROM (SELECT 1 FROM stored WHERE status = 'received' LIMIT 1) r
       ) AS wake`,
      [
        column((call) => call.tenantId),
        column((call) => call.connectionId),
        column((_, row) => row.dedupeKey),
        column((_, row) => row.eventType),
        column((_, row) => row.externalId),
        column((_, row) => row.payload),
        column((call) => call.status),
      ],
    )) as { id: string; connection_id: string; dedupe_key: string }[];
  }

  /**
   * Stores events in the caller's transaction (one statement), for writes that must commit with something else:
   * unroutable messages attached to a new connection are marked attached in the same transaction.
   */
  async storeWithin(
    manager: EntityManager,
    connection: Pick<Connection, 'id' | 'tenantId'>,
    events: InboundEventDraft[],
  ): Promise<number> {
    if (events.length === 0) return 0;
    const inserted = (await manager.query(
      `INSERT INTO inbound_events (tenant_id, connection_id, dedupe_key, event_type, external_id, payload, status)
       SELECT $1, $2, x.dedupe_key, x.event_type, x.external_id, x.payload, 'received'
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
      ],
    )) as { id: string }[];
    return inserted.length;
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
