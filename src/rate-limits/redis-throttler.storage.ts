import { Injectable, Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { RedisService } from '../redis/redis.service';

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** Counts a hit in a fixed window and starts a block once the window holds more than the limit. */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return { hits, ttl, blocked }
`;

/** A rate limit must never take the hub down with Redis: past this, the request goes through uncounted. */
const REDIS_WAIT_MS = 250;

const OPEN: ThrottlerStorageRecord = {
  totalHits: 0,
  timeToExpire: 0,
  isBlocked: false,
  timeToBlockExpire: 0,
};

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The throttler's counters in Redis, so a limit holds across every hub process. Fails open. */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private lastWarningAt = 0;

  constructor(private readonly redis: RedisService) {}

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const [hits, ttlLeft, blockedLeft] = await this.run(
      () =>
        this.redis.commands.eval(
          INCREMENT,
          2,
          this.redis.key('throttle', throttlerName, key),
          this.redis.key('throttle', throttlerName, key, 'blocked'),
          ttl,
          limit,
          blockDuration,
        ) as Promise<[number, number, number]>,
      [0, 0, 0],
    );
    if (hits === 0) return OPEN;
    return {
      totalHits: hits,
      timeToExpire: seconds(ttlLeft),
      isBlocked: blockedLeft > 0,
      timeToBlockExpire: blockedLeft > 0 ? seconds(blockedLeft) : 0,
    };
  }

  /** Seconds until a block on the key ends; 0 when it is not blocked. */
  async blockedFor(key: string, throttlerName: string): Promise<number> {
    const left = await this.run(
      () => this.redis.commands.pttl(this.redis.key('throttle', throttlerName, key, 'blocked')),
      0,
    );
    return left > 0 ? seconds(left) : 0;
  }

  private async run<T>(command: () => Promise<T>, fallback: T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        command(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_WAIT_MS} ms`)), REDIS_WAIT_MS);
        }),
      ]);
    } catch (error) {
      if (Date.now() - this.lastWarningAt > 10_000) {
        this.lastWarningAt = Date.now();
        this.logger.warn(`rate limits are not counted while Redis is away: ${(error as Error).message}`);
      }
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }
}
