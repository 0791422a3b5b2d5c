import { createHash } from 'node:crypto';

export type HubRole = 'all' | 'api' | 'worker';

export interface AppConfig {
  nodeEnv: string;
  /** Anything but `development` or `test`: secrets are mandatory and upstream calls use https only. */
  production: boolean;
  port: number;
  databaseUrl: string;
  redisUrl: string;
  /** Namespaces every queue key in Redis, so several hubs (or test runs) can share one Redis. */
  queuePrefix: string;
  adminToken: string | null;
  publicUrl: string;
  /** 32 bytes for AES-256-GCM of connection credentials. */
  masterKey: Buffer;
  masterKeyIsDerived: boolean;
  role: HubRole;
  /** Private and loopback addresses allowed for upstream APIs and outbound webhooks (tests, demos, sandboxes). */
  allowPrivateUrls: boolean;
  rateLimits: RateLimitConfig;
  /** How often the sweeper looks for stored events that never reached the queue. */
  sweepIntervalMs: number;
  /** How often connections due for polling are looked for. */
  schedulerIntervalMs: number;
  defaultPollIntervalSeconds: number;
  logLevel: 'error' | 'warn' | 'log' | 'debug';
  /** Compresses SLA clocks for demos and tests: 3600 makes one real second count as one SLA hour. */
  slaTimeScale: number;
  /** How often workers look for SLA warnings and breaches whose timers were lost (Redis flushed, worker down). */
  slaSweepIntervalMs: number;
  /** How long a process keeps a tenant's routing rules and SLA policies before reading them again. */
  settingsCacheTtlMs: number;
  /** How often workers evaluate every tenant's indicators against its thresholds. */
  indicatorCheckIntervalMs: number;
}

export interface RateLimitConfig {
  /** Tenant creations per client address per minute. */
  tenantCreationsPerMinute: number;
  /** Failed authentications (unknown key, wrong admin token, bad push signature) per client address per minute. */
  failedAuthPerMinute: number;
  /** Pushes per connection per second; generous, so a platform's burst is never turned away. */
  ingressPerConnectionPerSecond: number;
}

export class ConfigError extends Error {}

/** The environments that may run without real secrets; every other value (`prod`, `Production`, `staging`) may not. */
const NON_PRODUCTION_ENVIRONMENTS = ['development', 'test'];

const DEVELOPMENT_KEY_SEED = 'marketplace-after-sales-hub development key';

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): string {
  const raw = env[name] || fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} is not a URL: ${JSON.stringify(raw)}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must start with ${protocols.join(' or ')}, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function masterKey(env: NodeJS.ProcessEnv, production: boolean): { key: Buffer; derived: boolean } {
  const raw = env.HUB_MASTER_KEY;
  if (!raw) {
    if (production)
      throw new ConfigError(
        'HUB_MASTER_KEY is required unless NODE_ENV is development or test (32 bytes, base64)',
      );
    return { key: createHash('sha256').update(DEVELOPMENT_KEY_SEED).digest(), derived: true };
  }
  const key = Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new ConfigError('HUB_MASTER_KEY must be 32 bytes encoded in base64');
  return { key, derived: false };
}

/** The only reader of process.env: validates everything once, at boot. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV || 'development';
  const production = !NON_PRODUCTION_ENVIRONMENTS.includes(nodeEnv);
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const role = (env.HUB_ROLE || 'all') as HubRole;
  if (!['all', 'api', 'worker'].includes(role)) throw new ConfigError('HUB_ROLE must be all, api or worker');
  const logLevel = (env.LOG_LEVEL || 'log') as AppConfig['logLevel'];
  if (!['error', 'warn', 'log', 'debug'].includes(logLevel))
    throw new ConfigError('LOG_LEVEL must be error, warn, log or debug');
  const adminToken = env.HUB_ADMIN_TOKEN || null;
  if (production && !adminToken) {
    throw new ConfigError('HUB_ADMIN_TOKEN is required unless NODE_ENV is development or test');
  }
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('HUB_ADMIN_TOKEN must be 16 characters or more');
  }
  const key = masterKey(env, production);
  const slaTimeScale = integer(env, 'HUB_SLA_TIME_SCALE', 1, 1, 86_400);
  if (production && slaTimeScale !== 1)
    throw new ConfigError('HUB_SLA_TIME_SCALE is for demos and tests only');
  const allowPrivate = env.HUB_ALLOW_PRIVATE_URLS ?? env.HUB_ALLOW_PRIVATE_WEBHOOK_URLS;
  if (allowPrivate !== undefined && !['true', 'false', ''].includes(allowPrivate))
    throw new ConfigError('HUB_ALLOW_PRIVATE_URLS must be true or false');
  return {
    nodeEnv,
    production,
    port,
    databaseUrl: url(env, 'DATABASE_URL', 'postgres://postgres@127.0.0.1:5432/marketplace_hub', [
      'postgres:',
      'postgresql:',
    ]),
    redisUrl: url(env, 'REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    queuePrefix: env.HUB_QUEUE_PREFIX || 'hub',
    adminToken,
    publicUrl: url(env, 'HUB_PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']).replace(
      /\/+$/,
      '',
    ),
    masterKey: key.key,
    masterKeyIsDerived: key.derived,
    role,
    // HUB_ALLOW_PRIVATE_WEBHOOK_URLS is the setting's former name, still honoured.
    allowPrivateUrls: allowPrivate === 'true',
    rateLimits: {
      tenantCreationsPerMinute: integer(env, 'HUB_RATE_LIMIT_TENANTS_PER_MINUTE', 20, 1, 100_000),
      failedAuthPerMinute: integer(env, 'HUB_RATE_LIMIT_FAILED_AUTH_PER_MINUTE', 60, 1, 1_000_000),
      ingressPerConnectionPerSecond: integer(env, 'HUB_RATE_LIMIT_INGRESS_PER_SECOND', 2_000, 1, 1_000_000),
    },
    sweepIntervalMs: integer(env, 'HUB_SWEEP_INTERVAL_MS', 15_000, 100, 3_600_000),
    schedulerIntervalMs: integer(env, 'HUB_SCHEDULER_INTERVAL_MS', 5_000, 100, 3_600_000),
    defaultPollIntervalSeconds: integer(env, 'HUB_DEFAULT_POLL_INTERVAL_SECONDS', 300, 10, 86_400),
    logLevel,
    slaTimeScale,
    slaSweepIntervalMs: integer(env, 'HUB_SLA_SWEEP_INTERVAL_MS', 30_000, 100, 3_600_000),
    settingsCacheTtlMs: integer(env, 'HUB_SETTINGS_CACHE_TTL_MS', 5_000, 0, 600_000),
    indicatorCheckIntervalMs: integer(env, 'HUB_INDICATOR_CHECK_INTERVAL_MS', 60_000, 200, 86_400_000),
  };
}
