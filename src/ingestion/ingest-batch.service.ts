import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import { AdapterError, AdapterErrorCode, type NormalizedCase } from '../../adapters/contract';
import { failureDecision } from '../common/failure-policy';
import { AutoRefundService } from '../auto-refund/auto-refund.service';
import { AdapterRegistry } from '../connections/adapter-registry.service';
import { ConnectionsService, type ResolvedConnection } from '../connections/connections.service';
import { RateLimiterFactory } from '../connections/rate-limiter.factory';
import { recordInboundEventFailed, recordIngestBatch } from '../operations/hub-metrics';
import { CaseSyncService, type CaseInput, type SyncedBatch } from '../tickets/case-sync.service';
import { InboundEventRepository, type ClaimedEvent, type EventOutcome } from './inbound-event.repository';

/** Events one worker claims at a time: large enough that a burst costs a few statements per hundreds of events. */
export const INGEST_BATCH_SIZE = 500;
/** Id-only pushes of one connection fetched at once; the connection's rate budget still paces them. */
const RESOLVE_CONCURRENCY = 16;
/** Resolution attempts before an event that keeps failing for a passing reason is marked `failed`. */
const MAX_ATTEMPTS = 6;

/** Waits before the next attempt after a passing failure: 2 s, doubling, at most 5 minutes. */
function retryDelayMs(attempts: number): number {
  return Math.min(2_000 * 2 ** attempts, 5 * 60_000);
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A claimed event after resolution: a case to write, or already decided. */
type Resolved = { event: ClaimedEvent; input: CaseInput } | { event: ClaimedEvent; outcome: EventOutcome };

/** Runs `task` over `items`, at most `limit` at a time. */
async function mapLimited<T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
  return results;
}

/**
 * One batch of the worker pipeline: claim pending events, resolve them through their adapters, write all
 * their cases in one transaction, and record every event's outcome in that same transaction. A case that
 * breaks the batch statement is found by writing the batch's cases one by one; only its events fail.
 */
