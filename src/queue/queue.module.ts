import { BullModule } from '@nestjs/bull';
import { Global, Module } from '@nestjs/common';
import Redis, { type RedisOptions } from 'ioredis';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { adapterBackoff, DEFAULT_JOB_OPTIONS, QueueName } from './queue.constants';

/** Bull's blocking and subscriber connections must wait forever; the command connection fails fast instead. */
function createRedisClient(
  config: AppConfig,
  type: 'client' | 'subscriber' | 'bclient',
  options?: RedisOptions,
): Redis {
  const shared: RedisOptions = { ...options, lazyConnect: false };
  if (type === 'client') return new Redis(config.redisUrl, { ...shared, maxRetriesPerRequest: 2 });
  return new Redis(config.redisUrl, { ...shared, maxRetriesPerRequest: null, enableReadyCheck: false });
}

const queues = BullModule.registerQueue(
  { name: QueueName.Sync },
  {
    name: QueueName.Actions,
    // A worker that dies mid-action is noticed within seconds; the action ledger makes the re-run safe.
    settings: {
      lockDuration: 10_000,
      stalledInterval: 5_000,
      maxStalledCount: 5,
      backoffStrategies: { adapter: adapterBackoff },
    },
  },
  { name: QueueName.Webhooks },
  { name: QueueName.Sla },
  { name: QueueName.Indicators },
);

@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        prefix: config.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
        createClient: (type, options) => createRedisClient(config, type, options),
      }),
    }),
    queues,
  ],
  exports: [queues],
})
export class QueueModule {}
