/**
 * Every benchmark in `bench/`, one after another against the sandboxes on loopback, and one table: each
 * figure, its target from DESIGN §9, and where it makes sense a baseline measured in the same run with the
 * ratio to it (these machines are shared and noisy; ratios travel better than absolute numbers).
 *
 *   npm run bench                      # the full run: 1,000,000 tickets for the indicators, inbox and search
 *   npm run bench -- --tickets 100000  # the same with a smaller seed
 *   npm run bench -- --quick           # everything smaller, a few minutes
 *
 * Each benchmark runs as its own process; one that fails is reported in the table and the others go on.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string' },
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const QUICK = values.quick;
const TICKETS = values.tickets ?? (QUICK ? '100000' : '1000000');

type Json = Record<string, unknown>;

interface Run {
  name: string;
  ok: boolean;
  stdout: string;
  error?: string;
  seconds: number;
}

function runBench(name: string, args: string[]): Promise<Run> {
  const started = Date.now();
  process.stderr.write(`\n== ${name} ${args.join(' ')}\n`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(__dirname, `${name}.js`), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      process.stderr.write(chunk);
    });
    child.once('exit', (code) =>
      resolve({
        name,
        ok: code === 0,
        stdout,
        error: code === 0 ? undefined : (stderr.trim().split('\n').pop() ?? `exit ${code}`),
        seconds: Math.round((Date.now() - started) / 1000),
      }),
    );
  });
}

/** The last JSON document a benchmark printed on stdout. */
function lastJson(stdout: string): Json | null {
  const start = stdout.lastIndexOf('\n{');
  const text = start >= 0 ? stdout.slice(start + 1) : stdout.startsWith('{') ? stdout : '';
  try {
    return text ? (JSON.parse(text) as Json) : null;
  } catch {
    return null;
  }
}

const at = (value: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], value);
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const fmt = (value: number | null, unit = ''): string =>
  value === null ? '—' : `${value.toLocaleString('en-US')}${unit}`;
const ratio = (value: number | null, base: number | null): string =>
  value === null || base === null || base === 0 ? '—' : `${(value / base).toFixed(2)} ×`;

interface Row {
  figure: string;
  measured: string;
  target: string;
  baseline?: string;
  ratio?: string;
}

