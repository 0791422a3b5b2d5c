import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { RedisService } from '../redis/redis.service';

/** How often a process adds its pushes to the shared per-connection counts in Redis, while pushes arrive. */
const SYNC_INTERVAL_MS = 50;
/** Per-connection windows of one second, aligned on the clock so that every process counts the same ones. */
const WINDOW_MS = 1_000;

/** One connection's current window as this process sees it. */
interface Window {
  start: number;
  /** Pushes this process let through in the window. */
  local: number;
  /** Of those, how many are not added to Redis yet. */
  unsynced: number;
  /** Pushes the other processes let through in the window, as of the last exchange with Redis. */
  others: number;
}

/** What the limiter says about one push. */
export type IngressVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Pushes per connection and second (HUB_RATE_LIMIT_INGRESS_PER_SECOND) without a Redis round trip per
 * push: each process counts in memory and, every SYNC_INTERVAL_MS while pushes arrive, adds its count to a
 * per-connection, per-second counter in Redis (one pipelined INCRBY per busy connection) and learns the
 * other processes' share from the answer. A single process is held to the limit exactly; several together
 * may pass it by what the others let through since their last exchange. While Redis is unreachable each
 * process still holds its own pushes to the limit, and ingress never waits for Redis.
 */
@Injectable()
export class IngressRateLimiter implements OnApplicationShutdown {
  private readonly logger = new Logger(IngressRateLimiter.name);
  private readonly windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | null = null;
  private lastWarningAt = 0;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  /** Counts a push to the connection if it is within the limit. */
  take(connectionId: string, now = Date.now()): IngressVerdict {
    const start = now - (now % WINDOW_MS);
    let window = this.windows.get(connectionId);
    if (!window || window.start !== start) {
      window = { start, local: 0, unsynced: 0, others: 0 };
      this.windows.set(connectionId, window);
    }
    if (window.local + window.others >= this.config.rateLimits.ingressPerConnectionPerSecond) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((start + WINDOW_MS - now) / 1000)) };
    }
    window.local += 1;
    window.unsynced += 1;
    this.scheduleSync();
    return { allowed: true };
  }

  onApplicationShutdown(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Adds this process's new pushes to Redis and reads the totals back, in one pipeline. */
  private async sync(): Promise<void> {
    const now = Date.now();
    const batch: { window: Window; added: number }[] = [];
    const pipeline = this.redis.commands.pipeline();
    for (const [connectionId, window] of this.windows) {
      if (window.start + WINDOW_MS <= now) {
        this.windows.delete(connectionId);
        continue;
      }
      if (window.unsynced === 0) continue;
      const key = this.redis.key('ingress', connectionId, String(window.start));
      pipeline.incrby(key, window.unsynced).pexpire(key, WINDOW_MS * 2);
      batch.push({ window, added: window.unsynced });
      window.unsynced = 0;
    }
    try {
      if (batch.length > 0) {
        const answers = (await pipeline.exec()) ?? [];
        batch.forEach(({ window }, index) => {
          const [error, total] = answers[index * 2] ?? [null, null];
          // Everything this process let through up to the INCRBY is in `total`; pushes let through since
          // then are still in `unsynced` and not counted again.
          if (!error && typeof total === 'number') {
            window.others = Math.max(0, total - (window.local - window.unsynced));
          }
        });
      }
    } catch (error) {
      if (Date.now() - this.lastWarningAt > 10_000) {
        this.lastWarningAt = Date.now();
        this.logger.warn(
          `ingress limits are counted per process while Redis is away: ${(error as Error).message}`,
        );
      }
    } finally {
      this.timer = null;
      if ([...this.windows.values()].some((window) => window.unsynced > 0)) this.scheduleSync();
    }
  }

  private scheduleSync(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.sync(), SYNC_INTERVAL_MS);
    this.timer.unref();
  }
}
