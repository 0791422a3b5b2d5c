import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ActionType, TicketStage } from '../adapters/contract';
import { PLATFORMS } from '../adapters/contract';
import { clearRedisPrefix, dropDatabase, eventually, freePort } from '../scripts/hub-process';
import { STAGES_AFTER } from '../src/actions/action-rules';

const DEMO = join(__dirname, '..', 'dist', 'scripts', 'demo.js');
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Ticket {
  id: string;
  platform: string;
  stage: TicketStage;
}

interface PlatformInfo {
  platform: string;
  actions: ActionType[];
  actionStages: Partial<Record<ActionType, TicketStage[]>>;
}

/** `npm run demo` as a user runs it: its own process, stopped with Ctrl-C (SIGINT). */
class DemoRun {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    private readonly env: Record<string, string>,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  static start(env: Record<string, string>): DemoRun {
    const child = spawn(process.execPath, [DEMO], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new DemoRun(child, env);
  }

  async ready(): Promise<void> {
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    await eventually(
      async () => {
        if (exitCode !== undefined) throw new Error(`the demo exited with ${exitCode}:\n${this.output}`);
        return this.output.includes('Ctrl-C stops everything.');
      },
      150_000,
      'the demo banner',
    );
  }

  /** Every loopback port the banner names: the hub's and each sandbox's. */
  ports(): number[] {
    return [...this.output.matchAll(/http:\/\/127\.0\.0\.1:(\d+)/g)].map((match) => Number(match[1]));
  }

  async interrupt(): Promise<number | null> {
    this.child.kill('SIGINT');
    return this.exited;
  }

  get hubUrl(): string {
    return `http://127.0.0.1:${this.env.PORT}`;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run demo', () => {
  const suffix = randomBytes(5).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'hub-demo-'));
  const databaseUrl = Object.assign(new URL(SERVER_URL), { pathname: `/hub_demo_${suffix}` }).toString();
  const prefix = `demo_${suffix}`;
  let env: Record<string, string>;
  let run: DemoRun | null = null;

  beforeAll(async () => {
    env = {
      PORT: String(await freePort()),
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      HUB_QUEUE_PREFIX: prefix,
      HUB_DEMO_DIR: dir,
    };
  });

  afterAll(async () => {
    if (run && run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
    await dropDatabase(SERVER_URL, databaseUrl);
    await clearRedisPrefix(env.REDIS_URL, prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  const state = () =>
    JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as { tenantId: string; agentKey: string };

  const api = async <T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const response = await fetch(`${run?.hubUrl}${path}`, {
      method,
      headers: { Authorization: `Bearer ${state().agentKey}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };

  it('fills the inbox from all seven platforms, takes a decision back to its sandbox, and stops cleanly', async () => {
    run = DemoRun.start(env);
    await run.ready();
    expect(run.output).toContain(`/app/#signin=${state().agentKey}`);
    expect(run.output).toMatch(/HUB_SLA_TIME_SCALE=1/);

    await eventually(
      async () => {
        for (const platform of PLATFORMS) {
          const page = await api<{ data: Ticket[] }>('GET', `/v1/tickets?platform=${platform}&limit=1`);
          if (page.body.data.length === 0) return false;
        }
        return true;
      },
      120_000,
      'tickets from every platform',
    );

    // One approval through the API, as a user would try it: the sandbox moves the case, the ticket follows.
    const platforms = (await api<{ data: PlatformInfo[] }>('GET', '/v1/platforms')).body.data;
    const decided = await eventually(
      async () => {
        const inbox = await api<{ data: Ticket[] }>('GET', '/v1/tickets?status=new&limit=50');
        for (const ticket of inbox.body.data) {
          const info = platforms.find((platform) => platform.platform === ticket.platform);
          const type = (['approve_refund', 'approve_return'] as const).find(
            (candidate) =>
              info?.actions.includes(candidate) && info.actionStages[candidate]?.includes(ticket.stage),
          );
          if (!type || ticket.platform === 'jd') continue;
          const requested = await api<{ id: string }>('POST', `/v1/tickets/${ticket.id}/actions`, { type });
          if (requested.status === 202) return { ticket, type, actionId: requested.body.id };
        }
        return undefined;
      },
      60_000,
      'a ticket open to an approval',
    );
    const action = await eventually(
      async () => {
        const current = await api<{ status: string }>('GET', `/v1/actions/${decided.actionId}`);
        return ['succeeded', 'failed'].includes(current.body.status) ? current.body : undefined;
      },
      60_000,
      'the approval upstream',
    );
    expect(action.status).toBe('succeeded');
    await eventually(
      async () => {
        const ticket = await api<Ticket>('GET', `/v1/tickets/${decided.ticket.id}`);
        return STAGES_AFTER[decided.type]?.includes(ticket.body.stage);
      },
      30_000,
      'the ticket to follow its case',
    );

    const ports = run.ports();
    expect(ports.length).toBeGreaterThanOrEqual(8);
    expect(await run.interrupt()).toBe(0);
    expect(run.output).toContain('demo stopped');
    for (const port of new Set(ports)) expect([port, await portOpen(port)]).toEqual([port, false]);
  }, 400_000);

  it('starts again on the same tenant, keys and connections', async () => {
    const before = state();
    run = DemoRun.start(env);
    await run.ready();
    expect(state()).toMatchObject({ tenantId: before.tenantId, agentKey: before.agentKey });
    const tickets = await api<{ data: Ticket[] }>('GET', '/v1/tickets?limit=200');
    expect(tickets.status).toBe(200);
    expect(tickets.body.data.length).toBeGreaterThan(0);
    const connections = await api<{ data: unknown[] }>('GET', '/v1/connections');
    expect(connections.body.data).toHaveLength(PLATFORMS.length);
    expect(await run.interrupt()).toBe(0);
  }, 300_000);
});
