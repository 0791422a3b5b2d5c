import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import type { MarketplaceSandbox } from '../adapters/contract';
import { GenericSandbox } from '../adapters/generic/generic.sandbox';
import { createSandboxes } from '../adapters/sandboxes';
import { DEFAULT_ROUTING } from '../config/routing.defaults';
import { DemoDesk } from './demo-desk';
import { DEMO_TRAFFIC, DemoTraffic } from './demo-traffic';
import { eventually, freePort } from './hub-process';

/** The repository root, from `scripts/` or `dist/scripts/`. */
const ROOT = __dirname.split(/[\\/]/).includes('dist') ? join(__dirname, '..', '..') : join(__dirname, '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const STATE_DIR = process.env.HUB_DEMO_DIR || join(ROOT, '.demo');
const STATE_FILE = join(STATE_DIR, 'state.json');
const LOG_FILE = join(STATE_DIR, 'hub.log');
const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/marketplace_hub_demo';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const QUEUE_PREFIX = process.env.HUB_QUEUE_PREFIX || 'demo';
const SLA_TIME_SCALE = process.env.HUB_SLA_TIME_SCALE || '1';
const FIX = 'start it, or run `docker compose up -d postgres redis`';

/** What the demo keeps between runs, so a second run reuses its tenant, keys and connections. */
interface DemoState {
  adminToken: string;
  masterKey: string;
  tenantId?: string;
  adminKey?: string;
  agentKey?: string;
  connections: Record<string, string>;
}

interface PlatformInfo {
  platform: string;
  push: string;
  pull: boolean;
}

const log = (message: string) => console.log(message);

function loadState(): DemoState {
  if (existsSync(STATE_FILE)) return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as DemoState;
  return {
    adminToken: randomBytes(18).toString('base64url'),
    masterKey: randomBytes(32).toString('base64'),
    connections: {},
  };
}

function saveState(state: DemoState): void {
  mkdirSync(STATE_DIR, { recursive: true });
  writeFileSync(STATE_FILE, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
}

function serverUrl(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  url.pathname = '/postgres';
  return url.toString();
}

/** One line naming what is missing and how to get it, instead of a stack trace. */
async function checkServices(): Promise<string | null> {
  const pg = new Client({ connectionString: serverUrl(DATABASE_URL), connectionTimeoutMillis: 3_000 });
  try {
    await pg.connect();
  } catch (error) {
    const where = new URL(DATABASE_URL).host;
    return `PostgreSQL is not reachable at ${where} (${(error as Error).message || 'connection refused'}): ${FIX}`;
  } finally {
    await pg.end().catch(() => undefined);
  }
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    retryStrategy: () => null,
    connectTimeout: 3_000,
  });
  let cause: Error | null = null;
  redis.on('error', (error: Error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const why = (cause ?? (error as Error)).message;
    return `Redis is not reachable at ${new URL(REDIS_URL).host} (${why}): ${FIX}`;
  } finally {
    redis.disconnect();
  }
  return null;
}

/** `--reset`: the demo database, its queue keys and the saved state go; the next steps start over. */
async function reset(): Promise<void> {
  const name = new URL(DATABASE_URL).pathname.slice(1);
  const pg = new Client({ connectionString: serverUrl(DATABASE_URL) });
  await pg.connect();
  try {
    await pg.query(`DROP DATABASE IF EXISTS "${name.replace(/"/g, '""')}" WITH (FORCE)`);
  } finally {
    await pg.end();
  }
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${QUEUE_PREFIX}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  rmSync(STATE_FILE, { force: true });
  log(`reset: dropped database ${name}, queue keys ${QUEUE_PREFIX}:*, and the saved demo state`);
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

class Api {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
  }

  async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const answer = await this.call<T>(method, path, body);
    if (answer.status >= 300) {
      throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    }
    return answer.body;
  }
}

