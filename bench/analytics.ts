/**
 * Indicators and the inbox at scale, against the built hub as `npm start` runs it.
 *
 *   npm run bench:analytics                      # 1,000,000 tickets in one tenant
 *   npm run bench:analytics -- --tickets 100000  # a quicker run
 *
 * Starts the hub (API role) on a throw-away database, seeds one tenant with `bench/seed-tickets.ts` (a year of
 * cases, shared with the search benchmark) and a working-hours SLA calendar for normal cases so business time
 * is exercised. Then times, one request at
 * a time over HTTP: the overview for the last 7 and 30 days (and grouped by platform), problem SKUs, the inbox
 * list, and search. Prints one JSON document on stdout (progress on stderr).
 */
import { parseArgs } from 'node:util';
import { HubProcess } from '../scripts/hub-process';
import { json, summary } from './latency';
import { seedTickets } from './seed-tickets';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '30' },
    /** Leave the seeded database in place (its URL is printed) to look at plans afterwards. */
    keep: { type: 'boolean', default: false },
    database: {
      type: 'string',
      default: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    },
    redis: { type: 'string', default: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
  },
});
const TICKETS = Number(values.tickets);
const ROUNDS = Number(values.rounds);
const ADMIN_TOKEN = 'bench-admin-token-0123456789';
const DAY_SECONDS = 86_400;

async function main(): Promise<void> {
  const hub = await HubProcess.start({
    baseDatabaseUrl: values.database,
    redisUrl: values.redis,
    adminToken: ADMIN_TOKEN,
    env: { HUB_ROLE: 'api' },
  });
  try {
    const tenant = await json<{ tenant: { id: string }; apiKey: { key: string } }>(`${hub.url}/v1/tenants`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Bench' }),
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const headers = {
      authorization: `Bearer ${tenant.apiKey.key}`,
      'content-type': 'application/json',
    };
    // Normal cases count working hours only, so the overview's business-time path is what is measured.
    await json(`${hub.url}/v1/sla-policies`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({
        policies: {
          critical: { firstResponseMinutes: 60, resolutionMinutes: 120, businessHours: null },
          high: { firstResponseMinutes: 120, resolutionMinutes: 1440, businessHours: null },
          normal: {
            firstResponseMinutes: 120,
            resolutionMinutes: 1440,
            businessHours: {
              timezone: 'Asia/Shanghai',
              weekdays: [1, 2, 3, 4, 5],
              start: '09:00',
              end: '18:00',
            },
          },
          low: { firstResponseMinutes: 1440, resolutionMinutes: 4320, businessHours: null },
        },
        holidays: ['2026-10-01', '2026-10-02', '2026-10-03'],
      }),
    });
    const { seconds: seedSeconds } = await seedTickets(hub, tenant.tenant.id, TICKETS);
    const now = Date.now();
    const period = (days: number) => ({
      from: new Date(now - days * DAY_SECONDS * 1000).toISOString(),
      to: new Date(now).toISOString(),
    });
    const cases: Record<string, Record<string, string>> = {
      'overview, 7 days': { path: '/v1/analytics/overview', ...period(7) },
      'overview, 7 days, by platform': { path: '/v1/analytics/overview', ...period(7), groupBy: 'platform' },
      'overview, 30 days': { path: '/v1/analytics/overview', ...period(30) },
      'problem SKUs, 7 days': { path: '/v1/analytics/problem-skus', ...period(7) },
      'timeseries, 30 days by day': {
        path: '/v1/analytics/timeseries',
        metric: 'first_response',
        interval: 'day',
        ...period(30),
      },
      'inbox list': { path: '/v1/tickets' },
      'inbox list, open, by SLA due': { path: '/v1/tickets', status: 'new,open', sort: 'slaDue' },
      'search 破损': { path: '/v1/tickets', q: '破损' },
      'search "blender broken"': { path: '/v1/tickets', q: 'blender broken' },
    };
    const time = async ({ path, ...query }: Record<string, string>): Promise<number> => {
      const started = performance.now();
      await json(`${hub.url}${path}?${new URLSearchParams(query)}`, { headers });
      return performance.now() - started;
    };
    for (const query of Object.values(cases)) for (let i = 0; i < 3; i++) await time(query);
    const results: Record<string, ReturnType<typeof summary>> = {};
    for (const [name, query] of Object.entries(cases)) {
      const samples: number[] = [];
      for (let round = 0; round < ROUNDS; round++) samples.push(await time(query));
      results[name] = summary(samples);
      console.error(`${name}: p50 ${results[name].p50} ms, p95 ${results[name].p95} ms`);
    }
    const [{ inPeriod }] = await hub.sql<{ inPeriod: number }>(
      `SELECT count(*)::int AS "inPeriod" FROM tickets WHERE created_at >= now() - interval '7 days'`,
    );
    console.log(
      JSON.stringify(
        {
          tickets: TICKETS,
          ticketsInLast7Days: inPeriod,
          seedSeconds,
          concurrency: 1,
          rounds: ROUNDS,
          results,
        },
        null,
        2,
      ),
    );
  } finally {
    if (values.keep) {
      await hub.stop();
      console.error(`kept ${hub.databaseUrl}`);
    } else {
      await hub.close();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
