import { InjectQueue } from '@nestjs/bull';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Queue } from 'bull';
import { Client } from 'pg';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { QueueName } from '../queue/queue.constants';
import { INBOUND_CHANNEL } from './inbound-signal.service';
import { IngestBatchService } from './ingest-batch.service';

/** Batches one worker process runs side by side: one resolves while the other writes. */
const PIPELINES_PER_PROCESS = 2;
const RECONNECT_DELAY_MS = 1_000;

/**
 * The ingest workers of one process. Each pipeline claims a batch, processes it, and goes on while there is
 * work; when idle it waits for a wake-up on PostgreSQL `LISTEN`, or at most the sweep interval, which is the
 * backstop for a lost signal and for events waiting to be retried. While Redis is unreachable the pipelines
 * pause: rate budgets and SLA timers live there, and stored events lose nothing by waiting.
 */
@Injectable()
export class IngestWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IngestWorker.name);
  private listener: Client | null = null;
  private stopped = false;
  /** Counts wake-ups, so a pipeline that found nothing does not sleep through one that came meanwhile. */
  private signals = 0;
  private readonly sleepers = new Set<() => void>();
  private pipelines: Promise<void>[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QueueName.Sync) private readonly queue: Queue,
    private readonly batches: IngestBatchService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.listen();
    for (let index = 0; index < PIPELINES_PER_PROCESS; index += 1) this.pipelines.push(this.run());
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.wakeAll();
    await Promise.all(this.pipelines);
    await this.listener?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const seen = this.signals;
      if (this.queue.client.status !== 'ready') {
        await this.sleep(seen);
        continue;
      }
      let claimed = 0;
      try {
        claimed = await this.batches.runOnce();
      } catch (error) {
        this.logger.warn(`ingest batch failed, its events stay pending: ${(error as Error).message}`);
      }
      if (claimed > 0) this.logger.debug(`ingest batch: ${claimed} events`);
      else await this.sleep(seen);
    }
  }

  private sleep(seen: number): Promise<void> {
    if (this.signals !== seen || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, this.config.sweepIntervalMs);
      this.sleepers.add(done);
    });
  }

  private wakeAll(): void {
    this.signals += 1;
    for (const wake of [...this.sleepers]) wake();
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.databaseUrl });
    client.on('notification', () => this.wakeAll());
    client.on('error', (error) => {
      this.logger.warn(`wake-up listener lost (${error.message}); polling until it is back`);
      void client.end().catch(() => undefined);
      if (this.listener === client) this.listener = null;
      setTimeout(() => void this.listen().catch(() => undefined), RECONNECT_DELAY_MS).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${INBOUND_CHANNEL}`);
      this.listener = client;
      // Events may have arrived while nobody listened.
      this.wakeAll();
    } catch (error) {
      this.logger.warn(`cannot listen for wake-ups (${(error as Error).message}); retrying`);
      await client.end().catch(() => undefined);
      setTimeout(() => void this.listen().catch(() => undefined), RECONNECT_DELAY_MS).unref();
    }
  }
}