async function main(): Promise<void> {
  const plan: [string, string[]][] = [
    ['baseline', ['--seconds', QUICK ? '5' : '15', '--concurrency', '64']],
    ['ingest', ['--events', QUICK ? '5000' : '20000', '--concurrency', '64']],
    ['routing', ['--cases', QUICK ? '20000' : '100000']],
    ['pushback', ['--platform', 'taobao', '--cases', QUICK ? '50' : '200']],
    ['analytics', ['--tickets', TICKETS, '--rounds', QUICK ? '10' : '30']],
    ['search', ['--tickets', TICKETS, '--rounds', QUICK ? '5' : '20']],
    ['workbench', ['--tickets', QUICK ? '300' : '1000', '--arrivals', QUICK ? '5' : '20']],
  ];
  const runs = new Map<string, Run>();
  for (const [name, args] of plan) {
    if (values.only && !values.only.split(',').includes(name)) continue;
    runs.set(name, await runBench(name, args));
  }
  const rows: Row[] = [];
  const failed = (name: string): boolean => {
    const run = runs.get(name);
    if (!run) return true;
    if (!run.ok) rows.push({ figure: `${name}: did not finish`, measured: run.error ?? '', target: '' });
    return !run.ok;
  };

  if (!failed('baseline')) {
    const b = lastJson(runs.get('baseline')?.stdout ?? '');
    const bare = num(at(b, 'bareRoute.perSecond'));
    const insert = num(at(b, 'bareInsert.perSecond'));
    const hub = num(at(b, 'hubIngress.perSecond'));
    const c = `c=${String(at(b, 'concurrency'))}, ${String(at(b, 'seconds'))} s`;
    rows.push(
      { figure: `bare NestJS JSON POST route (${c})`, measured: fmt(bare, '/s'), target: 'baseline' },
      {
        figure: `bare NestJS route + one INSERT … ON CONFLICT (${c})`,
        measured: fmt(insert, '/s'),
        target: 'baseline',
        baseline: fmt(bare, '/s'),
        ratio: ratio(insert, bare),
      },
      {
        figure: `hub webhook ingress, acknowledged (${c})`,
        measured: `${fmt(hub, '/s')}, p99 ${fmt(num(at(b, 'hubIngress.p99')), ' ms')}`,
        target: '≥ 1,000/s, p99 < 250 ms',
        baseline: fmt(insert, '/s (bare insert)'),
        ratio: ratio(hub, insert),
      },
    );
  }
  if (!failed('ingest')) {
    const i = lastJson(runs.get('ingest')?.stdout ?? '');
    rows.push(
      {
        figure: `ingest bench: ingress, ${String(at(i, 'events'))} events at c=${String(at(i, 'concurrency'))}`,
        measured: `${fmt(num(at(i, 'ingress.acknowledgedPerSecond')), '/s')}, p99 ${fmt(num(at(i, 'ingress.latencyMs.p99')), ' ms')}`,
        target: '≥ 1,000/s, p99 < 250 ms',
      },
      {
        figure: 'ingest bench: events → tickets drained',
        measured: fmt(num(at(i, 'eventToTicket.ticketsPerSecond')), ' tickets/s'),
        target: '≥ 500/s sustained',
      },
      {
        figure: 'ingest bench: event → ticket latency after the burst',
        measured: `p50 ${fmt(num(at(i, 'eventToTicket.latencyMs.p50')), ' ms')}, p99 ${fmt(num(at(i, 'eventToTicket.latencyMs.p99')), ' ms')}`,
        target: 'p99 < 1 s at 500 events/s',
      },
    );
  }
  if (!failed('routing')) {
    for (const match of (runs.get('routing')?.stdout ?? '').matchAll(/^\s+(.+): ([\d,]+) tickets\/s$/gm)) {
      rows.push({
        figure: `routing + SLA computation: ${match[1]}`,
        measured: `${match[2]} tickets/s`,
        target: '—',
      });
    }
  }
  if (!failed('pushback')) {
    const p = lastJson(runs.get('pushback')?.stdout ?? '');
    rows.push(
      {
        figure: `push-back: ${String(at(p, 'actions'))} ${String(at(p, 'decision'))} on ${String(at(p, 'platform'))}`,
        measured: `busiest second ${fmt(num(at(p, 'busiestSecond')))} calls, ${fmt(num(at(p, 'http429')))} × 429, ${fmt(num(at(p, 'failed')))} failed`,
        target: '≤ 80 % of the limit, no 429 storms',
        baseline: `budget ${fmt(num(at(p, 'budgetPerSecond')))}/s`,
        ratio: ratio(num(at(p, 'busiestSecond')), num(at(p, 'budgetPerSecond'))),
      },
      {
        figure: 'outbound webhook lag (push-back run)',
        measured: `p50 ${fmt(num(at(p, 'webhooks.lagMs.p50')), ' ms')}, p99 ${fmt(num(at(p, 'webhooks.lagMs.p99')), ' ms')}`,
        target: '—',
      },
    );
  }
  if (!failed('analytics')) {
    const a = lastJson(runs.get('analytics')?.stdout ?? '');
    const results = (at(a, 'results') ?? {}) as Record<string, { p50: number; p95: number }>;
    const seeded = `${Number(at(a, 'tickets')).toLocaleString('en-US')} tickets`;
    for (const [name, figure] of Object.entries(results)) {
      const inbox = name.startsWith('inbox') || name.startsWith('search');
      rows.push({
        figure: `${name} (${seeded}, c=1)`,
        measured: `p50 ${figure.p50} ms, p95 ${figure.p95} ms`,
        target: inbox ? 'p95 < 50 ms' : 'p95 < 300 ms',
      });
    }
    rows.push({
      figure: `seed of ${seeded} (set-based SQL, indexes rebuilt after)`,
      measured: fmt(num(at(a, 'seedSeconds')), ' s'),
      target: '—',
    });
  }
  if (!failed('search')) {
    const s = lastJson(runs.get('search')?.stdout ?? '');
    const seeded = `${Number(at(s, 'tickets')).toLocaleString('en-US')} tickets`;
    for (const kind of ['q', 'q+platform']) {
      rows.push({
        figure: `search bench: ${kind}, all query kinds (${seeded}, c=1)`,
        measured: `p50 ${fmt(num(at(s, `overall.${kind}.p50`)), ' ms')}, p95 ${fmt(num(at(s, `overall.${kind}.p95`)), ' ms')}`,
        target: 'p95 < 50 ms',
      });
    }
  }
  if (!failed('workbench')) {
    for (const match of (runs.get('workbench')?.stdout ?? '').matchAll(/^\| (.+?) \| (.+?) \|$/gm)) {
      if (match[1] === 'figure' || match[1].startsWith('---')) continue;
      rows.push({ figure: `workbench: ${match[1]}`, measured: match[2], target: '—' });
    }
  }

  const header = ['figure', 'measured', 'target (DESIGN §9)', 'same-run baseline', 'ratio'];
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map(
      (row) =>
        `| ${[row.figure, row.measured, row.target, row.baseline ?? '', row.ratio ?? ''].join(' | ')} |`,
    ),
  ];
  const took = [...runs.values()].map((run) => `${run.name} ${run.seconds} s`).join(', ');
  console.log(`\n${lines.join('\n')}\n\n${new Date().toISOString()}, ${took}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
