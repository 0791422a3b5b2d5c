import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../config/env.config';
import { RATE_LIMIT_SHARE, RedisRateLimiter } from './redis-rate-limiter';

// Runs against the local Redis the rest of the suite uses; each case has its own key.
describe('RedisRateLimiter', () => {
  const redis = new Redis(loadConfig().redisUrl, { maxRetriesPerRequest: 1 });
  afterAll(() => redis.quit());

  const limiter = (requestsPerSecond: number, sleeps: number[] = []) =>
    new RedisRateLimiter(redis, `test:ratelimit:${randomUUID()}`, requestsPerSecond, async (ms) => {
      sleeps.push(ms);
      await new Promise((resolve) => setTimeout(resolve, ms));
    });

  it(`holds a connection to ${RATE_LIMIT_SHARE * 100} % of the platform's rate`, async () => {
    const gate = limiter(50);
    const started = Date.now();
    for (let i = 0; i < 21; i += 1) await gate.acquire();
    const perSecond = 20 / ((Date.now() - started) / 1000);
    expect(perSecond).toBeLessThanOrEqual(50 * RATE_LIMIT_SHARE * 1.1);
    expect(perSecond).toBeGreaterThan(50 * RATE_LIMIT_SHARE * 0.6);
  });

  it('admits one request of any cost, then makes the next wait for it', async () => {
    const sleeps: number[] = [];
    const gate = limiter(100, sleeps);
    await gate.acquire(50);
    expect(sleeps).toEqual([]);
    expect(await gate.delayFor(1)).toBeGreaterThan(500);
  });

  it('reports the wait without booking anything', async () => {
    const gate = limiter(10);
    await gate.acquire();
    const first = await gate.delayFor();
    const second = await gate.delayFor();
    expect(Math.abs(first - second)).toBeLessThan(20);
  });

  it('never limits a platform without a documented rate', async () => {
    const gate = limiter(0);
    for (let i = 0; i < 100; i += 1) await gate.acquire();
    expect(await gate.delayFor()).toBe(0);
  });

  it('holds requests when a cost-based platform says its budget is low', async () => {
    const gate = limiter(100);
    await gate.report({ available: 0, capacity: 1000, restorePerSecond: 100 });
    expect(await gate.delayFor()).toBeGreaterThan(1500);
  });
});
