import { drillTable, runDrill } from '../bench/fault-drill';

/**
 * The short fault drill (`npm run drill` is the long one): 2,000 pushes with duplicates and reordered
 * versions and 20 approvals, while a worker is SIGKILLed and Redis restarts empty. Nothing may be lost,
 * doubled or performed twice, and the hub must recover by itself.
 */
describe('fault drill (short)', () => {
  it('loses nothing, doubles nothing and recovers from a killed worker and a Redis restart', async () => {
    const report = await runDrill({
      events: 2_000,
      approvals: 20,
      concurrency: 16,
      faults: ['worker-kill', 'redis-restart'],
      ownPostgres: false,
      databaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      downMs: 2_000,
      settleTimeoutMs: 120_000,
      log: () => undefined,
    });
    const table = drillTable(report);
    expect({
      lost: report.lostEvents,
      duplicateTickets: report.duplicateTickets,
      stale: report.staleUpdatesApplied,
      performedTwice: report.approvalsPerformedTwice,
      failed: report.failed,
      table,
    }).toEqual({ lost: 0, duplicateTickets: 0, stale: 0, performedTwice: 0, failed: 0, table });
    expect(report.acknowledged).toBe(report.eventsSent);
    expect(report.stored).toBe(report.distinctEvents);
    expect(report.tickets).toBe(report.cases);
    expect(report.approvalsPerformedUpstream).toBe(report.approvalsRequested);
    expect(report.recoveries.map((recovery) => [recovery.fault, recovery.recoveredSeconds !== null])).toEqual(
      [
        ['worker-kill', true],
        ['redis-restart', true],
      ],
    );
  }, 240_000);
});
