import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
import type { Platform } from '../../adapters/contract';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { recordRateLimitWait } from '../operations/hub-metrics';
import { QueueName } from '../queue/queue.constants';
import { AdapterRegistry } from './adapter-registry.service';
import type { Connection } from './connection.entity';
import { RedisRateLimiter } from './redis-rate-limiter';

/** One limiter per connection, shared by pulls and push-back in every process through Redis. */
@Injectable()
export class RateLimiterFactory {
  constructor(
    @InjectQueue(QueueName.Sync) private readonly queue: Queue,
    private readonly adapters: AdapterRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  forConnection(connection: Pick<Connection, 'id' | 'platform'>): RedisRateLimiter {
    return this.limiter(connection.platform, connection.id);
  }

  /** The budget of a developer app's own channel (TOP TMC consume and confirm), beside its shops' budgets. */
  forApp(platform: Platform, appKey: string): RedisRateLimiter {
    return this.limiter(platform, `app:${platform}:${appKey}`);
  }

  private limiter(platform: Platform, scope: string): RedisRateLimiter {
    const { requestsPerSecond } = this.adapters.get(platform).capabilities.rateLimit;
    return new RedisRateLimiter(
      this.queue.client,
      `${this.config.queuePrefix}:ratelimit:${scope}`,
      requestsPerSecond,
      (ms) => {
        recordRateLimitWait(platform, ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    );
  }
}
