import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { rateLimitScope, rateLimitTracker, rateLimitWindow } from './rate-limit-scope';
import { IngressRateGuard } from './ingress-rate.guard';
import { IngressRateLimiter } from './ingress-rate-limiter';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * The storage on its own, so the throttler's options factory and the API-key guard share one instance; and
 * the ingress limiter, one per process, for the webhook routes.
 */
@Global()
@Module({
  providers: [RedisThrottlerStorage, IngressRateLimiter, IngressRateGuard],
  exports: [RedisThrottlerStorage, IngressRateLimiter, IngressRateGuard],
})
export class RateLimitStorageModule {}

/** `@nestjs/throttler` with its counters in Redis; the limits come from the configuration. */
@Module({
  imports: [
    RateLimitStorageModule,
    ThrottlerModule.forRootAsync({
      imports: [RateLimitStorageModule],
      inject: [APP_CONFIG, RedisThrottlerStorage],
      useFactory: (config: AppConfig, storage: RedisThrottlerStorage) => ({
        storage,
        errorMessage: 'too many requests; wait for Retry-After seconds',
        throttlers: [
          {
            ttl: (context) => rateLimitWindow(rateLimitScope(context), config.rateLimits).ttlMs,
            limit: (context) => rateLimitWindow(rateLimitScope(context), config.rateLimits).limit,
            getTracker: (request, context) => rateLimitTracker(rateLimitScope(context), request as Request),
          },
        ],
      }),
    }),
  ],
})
export class RateLimitsModule {}
