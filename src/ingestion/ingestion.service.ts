import { createHash } from 'node:crypto';
import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import {
  AdapterError,
  WebhookSignatureError,
  type AdapterContext,
  type IncomingPush,
  type InboundEventDraft,
  type NormalizedCase,
  type UnmappedCase,
} from '../../adapters/contract';
import type { Page } from '../common/cursor';
import { DomainError, ErrorCode, notFound } from '../common/domain-error';
import { failureDecision } from '../common/failure-policy';
import { storableText } from '../common/input-text';
import { keysetPage } from '../common/keyset-page';
import { AdapterRegistry } from '../connections/adapter-registry.service';
import type { Connection } from '../connections/connection.entity';
import { ConnectionsService, type ResolvedConnection } from '../connections/connections.service';
import { RateLimiterFactory } from '../connections/rate-limiter.factory';
import { AutoRefundService } from '../auto-refund/auto-refund.service';
import { JobName, QueueName } from '../queue/queue.constants';
import { recordInboundEventFailed, recordInboundEvents } from '../operations/hub-metrics';
import { CaseSyncService, type CaseSource } from '../tickets/case-sync.service';
import type { UpsertOutcome } from '../tickets/ticket.repository';
import type { ListEventsQuery } from './dto/list-events.query';
import { InboundEvent } from './inbound-event.entity';

export interface PushReceipt {
  status: number;
  body: unknown;
  stored: number;
  duplicates: number;
}

export interface ProcessEventJob {
  eventId: string;
}

/** Longer ids (a 4,000-character `webhook-id`) are stored as their hash: still unique, and small enough to index. */
export const MAX_STORED_KEY_LENGTH = 200;

