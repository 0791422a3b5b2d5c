import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import type { Queue } from 'bull';
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
    const { requestsPerSecond } = this.adapters.get(connection.platform).capabilities.rateLimit;
    return new RedisRateLimiter(
      this.queue.client,
      `${this.config.queuePrefix}:ratelimit:${connection.id}`,
      requestsPerSecond,
      (ms) => {
        recordRateLimitWait(connection.platform, ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    );
  }
}
