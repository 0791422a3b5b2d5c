import type Redis from 'ioredis';
import type { RateLimiter } from '../../adapters/contract';

/**
 * A virtual-scheduling limiter (GCRA) over Redis server time, so every process shares one budget per
 * connection. A request may go when the time already booked ends no later than `tolerance` from now; it
 * then books `interval × cost`. Returns 0 when it may go, or the milliseconds to wait (booking nothing).
 */
const GCRA = `
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local book = ARGV[4] == '1'
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local wait = tat - tolerance - now
if wait > 0 then return math.ceil(wait) end
local new_tat = tat + interval * cost
if book then redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now) + 1000) end
return 0
`;

/** Share of the platform's documented limit the hub allows itself, so bursts from the platform side never 429 us. */
export const RATE_LIMIT_SHARE = 0.8;

export class RedisRateLimiter implements RateLimiter {
  private readonly intervalMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    requestsPerSecond: number,
    private readonly sleep: (ms: number) => Promise<void> = (ms) =>
      new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.intervalMs = requestsPerSecond > 0 ? 1000 / (requestsPerSecond * RATE_LIMIT_SHARE) : 0;
  }

  /** How long a request of this cost would wait now, without booking it. */
  async delayFor(cost = 1): Promise<number> {
    if (this.intervalMs === 0) return 0;
    return Number(await this.redis.eval(GCRA, 1, this.key, this.intervalMs, this.intervalMs, cost, '0'));
  }

  async acquire(cost = 1): Promise<void> {
    if (this.intervalMs === 0) return;
    for (;;) {
      const wait = Number(
        await this.redis.eval(GCRA, 1, this.key, this.intervalMs, this.intervalMs, cost, '1'),
      );
      if (wait <= 0) return;
      await this.sleep(wait);
    }
  }

  /** Cost-based platforms say how much budget is left; when it runs low, hold new requests until it refills. */
  async report(status: { available: number; capacity: number; restorePerSecond: number }): Promise<void> {
    const floor = status.capacity * (1 - RATE_LIMIT_SHARE);
    if (status.available >= floor || status.restorePerSecond <= 0) return;
    const holdMs = Math.ceil(((floor - status.available) / status.restorePerSecond) * 1000);
    await this.redis.eval(
      `local now_parts = redis.call('TIME')
       local now = tonumber(now_parts[1]) * 1000 + math.floor(tonumber(now_parts[2]) / 1000)
       local until_at = now + tonumber(ARGV[1])
       local tat = tonumber(redis.call('GET', KEYS[1]) or now)
       if tat < until_at then redis.call('SET', KEYS[1], until_at, 'PX', tonumber(ARGV[1]) + 1000) end
       return 0`,
      1,
      this.key,
      holdMs,
    );
  }
}
