import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { AdapterError, type AdapterContext } from '../../adapters/contract';
import { DomainError, ErrorCode } from '../common/domain-error';
import { failureDecision } from '../common/failure-policy';
import { describeUpstreamFailure } from '../common/upstream-failure';
import { AdapterRegistry } from '../connections/adapter-registry.service';
import type { Connection } from '../connections/connection.entity';
import { ConnectionsService } from '../connections/connections.service';
import { JobName, QueueName } from '../queue/queue.constants';
import { OutboxService } from '../webhooks/outbox.service';
import { IngestionService } from './ingestion.service';

export interface SyncConnectionJob {
  connectionId: string;
}

export interface SyncRunResult {
  pages: number;
  cases: number;
  messages: number;
  caughtUp: boolean;
}

export interface SyncRequested {
  queued: boolean;
  jobId: string;
  backfill: { requestedSince: Date; since: Date; limitedBy: string | null } | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Pages one sync job may take before it hands over to a fresh job, so one big backfill never hogs a worker. */
const MAX_PAGES_PER_JOB = 50;

@Injectable()
export class SyncService {
  private readonly logger = new Logger(SyncService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Sync) private readonly syncQueue: Queue<SyncConnectionJob>,
    private readonly connections: ConnectionsService,
    private readonly adapters: AdapterRegistry,
    private readonly ingestion: IngestionService,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * `POST /v1/connections/:id/sync`: one job per connection at a time, whatever the number of requests. With
   * `since`, the connection also imports history from then (no further back than the platform serves), on a
   * cursor of its own beside the live one, page by page at the connection's rate budget; asking again
   * restarts the import from the new date.
   */
  async requestSync(
    tenantId: string,
    connectionId: string,
    since: Date | null = null,
  ): Promise<SyncRequested> {
    const connection = await this.connections.find(tenantId, connectionId);
    const adapter = this.adapters.get(connection.platform);
    if (!adapter.pull) {
      throw new DomainError(
        ErrorCode.UNPROCESSABLE,
        `${connection.platform} only pushes; there is nothing to pull`,
      );
    }
    let backfill: SyncRequested['backfill'] = null;
    if (since) {
      if (!adapter.pull || !adapter.backfill) {
        throw new DomainError(
          ErrorCode.UNPROCESSABLE,
          `${adapter.capabilities.displayName} cannot import history from a date`,
        );
      }
      const now = Date.now();
      if (since.getTime() >= now) {
        throw new DomainError(ErrorCode.VALIDATION_FAILED, 'since must be in the past', [
          { field: 'since', problems: ['must be in the past'] },
        ]);
      }
      const { maxDays } = adapter.backfill;
      const earliest = maxDays === null ? null : new Date(now - maxDays * DAY_MS);
      const from = earliest && since < earliest ? earliest : since;
      await this.dataSource.query(
        `UPDATE connections SET backfill_requested_since = $2, backfill_since = $3, backfill_cursor = $4,
           backfill_pages = 0, backfill_cases = 0, backfill_started_at = now(), backfill_completed_at = NULL
         WHERE id = $1`,
        [connectionId, since, from, adapter.backfill.cursorFrom(from)],
      );
      backfill = {
        requestedSince: since,
        since: from,
        limitedBy:
          from === since ? null : `${adapter.capabilities.displayName} serves ${maxDays} days of history`,
      };
    }
    return { ...(await this.enqueue(connectionId)), backfill };
  }

  async enqueue(connectionId: string): Promise<{ queued: boolean; jobId: string }> {
    const jobId = `sync:${connectionId}`;
    const existing = await this.syncQueue.getJob(jobId);
    if (existing && !(await existing.isCompleted()) && !(await existing.isFailed()))
      return { queued: false, jobId };
    if (existing) await existing.remove();
    await this.syncQueue.add(
      JobName.SyncConnection,
      { connectionId },
      { jobId, attempts: 3, backoff: { type: 'exponential', delay: 5_000 } },
    );
    return { queued: true, jobId };
  }