function storableKey(key: string): string {
  const text = storableText(key);
  return text.length > MAX_STORED_KEY_LENGTH
    ? `sha256:${createHash('sha256').update(text).digest('hex')}`
    : text;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** How long ingress waits for Redis before leaving an event to the sweeper. */
const ENQUEUE_TIMEOUT_MS = 1_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Ingest) private readonly ingestQueue: Queue<ProcessEventJob>,
    private readonly connections: ConnectionsService,
    private readonly adapters: AdapterRegistry,
    private readonly caseSync: CaseSyncService,
    private readonly autoRefund: AutoRefundService,
    private readonly limiters: RateLimiterFactory,
  ) {
    connections.onResumed((connectionId) => this.releaseHeld(connectionId));
  }

  /** Events pushed while the connection was paused go in line, oldest first. */
  async releaseHeld(connectionId: string): Promise<number> {
    const [rows] = (await this.dataSource.query(
      `UPDATE inbound_events SET status = 'received' WHERE connection_id = $1 AND status = 'held' RETURNING id`,
      [connectionId],
    )) as [{ id: string }[], number];
    await this.enqueue(rows.map((row) => row.id));
    return rows.length;
  }

  /**
   * The ingress hot path: verify the raw bytes, store every event (duplicates fall away on the unique key)
   * in one statement, and only then answer; processing happens in the queue.
   */
  async receivePush(platform: string, connectionId: string, push: IncomingPush): Promise<PushReceipt> {
    // An unknown connection and a bad signature get the same answer, so connection ids cannot be probed.
    const rejected = new DomainError(ErrorCode.INVALID_SIGNATURE, 'the push could not be authenticated');
    const resolved = isUuid(connectionId) ? await this.connections.resolve(connectionId) : null;
    if (!resolved || resolved.connection.platform !== platform) throw rejected;
    const adapter = this.adapters.get(platform);
    let verified;
    try {
      verified = adapter.verifyWebhook(push, resolved.adapterConnection, new Date());
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        this.logger.debug(`push to connection ${connectionId} rejected: ${error.message}`);
        throw rejected;
      }
      throw error;
    }
    // A paused connection still acknowledges (the platform would otherwise retry, then drop the webhook),
    // but its events wait as `held` until it is resumed.
    const held = resolved.connection.status === 'paused';
    const storedIds = await this.storeEvents(
      resolved.connection,
      verified.events,
      held ? 'held' : 'received',
    );
    recordInboundEvents(platform, storedIds.length, verified.events.length - storedIds.length);
    if (!held) await this.enqueue(storedIds);
    return {
      status: verified.reply?.status ?? 200,
      body: verified.reply?.body ?? {
        received: verified.events.length,
        duplicates: verified.events.length - storedIds.length,
      },
      stored: storedIds.length,
      duplicates: verified.events.length - storedIds.length,
    };
  }

  /**
   * Stores events with one statement whatever their number (arrays, not one bind parameter per value),
   * so a push of 11,000 messages is as safe as one of a single message.
   */
  async storeEvents(
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

  /**
   * Pulled rows the adapter could not map, kept as failed events with their error: visible under
   * `events?status=failed` and retryable, while the page they came with is ingested without them.
   */
  async storeUnmapped(
    connection: Pick<Connection, 'id' | 'tenantId' | 'platform'>,
    unmapped: UnmappedCase[],
  ): Promise<void> {
    if (unmapped.length > 0) recordInboundEventFailed(connection.platform, unmapped.length);
    for (const { event, error } of unmapped) {
      this.logger.warn(
        `connection ${connection.id}: pulled case ${event.externalId ?? '?'} not mapped: ${error}`,
      );
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
  }

  /** Best effort: an event that misses the queue (Redis down) stays `received` and the sweeper enqueues it. */
  async enqueue(eventIds: string[]): Promise<void> {
    if (eventIds.length === 0) return;
    try {
      await withTimeout(
        this.ingestQueue.addBulk(
          eventIds.map((eventId) => ({
            name: JobName.ProcessInboundEvent,
            data: { eventId },
            opts: { jobId: `event:${eventId}` },
          })),
        ),
        ENQUEUE_TIMEOUT_MS,
      );
    } catch (error) {
      this.logger.warn(
        `queued later by the sweeper (${eventIds.length} events): ${(error as Error).message}`,
      );
    }
  }

  /** Re-enqueues events stored but never processed: Redis was down, or a worker died holding them. */
  async sweep(olderThanMs: number): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT id FROM inbound_events WHERE status = 'received' AND received_at < now() - make_interval(secs => $1)
       ORDER BY received_at LIMIT 1000`,
      [olderThanMs / 1000],
    )) as { id: string }[];
    // An event whose job already ended (failed, or completed while the event stayed behind) would keep its
    // place at the head of this window for ever, since a job id is only ever added once: clear such jobs.
    const ended: string[] = [];
    for (const row of rows) {
      const job = await this.ingestQueue.getJob(`event:${row.id}`).catch(() => null);
      if (job && ((await job.isFailed()) || (await job.isCompleted()))) {
        await job.remove();
        ended.push(row.id);
      }
    }
    if (ended.length > 0) this.logger.warn(`re-queued ${ended.length} events whose jobs had ended`);
    await this.enqueue(rows.map((row) => row.id));
    return rows.length;
  }

  /** Idempotent: a processed event is skipped, and the ticket write ignores anything not newer than the ticket. */
  async processEvent(eventId: string, finalAttempt: boolean): Promise<void> {
    const event = await this.dataSource.getRepository(InboundEvent).findOne({ where: { id: eventId } });
    if (!event || event.status === 'processed' || event.status === 'ignored') return;
    const resolved = await this.connections.resolve(event.connectionId);
    if (!resolved) {
      await this.finish(event.id, 'ignored', null, 'the connection was deleted');
      return;
    }
    let item: NormalizedCase | null;
    try {
      item = await this.adapters.get(resolved.connection.platform).resolveEvent(this.context(resolved), {
        dedupeKey: event.dedupeKey,
        eventType: event.eventType,
        externalId: event.externalId,
        payload: event.payload,
      });
    } catch (error) {
      const permanent = error instanceof AdapterError && failureDecision(error.code) === 'fail';
      if (permanent || finalAttempt) {
        await this.finish(event.id, 'failed', null, (error as Error).message);
        recordInboundEventFailed(resolved.connection.platform);
        return;
      }
      await this.dataSource.query(
        `UPDATE inbound_events SET attempts = attempts + 1, error = $2 WHERE id = $1`,
        [event.id, (error as Error).message],
      );
      throw error;
    }
    if (!item) {
      await this.finish(event.id, 'ignored', null, null);
      return;
    }
    let outcome: UpsertOutcome;
    try {
      outcome = await this.ingestCase(resolved.connection, item, { type: 'push', eventId: event.id });
    } catch (error) {
      // A value the database refuses (class 22, data exception) fails the same way every time.
      const failure = error as { code?: unknown; driverError?: { code?: unknown } };
      const refused = String(failure.code ?? failure.driverError?.code ?? '').startsWith('22');
      if (refused || finalAttempt) {
        await this.finish(event.id, 'failed', null, (error as Error).message);
        recordInboundEventFailed(resolved.connection.platform);
        return;
      }
      throw error;
    }
    await this.finish(event.id, 'processed', outcome.ticketId, null);
  }

  /**
   * A pushed or pulled case becomes its ticket; a new ticket is then offered to auto-refund, after the
   * ticket's commit, and a failing decision there never fails ingestion.
   */
  async ingestCase(
    connection: Pick<Connection, 'id' | 'tenantId' | 'platform'>,
    item: NormalizedCase,
    source: CaseSource,
  ): Promise<UpsertOutcome> {
    const outcome = await this.caseSync.sync(connection, item, source);
    if (outcome.outcome === 'created') {
      await this.autoRefund
        .consider(connection.tenantId, outcome.ticketId)
        .catch((error: unknown) =>
          this.logger.warn(`auto-refund skipped ticket ${outcome.ticketId}: ${(error as Error).message}`),
        );
    }
    return outcome;
  }

  async listEvents<V>(
    tenantId: string,
    connectionId: string,
    query: ListEventsQuery,
    view: (event: InboundEvent) => V,
  ): Promise<Page<V>> {
    await this.connections.find(tenantId, connectionId);
    const builder = this.dataSource
      .getRepository(InboundEvent)
      .createQueryBuilder('e')
      .where('e.connection_id = :connectionId AND e.tenant_id = :tenantId', { connectionId, tenantId });
    if (query.status) builder.andWhere('e.status = :status', { status: query.status });
    return keysetPage(builder, 'e.received_at', 'DESC', query, view);
  }

  async retryEvent(tenantId: string, connectionId: string, eventId: string): Promise<InboundEvent> {
    await this.connections.find(tenantId, connectionId);
    const rows = (await this.dataSource.query(
      `UPDATE inbound_events SET status = 'received', error = NULL
       WHERE id = $1 AND connection_id = $2 AND tenant_id = $3 AND status IN ('failed', 'ignored')
       RETURNING id`,
      [eventId, connectionId, tenantId],
    )) as unknown[][];
    const updated = (rows[0] ?? []) as { id: string }[];
    const event = await this.dataSource
      .getRepository(InboundEvent)
      .findOne({ where: { id: eventId, connectionId, tenantId } });
    if (!event) throw notFound('event');
    if (updated.length === 0 && event.status !== 'received') {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `only failed or ignored events can be retried; this one is ${event.status}`,
      );
    }
    await this.ingestQueue.add(
      JobName.ProcessInboundEvent,
      { eventId },
      { jobId: `event:${eventId}:retry:${Date.now()}` },
    );
    return event;
  }

  context(resolved: ResolvedConnection): AdapterContext {
    return {
      connection: resolved.adapterConnection,
      limiter: this.limiters.forConnection(resolved.connection),
      now: () => new Date(),
    };
  }

  private async finish(
    eventId: string,
    status: 'processed' | 'ignored' | 'failed',
    ticketId: string | null,
    error: string | null,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE inbound_events SET status = $2, ticket_id = $3, error = $4, processed_at = now(), attempts = attempts + 1 WHERE id = $1`,
      [eventId, status, ticketId, error],
    );
  }
}
