import Redis from 'ioredis';
import type { AppConfig } from '../config/env.config';
import { ensureDatabase } from './database/ensure-database';

const FIX = 'start it, or run `docker compose up -d` for a local PostgreSQL and Redis';

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export class PreflightError extends Error {}

/** Checks both services before Nest boots, so a missing one is one clear line, not a stack trace. */
export async function preflight(config: AppConfig, log: (message: string) => void): Promise<void> {
  try {
    if (await ensureDatabase(config.databaseUrl))
      log(`created database ${new URL(config.databaseUrl).pathname.slice(1)}`);
  } catch (error) {
    throw new PreflightError(
      `cannot reach PostgreSQL at ${redact(config.databaseUrl)} (${(error as Error).message}): ${FIX}`,
    );
  }
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 5_000,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new PreflightError(
      `cannot reach Redis at ${redact(config.redisUrl)} (${(error as Error).message}): ${FIX}`,
    );
  } finally {
    redis.disconnect();
  }
}
