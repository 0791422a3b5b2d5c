import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { AdapterError, AdapterErrorCode, type Platform } from '../../../adapters/contract';
import type { AppConfig } from '../../../config/env.config';
import { describeUpstreamFailure } from '../../common/upstream-failure';
import { APP_CONFIG } from '../../config.module';
import { AdapterRegistry } from '../../connections/adapter-registry.service';
import { ConnectionsService } from '../../connections/connections.service';
import { RateLimiterFactory } from '../../connections/rate-limiter.factory';
import { RedisService } from '../../redis/redis.service';
import { AppChannelHealth } from './app-channel-health';
import { PgAppChannelHealthStore } from './app-channel-health.store';
import { AppChannelLease, APP_CHANNEL_LEASE_RENEW_MS } from './app-channel-lease';
import { AppChannelsService, type AppGroup, type AppRef } from './app-channels.service';
import { startAppStream } from './app-stream';

/** How often the app's connections are read again (a shop added, a connection deleted or paused). */
const GROUP_REFRESH_MS = 5_000;
/** After a failure: doubling from 1 s up to a minute, or the platform's own retry-after. */
const ERROR_BACKOFF = { minMs: 1_000, maxMs: 60_000 };
/** While the platform refuses the app's credentials: slower, since only someone fixing them changes anything. */
const AUTH_BACKOFF = { minMs: 5_000, maxMs: 5 * 60_000 };
/** Without an adapter's own advice, the wait after an empty answer. */
const DEFAULT_IDLE_BACKOFF = { minMs: 500, maxMs: 5_000 };

interface RunningChannel {
  stop(): void;
  done: Promise<void>;
}

/**
 * Runs in worker processes: one long-poll loop per developer app for platforms whose messages are consumed
 * per app (TOP TMC). While messages flow it asks again at once; after an empty answer it waits as the platform
 * advises, doubling while the queue stays empty. Each batch is routed and stored before it is confirmed.
 * Platforms that push over a socket of their own per app (the Pinduoduo message service) get one stream per app
 * instead (`app-stream.ts`), under the same lease.
 */
@Injectable()
export class AppChannelConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AppChannelConsumer.name);
  private readonly running = new Map<string, RunningChannel>();
  private timer: NodeJS.Timeout | null = null;
  private discovering = false;
  private stopped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapters: AdapterRegistry,
    private readonly channels: AppChannelsService,
    private readonly redis: RedisService,
    private readonly connections: ConnectionsService,
    private readonly limiters: RateLimiterFactory,
    private readonly healthStore: PgAppChannelHealthStore,
  ) {}

  private platforms(): Platform[] {
    return this.adapters.platforms().filter((platform) => {
      const adapter = this.adapters.get(platform);
      return adapter.consumeAppMessages || adapter.openAppMessageStream;
    });
  }

  onApplicationBootstrap(): void {
    if (this.platforms().length === 0) return;
    const discover = (): void => {
      if (this.discovering || this.stopped) return;
      this.discovering = true;
      this.discover()
        .catch((error: unknown) => this.logger.warn(`app channels: ${(error as Error).message}`))
        .finally(() => {
          this.discovering = false;
        });
    };
    this.timer = setInterval(discover, Math.max(1_000, this.config.schedulerIntervalMs));
    this.timer.unref();
    discover();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    const loops = [...this.running.values()];
    for (const loop of loops) loop.stop();
    await Promise.all(loops.map((loop) => loop.done));
  }

  /** Starts a loop for every app this process can take the lease of. */
  async discover(): Promise<number> {
    let started = 0;
    for (const platform of this.platforms()) {
      for (const group of await this.channels.groups(platform)) {
        if (this.running.has(channelKey(group)) || this.stopped) continue;
        const lease = new AppChannelLease(this.redis, group);
        if (!(await lease.take())) continue;
        this.start(group, lease);
        started += 1;
      }
    }
    return started;
  }

  private start(initial: AppGroup, lease: AppChannelLease): void {
    const name = channelName(initial);
    const adapter = this.adapters.get(initial.platform);
    const health = new AppChannelHealth(this.healthStore);
    if (adapter.openAppMessageStream) {
      const { channels, connections, limiters, logger } = this;
      const stream = startAppStream(
        { adapter, channels, connections, limiters, logger, health },
        initial,
        lease,
        name,
      );
      void stream.done.then(() => this.running.delete(channelKey(initial)));
      this.running.set(channelKey(initial), stream);
      return;
    }
    let stop = false;
    let wakeSleep: (() => void) | null = null;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wakeSleep = null;
          resolve();
        }, ms);
        wakeSleep = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    const idle = adapter.capabilities.appChannel?.idleBackoff ?? DEFAULT_IDLE_BACKOFF;
    const run = async (): Promise<void> => {
      let group: AppGroup | null = initial;
      let refreshedAt = Date.now();
      let renewedAt = Date.now();
      let idleMs = 0;
      let errorMs = 0;
      this.logger.log(`consuming ${name} (${initial.connections.length} connection(s))`);
      while (!stop && group) {
        try {
          if (Date.now() - renewedAt >= APP_CHANNEL_LEASE_RENEW_MS) {
            if (!(await lease.renew())) {
              this.logger.warn(`lost the lease of ${name}; another process consumes it`);
              break;
            }
            renewedAt = Date.now();
          }
          if (Date.now() - refreshedAt >= GROUP_REFRESH_MS) {
            group = await this.channels.group(group);
            refreshedAt = Date.now();
            if (!group) break;
          }
          const batch = await adapter.consumeAppMessages!(this.channels.appContext(group));
          await this.channels.deliver(group, batch.messages, group.connections);
          await batch.confirm();
          errorMs = 0;
          if (health.refused) {
            await health.succeeded(group);
            this.logger.log(`${name}: the app's credentials are accepted again`);
          }
          if (batch.received > 0) {
            idleMs = 0;
            continue;
          }
          idleMs = idleMs === 0 ? idle.minMs : Math.min(idleMs * 2, idle.maxMs);
          await sleep(idleMs);
        } catch (error) {
          // Credentials the platform refuses: every connection of the app shows `error` (the failure policy).
          const refused = group
            ? await health.failed(group, error).catch((failure: unknown) => {
                this.logger.warn(`${name}: could not record the refusal: ${(failure as Error).message}`);
                return false;
              })
            : false;
          const backoff = refused ? AUTH_BACKOFF : ERROR_BACKOFF;
          errorMs =
            errorMs === 0 ? backoff.minMs : Math.min(Math.max(errorMs * 2, backoff.minMs), backoff.maxMs);
          const wait =
            error instanceof AdapterError &&
            error.code === AdapterErrorCode.RATE_LIMITED &&
            error.retryAfterMs !== undefined
              ? Math.max(error.retryAfterMs, ERROR_BACKOFF.minMs)
              : errorMs;
          this.logger.warn(`${name}: ${describeUpstreamFailure(error)}; again in ${wait} ms`);
          await sleep(wait);
        }
      }
      await lease.release();
      this.running.delete(channelKey(initial));
    };
    const done = run().catch((error: unknown) => {
      this.logger.error(`${name} stopped: ${(error as Error).message}`);
      this.running.delete(channelKey(initial));
    });
    this.running.set(channelKey(initial), {
      stop: () => {
        stop = true;
        (wakeSleep as (() => void) | null)?.();
      },
      done,
    });
  }
}

function channelKey(app: AppRef): string {
  return JSON.stringify([app.platform, app.appKey, app.fingerprint]);
}

function channelName(app: AppRef): string {
  return `${app.platform} app ${app.appKey} (${app.fingerprint.slice(0, 8)})`;
}
