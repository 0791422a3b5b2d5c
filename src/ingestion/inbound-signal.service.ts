import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** The PostgreSQL channel on which stored events wake the ingest workers. */
export const INBOUND_CHANNEL = 'hub_inbound_events';

/** Pushes arriving within this window share one wake-up. */
const WAKE_COALESCE_MS = 5;

/**
 * Wakes the ingest workers after events are stored: one `NOTIFY` per process and window, whatever the
 * number of pushes, never awaited by ingress. A lost signal only delays processing until the workers'
 * next poll, because the events are already in PostgreSQL.
 */
@Injectable()
export class InboundSignal {
  private readonly logger = new Logger(InboundSignal.name);
  private pending: NodeJS.Timeout | null = null;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  wake(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.dataSource
        .query(`NOTIFY ${INBOUND_CHANNEL}`)
        .catch((error: unknown) =>
          this.logger.warn(`wake-up left to the workers' poll: ${(error as Error).message}`),
        );
    }, WAKE_COALESCE_MS);
    this.pending.unref();
  }
}
