import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AdapterError, AdapterErrorCode, type Platform } from '../../../adapters/contract';
import type { AppConfig } from '../../../config/env.config';
import { describeUpstreamFailure } from '../../common/upstream-failure';
import { APP_CONFIG } from '../../config.module';
import { AdapterRegistry } from '../../connections/adapter-registry.service';
import { RedisService } from '../../redis/redis.service';
import { AppChannelsService, type AppGroup, type AppRef } from './app-channels.service';

/**
 * One process consumes an app's channel at a time: it holds a lease in Redis, renewed while it consumes. A
 * process that dies loses it after `LEASE_MS`, and another worker takes over; without Redis nobody consumes
 * and the per-shop pull is the backstop.
 */
export const APP_CHANNEL_LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
/** How often the app's connections are read again (a shop added, a connection deleted or paused). */
const GROUP_REFRESH_MS = 5_000;
/** After a failure: doubling from 1 s up to a minute, or the platform's own retry-after. */
const ERROR_BACKOFF = { minMs: 1_000, maxMs: 60_000 };
/** Without an adapter's own advice, the wait after an empty answer. */
const DEFAULT_IDLE_BACKOFF = { minMs: 500, maxMs: 5_000 };

const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

interface RunningChannel {
  stop(): void;
  done: Promise<void>;
}

/**
 * Runs in worker processes: one long-poll loop per developer app for platforms whose messages are consumed
 * per app (TOP TMC). While messages flow it asks again at once; after an empty answer it waits as the platform
 * advises, doubling while the queue stays empty. Each batch is routed and stored before it is confirmed.
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
  ) {}

  private platforms(): Platform[] {
    return this.adapters.platforms().filter((platform) => this.adapters.get(platform).consumeAppMessages);
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
        const token = randomUUID();
        const taken = await this.redis.commands
          .set(this.leaseKey(group), token, 'PX', APP_CHANNEL_LEASE_MS, 'NX')
          .catch(() => null);
        if (taken !== 'OK') continue;
        this.start(group, token);
        started += 1;
      }
    }
    return started;
  }

  private leaseKey(app: AppRef): string {
    return this.redis.key('app-channel', app.platform, app.appKey, app.fingerprint);
  }

  private start(initial: AppGroup, token: string): void {
    const name = channelName(initial);
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
    const adapter = this.adapters.get(initial.platform);
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
          if (Date.now() - renewedAt >= LEASE_RENEW_MS) {
            const renewed = await this.redis.commands.eval(
              RENEW_SCRIPT,
              1,
              this.leaseKey(group),
              token,
              String(APP_CHANNEL_LEASE_MS),
            );
            if (renewed !== 1) {
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
          if (batch.received > 0) {
            idleMs = 0;
            continue;
          }
          idleMs = idleMs === 0 ? idle.minMs : Math.min(idleMs * 2, idle.maxMs);
          await sleep(idleMs);
        } catch (error) {
          errorMs = errorMs === 0 ? ERROR_BACKOFF.minMs : Math.min(errorMs * 2, ERROR_BACKOFF.maxMs);
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
      await this.redis.commands.eval(RELEASE_SCRIPT, 1, this.leaseKey(initial), token).catch(() => undefined);
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