@Injectable()
export class IngestBatchService {
  private readonly logger = new Logger(IngestBatchService.name);
  /** Each connection's platform as last resolved, for the failure metric. */
  private readonly platforms = new Map<string, string>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: InboundEventRepository,
    private readonly connections: ConnectionsService,
    private readonly adapters: AdapterRegistry,
    private readonly limiters: RateLimiterFactory,
    private readonly caseSync: CaseSyncService,
    private readonly autoRefund: AutoRefundService,
  ) {}

  /** Processes one batch; returns how many events it claimed (0 when there was nothing to do). */
  async runOnce(limit = INGEST_BATCH_SIZE): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let synced: SyncedBatch[] = [];
    let claimed: ClaimedEvent[];
    let failures = new Map<string, number>();
    let statuses: string[] = [];
    try {
      await runner.startTransaction();
      claimed = await this.events.claim(runner.manager, limit);
      if (claimed.length > 0) {
        const resolved = await this.resolveAll(claimed);
        const outcomes: EventOutcome[] = [];
        const pending: { event: ClaimedEvent; input: CaseInput }[] = [];
        for (const item of resolved) {
          if ('outcome' in item) outcomes.push(item.outcome);
          else pending.push(item);
        }
        const written = await this.writeCases(runner, pending);
        outcomes.push(...written.outcomes);
        synced = written.synced;
        await this.events.finish(runner.manager, outcomes);
        failures = this.failuresByPlatform(claimed, outcomes);
        statuses = outcomes.map((outcome) => outcome.status);
      }
      await runner.commitTransaction();
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
    for (const [platform, count] of failures) recordInboundEventFailed(platform, count);
    if (statuses.length > 0) recordIngestBatch(statuses);
    await this.afterCommit(synced);
    return claimed.length;
  }

  private failuresByPlatform(claimed: ClaimedEvent[], outcomes: EventOutcome[]): Map<string, number> {
    const failed = new Set(
      outcomes.filter((outcome) => outcome.status === 'failed').map((outcome) => outcome.id),
    );
    const counts = new Map<string, number>();
    for (const event of claimed) {
      if (!failed.has(event.id)) continue;
      const platform = this.platforms.get(event.connectionId) ?? 'unknown';
      counts.set(platform, (counts.get(platform) ?? 0) + 1);
    }
    return counts;
  }

  private async writeCases(
    runner: QueryRunner,
    pending: { event: ClaimedEvent; input: CaseInput }[],
  ): Promise<{ outcomes: EventOutcome[]; synced: SyncedBatch[] }> {
    if (pending.length === 0) return { outcomes: [], synced: [] };
    const manager = runner.manager;
    const whole = await this.attempt(manager, 'batch', (m) =>
      this.caseSync.write(
        m,
        pending.map((item) => item.input),
      ),
    );
    if (whole.ok) {
      return {
        outcomes: pending.map(({ event }, index) =>
          this.processed(event, whole.value.outcomes[index].ticketId),
        ),
        synced: [whole.value],
      };
    }
    this.logger.warn(`a batch of ${pending.length} cases is written one by one: ${whole.error}`);
    const outcomes: EventOutcome[] = [];
    const synced: SyncedBatch[] = [];
    for (const { event, input } of pending) {
      const one = await this.attempt(manager, 'one', (m) => this.caseSync.write(m, [input]));
      if (one.ok) {
        outcomes.push(this.processed(event, one.value.outcomes[0].ticketId));
        synced.push(one.value);
      } else {
        this.logger.warn(`event ${event.id} failed: ${one.error}`);
        outcomes.push(this.failed(event, one.error));
      }
    }
    return { outcomes, synced };
  }

  /** Runs `write` inside a savepoint, so a failing statement undoes only its own part of the transaction. */
  private async attempt<T>(
    manager: EntityManager,
    name: string,
    write: (manager: EntityManager) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
    await manager.query(`SAVEPOINT ${name}`);
    try {
      const value = await write(manager);
      await manager.query(`RELEASE SAVEPOINT ${name}`);
      return { ok: true, value };
    } catch (error) {
      await manager.query(`ROLLBACK TO SAVEPOINT ${name}`);
      return { ok: false, error: message(error) };
    }
  }

  /** After the commit: SLA timers, and new tickets offered to auto-refund (which never fails ingestion). */
  private async afterCommit(synced: SyncedBatch[]): Promise<void> {
    for (const batch of synced) {
      this.caseSync.afterCommit(batch);
      for (const { tenantId, ticketId } of batch.created) {
        await this.autoRefund
          .consider(tenantId, ticketId)
          .catch((error: unknown) =>
            this.logger.warn(`auto-refund skipped ticket ${ticketId}: ${message(error)}`),
          );
      }
    }
  }

  /** Every claimed event through its adapter: concurrently per connection, each within its rate budget. */
  private async resolveAll(claimed: ClaimedEvent[]): Promise<Resolved[]> {
    const byConnection = new Map<string, ClaimedEvent[]>();
    for (const event of claimed) {
      const list = byConnection.get(event.connectionId) ?? [];
      list.push(event);
      byConnection.set(event.connectionId, list);
    }
    const groups = await Promise.all(
      [...byConnection].map(async ([connectionId, events]) => {
        let resolved: ResolvedConnection | null;
        try {
          resolved = await this.connections.resolve(connectionId);
        } catch (error) {
          return events.map((event): Resolved => ({ event, outcome: this.deferOrFail(event, error) }));
        }
        if (!resolved) {
          return events.map((event): Resolved => ({
            event,
            outcome: this.ended(event, 'ignored', 'the connection was deleted'),
          }));
        }
        const connection = resolved;
        this.platforms.set(connectionId, connection.connection.platform);
        return mapLimited(events, RESOLVE_CONCURRENCY, (event) => this.resolveOne(connection, event));
      }),
    );
    return groups.flat();
  }

  private async resolveOne(resolved: ResolvedConnection, event: ClaimedEvent): Promise<Resolved> {
    let item: NormalizedCase | null;
    try {
      const adapter = this.adapters.get(resolved.connection.platform);
      if (!adapter.resolveEvent) {
        throw new AdapterError(
          AdapterErrorCode.UNSUPPORTED,
          `${resolved.connection.platform} events cannot be resolved: the adapter takes no stored events`,
        );
      }
      item = await adapter.resolveEvent(
        {
          connection: resolved.adapterConnection,
          limiter: this.limiters.forConnection(resolved.connection),
          now: () => new Date(),
        },
        event.draft,
      );
    } catch (error) {
      return { event, outcome: this.deferOrFail(event, error) };
    }
    if (!item) return { event, outcome: this.ended(event, 'ignored', null) };
    return {
      event,
      input: { connection: resolved.connection, item, source: { type: 'push', eventId: event.id } },
    };
  }

  /** A payload the adapter rejects fails at once; a passing failure is tried again later, up to a limit. */
  private deferOrFail(event: ClaimedEvent, error: unknown): EventOutcome {
    const permanent = error instanceof AdapterError && failureDecision(error.code) === 'fail';
    if (permanent || event.attempts + 1 >= MAX_ATTEMPTS) return this.failed(event, message(error));
    return {
      id: event.id,
      status: 'received',
      ticketId: null,
      error: message(error),
      nextAttemptAt: new Date(Date.now() + retryDelayMs(event.attempts)),
    };
  }

  private processed(event: ClaimedEvent, ticketId: string): EventOutcome {
    return { id: event.id, status: 'processed', ticketId, error: null, nextAttemptAt: null };
  }

  private failed(event: ClaimedEvent, error: string): EventOutcome {
    return this.ended(event, 'failed', error);
  }

  private ended(event: ClaimedEvent, status: 'ignored' | 'failed', error: string | null): EventOutcome {
    return { id: event.id, status, ticketId: null, error, nextAttemptAt: null };
  }
}
