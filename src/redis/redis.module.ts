import { Global, Module } from '@nestjs/common';
import { RedisService } from './redis.service';

/** Global because rate limits and cache notices are used by most modules, like the configuration. */
@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
