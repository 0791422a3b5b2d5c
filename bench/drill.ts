/**
 * The fault drill, end to end on this machine:
 *
 *   npm run drill                       # 20,000 events, 200 approvals, a worker killed, Redis and PostgreSQL restarted
 *   npm run drill -- --events 2000 --approvals 20
 *
 * Starts its own PostgreSQL cluster (initdb, pg_ctl) and redis-server on spare ports, the hub as one
 * HUB_ROLE=api and two HUB_ROLE=worker processes, and a Taobao sandbox; prints one table at the end.
 * Exits 1 when anything was lost, duplicated, performed twice or not recovered.
 */
import { parseArgs } from 'node:util';
import { drillTable, runDrill, type DrillFault } from './fault-drill';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    approvals: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '32' },
    faults: { type: 'string', default: 'worker-kill,redis-restart,postgres-restart' },
  },
});

async function main(): Promise<void> {
  const report = await runDrill({
    events: Number(values.events),
    approvals: Number(values.approvals),
    concurrency: Number(values.concurrency),
    faults: values.faults.split(',').filter(Boolean) as DrillFault[],
    ownPostgres: true,
    databaseUrl: '',
    downMs: 3_000,
    settleTimeoutMs: 600_000,
    log: (line) => console.error(`[drill ${new Date().toISOString().slice(11, 19)}] ${line}`),
  });
  console.log(drillTable(report));
  const healthy =
    report.lostEvents === 0 &&
    report.duplicateTickets === 0 &&
    report.approvalsPerformedTwice === 0 &&
    report.staleUpdatesApplied === 0 &&
    report.recoveries.every((recovery) => recovery.recoveredSeconds !== null);
  process.exit(healthy ? 0 : 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
