import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
const MAIN = join(__dirname, '..', '..', 'dist', 'src', 'main.js');
const BASE_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BASE_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * The built hub (`npm test` builds it first) as a real process, exactly as `npm start` runs it, on a free
 * loopback port against a throw-away database and its own Redis key prefix, with fast schedulers.
 */
export class TestHub {
  readonly url: string;
  readonly env: Record<string, string>;
  private process: ChildProcess | null = null;
  private output: string[] = [];

  private constructor(
    readonly port: number,
    readonly databaseUrl: string,
    readonly queuePrefix: string,
    env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.env = {
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: BASE_REDIS_URL,
      HUB_QUEUE_PREFIX: queuePrefix,
      HUB_ADMIN_TOKEN: ADMIN_TOKEN,
      HUB_PUBLIC_URL: this.url,
      HUB_SWEEP_INTERVAL_MS: '500',
      HUB_SCHEDULER_INTERVAL_MS: '300',
      LOG_LEVEL: 'warn',
      ...env,
    };
  }

  static async start(env: Record<string, string> = {}): Promise<TestHub> {
    const suffix = randomBytes(5).toString('hex');
    const databaseUrl = new URL(BASE_DATABASE_URL);
    databaseUrl.pathname = `/hub_test_${suffix}`;
    const hub = new TestHub(await freePort(), databaseUrl.toString(), `test_${suffix}`, env);
    await hub.boot();
    return hub;
  }

  get http(): ReturnType<typeof request> {
    return request(this.url);
  }

  /** What the hub printed, for failure messages. */
  logs(): string {
    return this.output.join('');
  }

  async boot(extraEnv: Record<string, string> = {}): Promise<void> {
    const child = spawn(process.execPath, [MAIN], {
      env: { PATH: process.env.PATH ?? '', ...this.env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    child.stdout?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${this.logs()}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([
      eventually(
        async () => (await fetch(`${this.url}/health/ready`)).status === 200,
        30_000,
        'the hub to be ready',
      ),
      exited,
    ]);
  }

  /** SIGTERM and wait: a graceful stop. */
  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  /** SIGKILL: the process dies wherever it is, as in a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async restart(extraEnv: Record<string, string> = {}): Promise<void> {
    await this.stop();
    await this.boot(extraEnv);
  }

  async close(): Promise<void> {
    await this.stop();
    await dropDatabase(this.databaseUrl);
    await clearRedisPrefix(BASE_REDIS_URL, this.queuePrefix);
  }

  /** Direct SQL against the hub's database, for assertions the API does not expose. */
  async sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  private async signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new Client({ connectionString: BASE_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function clearRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis already gone (a test stopped its own): nothing to clean.
  } finally {
    redis.disconnect();
  }
}

export interface TenantSession {
  tenantId: string;
  apiKey: string;
  auth: { Authorization: string };
}

export async function createTenant(hub: TestHub, name = 'Acme'): Promise<TenantSession> {
  const response = await hub.http
    .post('/v1/tenants')
    .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
    .send({ name })
    .expect(201);
  const body = response.body as { tenant: { id: string }; apiKey: { key: string } };
  return {
    tenantId: body.tenant.id,
    apiKey: body.apiKey.key,
    auth: { Authorization: `Bearer ${body.apiKey.key}` },
  };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
