import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Redis from 'ioredis';
import { Client } from 'pg';
import { eventually, freePort } from './hub-process';

const run = promisify(execFile);

/** A redis-server of the caller's own on a spare port, so it can be stopped and restarted at will. */
export class OwnRedis {
  private process: ChildProcess | null = null;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.up();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.process = child;
    await eventually(
      async () => {
        const client = new Redis(this.url, {
          lazyConnect: true,
          retryStrategy: () => null,
          maxRetriesPerRequest: 0,
        });
        client.on('error', () => undefined);
        try {
          await client.connect();
          return (await client.ping()) === 'PONG';
        } finally {
          client.disconnect();
        }
      },
      10_000,
      'redis-server to start',
    );
  }

  /** SIGKILL: Redis disappears with everything it held (it keeps nothing on disk here). */
  async down(): Promise<void> {
    const child = this.process;
    this.process = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
}

/** The newest PostgreSQL server binaries installed the Debian way (`/usr/lib/postgresql/<major>/bin`). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => existsSync(join(root, name, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors.length === 0) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, majors[0], 'bin');
}

/**
 * A PostgreSQL cluster of the caller's own (initdb in a temporary directory, a spare port), so it can be
 * restarted without touching the machine's server. PostgreSQL refuses to run as root, so under root the
 * cluster belongs to the `postgres` system user.
 */
export class OwnPostgres {
  private constructor(
    readonly port: number,
    private readonly dataDir: string,
    private readonly asUser: string | null,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const asUser = process.getuid?.() === 0 ? 'postgres' : null;
    const base = mkdtempSync(join(tmpdir(), 'hub-pg-'));
    const dataDir = join(base, 'data');
    if (asUser) {
      const { stdout } = await run('id', ['-u', asUser]);
      const { stdout: group } = await run('id', ['-g', asUser]);
      chownSync(base, Number(stdout.trim()), Number(group.trim()));
    }
    const postgres = new OwnPostgres(await freePort(), dataDir, asUser);
    await postgres.exec('initdb', [
      '-D',
      dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    await postgres.up();
    return postgres;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async up(): Promise<void> {
    // fsync off: the drill stops the server cleanly (fast shutdown), it never pulls the machine's power.
    const options = [
      `-p ${this.port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories=${join(this.dataDir, '..')}`,
      '-c fsync=off',
      '-c max_connections=200',
      '-c shared_buffers=64MB',
    ].join(' ');
    await this.exec('pg_ctl', [
      '-D',
      this.dataDir,
      '-o',
      options,
      '-l',
      join(this.dataDir, '..', 'log'),
      '-w',
      'start',
    ]);
    await eventually(
      async () => {
        const client = new Client({ connectionString: this.url });
        try {
          await client.connect();
          return true;
        } finally {
          await client.end().catch(() => undefined);
        }
      },
      30_000,
      'PostgreSQL to accept connections',
    );
  }

  /** `pg_ctl stop -m fast`: sessions are cut, transactions in flight roll back, committed data stays. */
  async down(): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async remove(): Promise<void> {
    await this.exec('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
    rmSync(join(this.dataDir, '..'), { recursive: true, force: true });
  }

  private async exec(tool: string, args: string[]): Promise<void> {
    const binary = join(postgresBin(), tool);
    if (this.asUser) await run('runuser', ['-u', this.asUser, '--', binary, ...args]);
    else await run(binary, args);
  }
}
