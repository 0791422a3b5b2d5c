import { randomUUID } from 'node:crypto';
import { RedisService } from '../../redis/redis.service';
import type { AppRef } from './app-channels.service';

/**
 * One process consumes or streams an app's channel at a time: it holds a lease in Redis, renewed while it works.
 * A process that dies loses it after `APP_CHANNEL_LEASE_MS`, and another worker takes over; without Redis nobody
 * takes it and the per-shop pull is the backstop.
 */
export const APP_CHANNEL_LEASE_MS = 30_000;
export const APP_CHANNEL_LEASE_RENEW_MS = 10_000;

const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class AppChannelLease {
  private readonly token = randomUUID();
  private readonly key: string;

  constructor(
    private readonly redis: RedisService,
    app: AppRef,
  ) {
    this.key = redis.key('app-channel', app.platform, app.appKey, app.fingerprint);
  }

  /** True when this process now holds the app. */
  async take(): Promise<boolean> {
    const taken = await this.redis.commands
      .set(this.key, this.token, 'PX', APP_CHANNEL_LEASE_MS, 'NX')
      .catch(() => null);
    return taken === 'OK';
  }

  /** False once another process holds it (this one lost it). */
  async renew(): Promise<boolean> {
    const renewed = await this.redis.commands.eval(
      RENEW_SCRIPT,
      1,
      this.key,
      this.token,
      String(APP_CHANNEL_LEASE_MS),
    );
    return renewed === 1;
  }

  async release(): Promise<void> {
    await this.redis.commands.eval(RELEASE_SCRIPT, 1, this.key, this.token).catch(() => undefined);
  }
}
