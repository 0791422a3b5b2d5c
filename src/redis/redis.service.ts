import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';

/**
 * Redis for what is not a queue: shared counters (rate limits) and process-to-process notices. Commands
 * fail at once while Redis is away instead of queueing, so callers can carry on without it.
 */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  readonly commands: Redis;
  private subscriber: Redis | null = null;
  private readonly listeners = new Map<string, ((message: string) => void)[]>();
  private readonly reconnectListeners: (() => void)[] = [];

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.commands = new Redis(config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: false,
    });
    this.commands.on('error', (error: Error) => this.logger.debug(`redis: ${error.message}`));
  }

  /** A key in this hub's namespace (several hubs or test runs may share one Redis). */
  key(...parts: string[]): string {
    return [this.config.queuePrefix, ...parts].join(':');
  }

  publish(channel: string, message: string): Promise<number> {
    return this.commands.publish(this.key(channel), message);
  }

  /**
   * Calls `listener` for every message on the channel. After a lost connection the `onReconnect`
   * callbacks run, because messages sent meanwhile are gone for good.
   */
  subscribe(channel: string, listener: (message: string) => void, onReconnect?: () => void): void {
    const name = this.key(channel);
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    if (onReconnect) this.reconnectListeners.push(onReconnect);
    if (!this.subscriber) {
      const subscriber = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false });
      let connectedBefore = false;
      subscriber.on('error', (error: Error) => this.logger.debug(`redis subscriber: ${error.message}`));
      subscriber.on('ready', () => {
        if (connectedBefore) for (const callback of this.reconnectListeners) callback();
        connectedBefore = true;
      });
      subscriber.on('message', (from: string, message: string) => {
        for (const callback of this.listeners.get(from) ?? []) callback(message);
      });
      this.subscriber = subscriber;
    }
    this.subscriber.subscribe(name).catch((error: unknown) => {
      this.logger.warn(`cannot subscribe to ${name}: ${(error as Error).message}`);
    });
  }

  onApplicationShutdown(): void {
    this.commands.disconnect();
    this.subscriber?.disconnect();
  }
}