/** The demo tenant, its keys, routing suited to demo traffic, and one connection per sandbox. */
async function prepareTenant(
  hubUrl: string,
  state: DemoState,
  sandboxes: MarketplaceSandbox[],
): Promise<void> {
  let admin = state.adminKey ? new Api(hubUrl, state.adminKey) : null;
  if (!admin || (await admin.call('GET', '/v1/connections')).status === 401) {
    const created = await new Api(hubUrl, state.adminToken).ok<{
      tenant: { id: string };
      apiKey: { key: string };
    }>('POST', '/v1/tenants', { name: 'Demo shop 演示店铺' });
    admin = new Api(hubUrl, created.apiKey.key);
    const agent = await admin.ok<{ key: string }>('POST', '/v1/api-keys', {
      role: 'agent',
      name: 'demo agent',
    });
    Object.assign(state, {
      tenantId: created.tenant.id,
      adminKey: created.apiKey.key,
      agentKey: agent.key,
      connections: {},
    });
    // Six SKUs share all the demo traffic (about four cases a minute each), so the default (5 tickets in an
    // hour) would make every SKU an incident; the bursts the traffic sends on purpose cross this one.
    await admin.ok('PUT', '/v1/routing-rules', {
      rules: DEFAULT_ROUTING.rules,
      thresholds: {
        ...DEFAULT_ROUTING.thresholds,
        incident: { tickets: DEMO_TRAFFIC.burstSize, windowMinutes: 1 },
      },
    });
    saveState(state);
  }
  const platforms = new Map(
    (await admin.ok<{ data: PlatformInfo[] }>('GET', '/v1/platforms')).data.map((p) => [p.platform, p]),
  );
  const existing = new Set(
    (await admin.ok<{ data: { id: string }[] }>('GET', '/v1/connections?limit=200')).data.map((c) => c.id),
  );
  for (const sandbox of sandboxes) {
    const known = state.connections[sandbox.platform];
    // The sandboxes start on new ports with new secrets each run: the saved connection follows them.
    const connection =
      known && existing.has(known)
        ? await admin.ok<{ id: string; webhookUrl: string }>('PATCH', `/v1/connections/${known}`, {
            credentials: sandbox.credentials,
            apiBaseUrl: sandbox.url,
          })
        : await admin.ok<{ id: string; webhookUrl: string }>('POST', '/v1/connections', {
            platform: sandbox.platform,
            name: `${sandbox.platform} sandbox`,
            shopId: sandbox.shopId,
            credentials: sandbox.credentials,
            apiBaseUrl: sandbox.url,
            pollIntervalSeconds: 10,
          });
    state.connections[sandbox.platform] = connection.id;
    if (platforms.get(sandbox.platform)?.push === 'webhook')
      sandbox.setPushTarget({ url: connection.webhookUrl });
  }
  saveState(state);
}

async function syncPulledConnections(hubUrl: string, state: DemoState): Promise<void> {
  const admin = new Api(hubUrl, state.adminKey ?? '');
  for (const id of Object.values(state.connections)) await admin.call('POST', `/v1/connections/${id}/sync`);
}

function banner(hubUrl: string, state: DemoState, sandboxes: MarketplaceSandbox[]): void {
  const lines = [
    '',
    'Marketplace After-Sales Hub — demo',
    '',
    `  admin API key   ${state.adminKey}`,
    `  agent API key   ${state.agentKey}`,
    `  admin token     ${state.adminToken}   (HUB_ADMIN_TOKEN: tenant creation and /queues)`,
    '',
    `  workbench       ${hubUrl}/app/#signin=${state.agentKey}`,
    `  API             ${hubUrl}/v1   (Authorization: Bearer <key>)`,
    `  API docs        ${hubUrl}/docs`,
    `  indicators      ${hubUrl}/v1/analytics/overview`,
    `  queues          ${hubUrl}/queues   (Authorization: Bearer <admin token>)`,
    `  metrics         ${hubUrl}/metrics`,
    '',
    `  SLA clocks      HUB_SLA_TIME_SCALE=${SLA_TIME_SCALE}${
      SLA_TIME_SCALE === '1'
        ? ' (real time; HUB_SLA_TIME_SCALE=60 npm run demo makes an SLA hour pass in a minute)'
        : ''
    }`,
    `  sandboxes       ${sandboxes.map((s) => `${s.platform} ${s.url}`).join(', ')}`,
    `  hub log         ${LOG_FILE}`,
    `  database        ${DATABASE_URL} (npm run demo -- --reset starts over)`,
    '',
    'New cases arrive every few seconds. Try an approval:',
    `  curl -s -H 'Authorization: Bearer ${state.agentKey}' '${hubUrl}/v1/tickets?status=new&limit=5'`,
    `  curl -s -XPOST -H 'Authorization: Bearer ${state.agentKey}' -H 'content-type: application/json' \\`,
    `       -d '{"type":"approve_refund"}' ${hubUrl}/v1/tickets/<id>/actions`,
    '',
    'Ctrl-C stops everything.',
    '',
  ];
  log(lines.join('\n'));
}