  /**
   * Imports history with what is left of this job's page budget, storing the cursor and the progress after
   * each page so a restart resumes where it stopped. True while there is more to import.
   */
  private async backfill(
    connectionId: string,
    connection: Connection,
    context: AdapterContext,
    result: SyncRunResult,
  ): Promise<boolean> {
    const adapter = this.adapters.get(connection.platform);
    if (!adapter.pull) return false;
    const [row] = (await this.dataSource.query(`SELECT backfill_cursor FROM connections WHERE id = $1`, [
      connectionId,
    ])) as { backfill_cursor: string | null }[];
    let cursor = row?.backfill_cursor ?? null;
    while (cursor !== null && result.pages < MAX_PAGES_PER_JOB) {
      const page = await adapter.pull(context, cursor);
      await this.ingestion.ingestCases(connection, page.cases);
      if (page.unmapped?.length) await this.ingestion.storeUnmapped(connection, page.unmapped);
      result.pages += 1;
      result.cases += page.cases.length;
      const next = page.hasMore ? page.nextCursor : null;
      // Only while the import this job started is still the one asked for: a new request replaces it.
      const updated = (await this.dataSource.query(
        `UPDATE connections SET backfill_cursor = $3, backfill_pages = backfill_pages + 1,
           backfill_cases = backfill_cases + $4, backfill_completed_at = CASE WHEN $3::text IS NULL THEN now() END
         WHERE id = $1 AND backfill_cursor = $2`,
        [connectionId, cursor, next, page.cases.length],
      )) as [unknown[], number];
      if (updated[1] === 0) return true;
      cursor = next;
    }
    return cursor !== null;
  }

  /** Claims the connections whose next run is due and queues them; claiming moves the next run forward first. */
  async enqueueDue(): Promise<number> {
    const rows = (await this.dataSource.query(
      `UPDATE connections SET sync_next_run_at = now() + make_interval(secs => poll_interval_seconds)
       WHERE id IN (
         SELECT id FROM connections
         WHERE deleted_at IS NULL AND status <> 'paused' AND sync_next_run_at <= now()
         ORDER BY sync_next_run_at LIMIT 100 FOR UPDATE SKIP LOCKED
       )
       RETURNING id`,
    )) as [{ id: string }[], number];
    for (const row of rows[0]) await this.enqueue(row.id);
    return rows[0].length;
  }

  /** Pulls pages until caught up (or the page budget is spent), storing the cursor only after each page's cases. */
  async run(connectionId: string): Promise<SyncRunResult> {
    const resolved = await this.connections.resolve(connectionId);
    const result: SyncRunResult = { pages: 0, cases: 0, messages: 0, caughtUp: true };
    if (!resolved || resolved.connection.status === 'paused') return result;
    const { connection } = resolved;
    const adapter = this.adapters.get(connection.platform);
    const context = this.ingestion.context(resolved);
    await this.dataSource.query(`UPDATE connections SET sync_last_started_at = now() WHERE id = $1`, [
      connectionId,
    ]);
    try {
      if (adapter.pull) {
        const row = (await this.dataSource.query(`SELECT sync_cursor FROM connections WHERE id = $1`, [
          connectionId,
        ])) as {
          sync_cursor: string | null;
        }[];
        let cursor = row[0]?.sync_cursor ?? null;
        let hasMore = true;
        while (hasMore && result.pages < MAX_PAGES_PER_JOB) {
          const page = await adapter.pull(context, cursor);
          await this.ingestion.ingestCases(connection, page.cases);
          if (page.unmapped?.length) await this.ingestion.storeUnmapped(connection, page.unmapped);
          cursor = page.nextCursor;
          hasMore = page.hasMore;
          result.pages += 1;
          result.cases += page.cases.length;
          await this.dataSource.query(`UPDATE connections SET sync_cursor = $2 WHERE id = $1`, [
            connectionId,
            cursor,
          ]);
        }
        result.caughtUp = !hasMore;
        const backfilling = await this.backfill(connectionId, connection, context, result);
        result.caughtUp = result.caughtUp && !backfilling;
      }
      await this.dataSource.query(
        `UPDATE connections SET sync_last_success_at = now(), sync_last_error = NULL,
           status = CASE WHEN status = 'error' THEN 'active' ELSE status END,
           sync_next_run_at = CASE WHEN $2 THEN now() + make_interval(secs => poll_interval_seconds) ELSE now() END
         WHERE id = $1`,
        [connectionId, result.caughtUp],
      );
      return result;
    } catch (error) {
      const message = describeUpstreamFailure(error);
      this.logger.warn(`sync of connection ${connectionId} failed: ${(error as Error).message}`);
      await this.dataSource.transaction(async (manager) => {
        // Credentials the platform refuses will not start working on their own: the connection shows `error`.
        const pause = error instanceof AdapterError && failureDecision(error.code) === 'pause_connection';
        await manager.query(
          `UPDATE connections SET sync_last_error = $2, sync_last_error_at = now(),
             status = CASE WHEN $3 AND status = 'active' THEN 'error' ELSE status END
           WHERE id = $1`,
          [connectionId, message, pause],
        );
        await this.outbox.emit(
          [
            {
              tenantId: connection.tenantId,
              type: 'connection.sync_failed',
              data: { connectionId, platform: connection.platform, error: message },
            },
          ],
          manager,
        );
      });
      throw error;
    }
  }
}
