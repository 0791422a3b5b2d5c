import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  WebhookSignatureError,
  type AdapterContext,
  type IncomingPush,
  type InboundEventDraft,
  type NormalizedCase,
  type UnmappedCase,
} from '../../adapters/contract';
import type { Page } from '../common/cursor';
import { DomainError, ErrorCode, notFound } from '../common/domain-error';
import { keysetPage } from '../common/keyset-page';
import { AdapterRegistry } from '../connections/adapter-registry.service';
import type { Connection } from '../connections/connection.entity';
import { ConnectionsService, type ResolvedConnection } from '../connections/connections.service';
import { RateLimiterFactory } from '../connections/rate-limiter.factory';
import { AutoRefundService } from '../auto-refund/auto-refund.service';
import { recordInboundEventFailed, recordInboundEvents } from '../operations/hub-metrics';
import { CaseSyncService } from '../tickets/case-sync.service';
import type { ListEventsQuery } from './dto/list-events.query';
import { InboundEventRepository } from './inbound-event.repository';
import { InboundEvent } from './inbound-event.entity';
import { InboundSignal } from './inbound-signal.service';

export interface PushReceipt {
  status: number;
  body: unknown;
  stored: number;
  duplicates: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

@Injectable()
export class IngestionService {
  private readonly logger = new Logger(IngestionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsService,
    private readonly adapters: AdapterRegistry,
    private readonly caseSync: CaseSyncService,
    private readonly autoRefund: AutoRefundService,
    private readonly limiters: RateLimiterFactory,
    private readonly events: InboundEventRepository,
    private readonly signal: InboundSignal,
  ) {
    connections.onResumed((connectionId) => this.releaseHeld(connectionId));
  }

  /** Events pushed while the connection was paused go in line, and the workers are woken. */
  async releaseHeld(connectionId: string): Promise<number> {
    const released = await this.events.release(connectionId);
    if (released > 0) this.signal.wake();
    return released;
  }

  /**
   * The ingress hot path: verify the raw bytes, store every event (duplicates fall away on the unique key)
   * in one statement, shared with the pushes arriving alongside, and only then answer. That statement wakes
   * the workers; ingress never waits on Redis.
   */
  async receivePush(platform: string, connectionId: string, push: IncomingPush): Promise<PushReceipt> {
    // An unknown connection and a bad signature get the same answer, so connection ids cannot be probed.
    // Made only when needed: an error's stack trace is not free on the hot path.
    const rejected = () =>
      new DomainError(ErrorCode.INVALID_SIGNATURE, 'the push could not be authenticated');
    // Which platforms take HTTP pushes is public (GET /v1/platforms), so saying so reveals no connection.
    const verify = this.adapters.has(platform) ? this.adapters.get(platform).verifyWebhook : undefined;
    if (this.adapters.has(platform) && !verify) {
      throw new DomainError(
        ErrorCode.NOT_FOUND,
        `${platform} sends no HTTP pushes to a connection; its cases come from its message channel or by polling`,
      );
    }
    const resolved = isUuid(connectionId) ? await this.connections.resolve(connectionId) : null;
    if (!resolved || resolved.connection.platform !== platform || !verify) throw rejected();
    const adapter = this.adapters.get(platform);
    let verified;
    try {
      verified = verify.call(adapter, push, resolved.adapterConnection, new Date());
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        this.logger.debug(`push to connection ${connectionId} rejected: ${error.message}`);
        throw rejected();
      }
      throw error;
    }
    // A paused connection still acknowledges (the platform would otherwise retry, then drop the webhook),
    // but its events wait as `held` until it is resumed.
    const held = resolved.connection.status === 'paused';
    const storedIds = await this.events.store(
      resolved.connection,
      verified.events,
      held ? 'held' : 'received',
    );
    // The statement that stored them woke the workers.
    recordInboundEvents(platform, storedIds.length, verified.events.length - storedIds.length);
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

  storeEvents(
    connection: Pick<Connection, 'id' | 'tenantId'>,
    events: InboundEventDraft[],
  ): Promise<string[]> {
    return this.events.store(connection, events);
  }

  /** Tells the workers that events are waiting (after a pull stored some). */
  wake(): void {
    this.signal.wake();
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
      await this.events.storeFailed(connection, event, error);
    }
  }

  /**
   * A pulled page of cases becomes tickets in one batch; new tickets are then offered to auto-refund, after
   * the commit, and a failing decision there never fails ingestion.
   */
  async ingestCases(
    connection: Pick<Connection, 'id' | 'tenantId' | 'platform'>,
    items: NormalizedCase[],
  ): Promise<void> {
    if (items.length === 0) return;
    const batch = await this.caseSync.syncMany(
      items.map((item) => ({ connection, item, source: { type: 'pull' } as const })),
    );
    for (const { tenantId, ticketId } of batch.created) {
      await this.autoRefund
        .consider(tenantId, ticketId)
        .catch((error: unknown) =>
          this.logger.warn(`auto-refund skipped ticket ${ticketId}: ${(error as Error).message}`),
        );
    }
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
    const requeued = await this.events.requeue(tenantId, connectionId, eventId);
    const event = await this.dataSource
      .getRepository(InboundEvent)
      .findOne({ where: { id: eventId, connectionId, tenantId } });
    if (!event) throw notFound('event');
    if (!requeued && event.status !== 'received') {
      throw new DomainError(
        ErrorCode.CONFLICT,
        `only failed or ignored events can be retried; this one is ${event.status}`,
      );
    }
    this.signal.wake();
    return event;
  }

  context(resolved: ResolvedConnection): AdapterContext {
    return {
      connection: resolved.adapterConnection,
      limiter: this.limiters.forConnection(resolved.connection),
      now: () => new Date(),
    };
  }
}