async function main(): Promise<void> {
  const missing = await checkServices();
  if (missing) {
    console.error(`error: ${missing}`);
    process.exit(1);
  }
  if (process.argv.includes('--reset')) await reset();
  if (!existsSync(MAIN)) {
    console.error('error: the hub is not built: run `npm run build` (npm run demo does it for you)');
    process.exit(1);
  }
  const state = loadState();
  saveState(state);

  const sandboxes = createSandboxes();
  const generic = sandboxes.find((sandbox): sandbox is GenericSandbox => sandbox instanceof GenericSandbox);
  if (!generic) throw new Error('the generic sandbox is missing from createSandboxes()');
  let hub: ChildProcess | null = null;
  let traffic: DemoTraffic | null = null;
  let desk: DemoDesk | null = null;
  let stopping = false;
  const logFd = openSync(LOG_FILE, 'a');
  const report = (message: string) => writeFileSync(logFd, `[demo] ${new Date().toISOString()} ${message}\n`);

  const stop = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      desk?.stop();
      await traffic?.stop();
      const child = hub;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(force);
      }
      await Promise.all(sandboxes.map((sandbox) => sandbox.stop().catch(() => undefined)));
      closeSync(logFd);
      if (code === 0) log('demo stopped: hub and sandboxes are down, ports released');
    }
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    for (const sandbox of sandboxes) await sandbox.start();
    const wanted = Number(process.env.PORT || 3000);
    const port = (await portIsFree(wanted)) ? wanted : await freePort();
    const hubUrl = `http://127.0.0.1:${port}`;
    log(`starting the hub on ${hubUrl} (log: ${LOG_FILE}) …`);
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL,
        REDIS_URL,
        HUB_QUEUE_PREFIX: QUEUE_PREFIX,
        HUB_ADMIN_TOKEN: state.adminToken,
        HUB_MASTER_KEY: state.masterKey,
        HUB_PUBLIC_URL: hubUrl,
        HUB_ALLOW_PRIVATE_URLS: 'true',
        HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
        HUB_SLA_TIME_SCALE: SLA_TIME_SCALE,
        HUB_SCHEDULER_INTERVAL_MS: process.env.HUB_SCHEDULER_INTERVAL_MS || '2000',
        HUB_INDICATOR_CHECK_INTERVAL_MS: process.env.HUB_INDICATOR_CHECK_INTERVAL_MS || '30000',
      },
      stdio: ['ignore', logFd, logFd],
    });
    hub = child;
    child.once('exit', (code, signal) => {
      if (stopping) return;
      console.error(`error: the hub stopped (${signal ?? `exit ${code}`}); its last lines:`);
      const tail = readFileSync(LOG_FILE, 'utf8').split('\n').slice(-15).join('\n');
      console.error(tail);
      void stop(1);
    });
    await eventually(
      async () => (await fetch(`${hubUrl}/health/ready`)).status === 200,
      90_000,
      'the hub to be ready',
    );

    await prepareTenant(hubUrl, state, sandboxes);
    traffic = new DemoTraffic(sandboxes, generic, report);
    await traffic.seed(2);
    await syncPulledConnections(hubUrl, state);
    traffic.start();
    desk = new DemoDesk(hubUrl, state.agentKey ?? '', report);
    await desk.start();
    banner(hubUrl, state, sandboxes);
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    await stop(1);
  }
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exit(1);
});
