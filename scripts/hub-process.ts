import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

/** Where the built hub is, relative to this file in `scripts/` and in `dist/scripts/`. */
const MAIN = __dirname.split(/[\\/]/).includes('dist')
  ? join(__dirname, '..', 'src', 'main.js')
  : join(__dirname, '..', 'dist', 'src', 'main.js');

export interface HubProcessOptions {
  /** A server URL whose database part is replaced by a fresh throw-away database. */
  baseDatabaseUrl: string;
  redisUrl: string;
  adminToken: string;
  env?: Record<string, string>;
  /** Also copy the hub's output to this process's stderr. */
  echo?: boolean;
}

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
 * The built hub as a real process, exactly as `npm start` runs it, on a free loopback port against a
 * throw-away database and its own Redis key prefix. Used by the end-to-end specs and the benchmarks.
 */
export class HubProcess {
  readonly url: string;
  readonly env: Record<string, string>;
  private process: ChildProcess | null = null;
  private output: string[] = [];

  private constructor(
    readonly port: number,
    readonly databaseUrl: string,
    readonly queuePrefix: string,
    private readonly options: HubProcessOptions,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.env = {
      NODE_ENV: 'test',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: options.redisUrl,
      HUB_QUEUE_PREFIX: queuePrefix,
      HUB_ADMIN_TOKEN: options.adminToken,
      HUB_PUBLIC_URL: this.url,
      LOG_LEVEL: 'warn',
      ...options.env,
    };
  }

  static async start(options: HubProcessOptions): Promise<HubProcess> {
    const suffix = randomBytes(5).toString('hex');
    const databaseUrl = new URL(options.baseDatabaseUrl);
    databaseUrl.pathname = `/hub_run_${suffix}`;
    const hub = new HubProcess(await freePort(), databaseUrl.toString(), `run_${suffix}`, options);
    await hub.boot();
    return hub;
  }

  /** The hub on a database that already exists (one a benchmark kept), new migrations applied on boot. */
  static async attach(databaseUrl: string, options: HubProcessOptions): Promise<HubProcess> {
    const hub = new HubProcess(
      await freePort(),
      databaseUrl,
      `run_${randomBytes(5).toString('hex')}`,
      options,
    );
    await hub.boot();
    return hub;
  }

  /**
   * Another process of the same hub (same database, same Redis prefix) on its own port, such as a
   * `HUB_ROLE=worker`. Stop it with `stop()` or `kill()`; only the first process's `close()` drops the data.
   */
  async sibling(env: Record<string, string> = {}): Promise<HubProcess> {
    const other = new HubProcess(await freePort(), this.databaseUrl, this.queuePrefix, {
      ...this.options,
      env: { ...this.options.env, ...env },
    });
    await other.boot();
    return other;
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
    const collect = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.options.echo) process.stderr.write(chunk);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`hub exited with ${code}:\n${this.logs()}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([
      eventually(
        async () => (await fetch(`${this.url}/health/ready`)).status === 200,
        // Generous: a process restarted while the machine is busy (a fault drill) can take a while to boot.
        60_000,
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
    await dropDatabase(this.options.baseDatabaseUrl, this.databaseUrl);
    await clearRedisPrefix(this.options.redisUrl, this.queuePrefix);
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

export async function dropDatabase(serverUrl: string, databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

export async function clearRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
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
