import { randomUUID } from 'node:crypto';
import type { GenericCaseData } from '../adapters/generic/generic.types';
import { generateWebhookSecret, signStandardWebhook } from '../adapters/shared/standard-webhooks';
import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { eventually, HubProcess } from '../scripts/hub-process';
import { OwnPostgres, OwnRedis } from '../scripts/own-services';

export type DrillFault = 'worker-kill' | 'redis-restart' | 'postgres-restart';

export interface DrillOptions {
  /** Pushes sent, duplicates and reordered ones included. */
  events: number;
  approvals: number;
  faults: DrillFault[];
  /** Pushes in flight at once. */
  concurrency: number;
  /** A PostgreSQL cluster of the drill's own (needed to restart it); otherwise a throw-away database on `databaseUrl`. */
  ownPostgres: boolean;
  databaseUrl: string;
  /** How long a restarted service stays down. */
  downMs: number;
  /** Longest wait for the hub to settle once everything is sent. */
  settleTimeoutMs: number;
  log: (line: string) => void;
}

export interface FaultRecovery {
  fault: DrillFault;
  /** Seconds from the fault (the kill, or the service coming back) until events turned into tickets again. */
  recoveredSeconds: number | null;
  downSeconds: number;
}

export interface DrillReport {
  eventsSent: number;
  acknowledged: number;
  rejected: number;
  distinctEvents: number;
  stored: number;
  failed: number;
  cases: number;
  tickets: number;
  duplicateTickets: number;
  lostEvents: number;
  staleUpdatesApplied: number;
  approvalsRequested: number;
  approvalsPerformedUpstream: number;
  approvalsPerformedTwice: number;
  actionsFailed: number;
  recoveries: FaultRecovery[];
  seconds: number;
}

const ADMIN_TOKEN = 'drill-admin-token-0123456789';
const DUPLICATE_SHARE = 0.1;
const REORDER_SHARE = 0.1;

interface Message {
  id: string;
  externalId: string;
  body: string;
}

/** The pushes: fresh cases, re-sent deliveries (same webhook-id) and older versions arriving after newer ones. */
function planMessages(total: number): {
  messages: Message[];
  cases: number;
  newerStage: Map<string, string>;
} {
  const duplicates = Math.round(total * DUPLICATE_SHARE);
  const reordered = Math.round(total * REORDER_SHARE);
  const fresh = total - duplicates - reordered;
  const base = Date.now() - 3_600_000;
  const version = (externalId: string, index: number, stage: string, minutesLater: number): Message => {
    const at = new Date(base + index * 10 + minutesLater * 60_000).toISOString();
    const data: GenericCaseData = {
      externalId,
      externalOrderId: `O-${externalId}`,
      kind: 'refund_only',
      stage: stage as GenericCaseData['stage'],
      reason: '包裹没收到 parcel never arrived',
      reasonCode: 'not_received',
      requestedAmount: { amount: `${(index % 500) + 10}.00`, currency: 'CNY' },
      buyer: { externalId: `b-${index % 997}`, displayName: 'buyer', vip: false },
      items: [
        {
          sku: `SKU-${index % 500}`,
          title: 'ceramic mug',
          quantity: 1,
          unitPrice: { amount: '10.00', currency: 'CNY' },
        },
      ],
      evidence: [],
      externalCreatedAt: new Date(base + index * 10).toISOString(),
      externalUpdatedAt: at,
    };
    return { id: `msg_${randomUUID()}`, externalId, body: JSON.stringify({ type: 'case.upserted', data }) };
  };
  const messages: Message[] = [];
  const newerStage = new Map<string, string>();
  const late: Message[] = [];
  for (let index = 0; index < fresh; index += 1) {
    const externalId = `DRILL-${index}`;
    if (index < reordered) {
      // The newer version goes first; the older one is sent later and must change nothing.
      messages.push(version(externalId, index, 'refunded', 2));
      newerStage.set(externalId, 'refunded');
      late.push(version(externalId, index, 'requested', 0));
    } else {
      messages.push(version(externalId, index, 'requested', 0));
    }
  }
  const spread = (extra: Message[]) => {
    extra.forEach((message, index) => {
      const position = Math.min(messages.length, Math.floor(((index + 1) / extra.length) * messages.length));
      messages.splice(position, 0, message);
    });
  };
  spread(late);
  spread(Array.from({ length: duplicates }, (_, index) => messages[(index * 7) % fresh]));
  return { messages, cases: fresh, newerStage };
}

async function json<T>(
  url: string,
  method: string,
  key: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The fault drill: the hub as one `HUB_ROLE=api` and two `HUB_ROLE=worker` processes on its own Redis
 * (and, for the full drill, its own PostgreSQL cluster), a storefront pushing cases with duplicates and
 * reordered versions, agents approving Taobao refunds at the same time, and faults injected mid-stream:
 * a worker SIGKILLed, Redis restarted empty, PostgreSQL restarted with a fast shutdown. Pushes are re-sent
 * until acknowledged, as a platform would; agents retry with the same Idempotency-Key.
 */
export async function runDrill(options: DrillOptions): Promise<DrillReport> {
  const started = Date.now();
  const postgres = options.ownPostgres ? await OwnPostgres.start() : null;
  const redis = await OwnRedis.start();
  const sandbox = new TaobaoSandbox();
  let api: HubProcess | null = null;
  const workers: HubProcess[] = [];
  try {
    await sandbox.start();
    api = await HubProcess.start({
      baseDatabaseUrl: postgres?.url ?? options.databaseUrl,
      redisUrl: redis.url,
      adminToken: ADMIN_TOKEN,
      env: {
        HUB_ROLE: 'api',
        HUB_ALLOW_PRIVATE_URLS: 'true',
        HUB_SWEEP_INTERVAL_MS: '1000',
        HUB_SCHEDULER_INTERVAL_MS: '1000',
        LOG_LEVEL: 'error',
      },
    });
    const hub = api;
    for (let index = 0; index < 2; index += 1) workers.push(await hub.sibling({ HUB_ROLE: 'worker' }));
    options.log(
      `hub: 1 api + ${workers.length} workers; redis :${redis.port}; ${postgres ? `postgres :${postgres.port}` : 'shared postgres'}`,
    );

    const tenant = await json<{ apiKey: { key: string } }>(`${hub.url}/v1/tenants`, 'POST', ADMIN_TOKEN, {
      name: 'Drill',
    });
    const admin = tenant.body.apiKey.key;
    const agents: string[] = [];
    for (let index = 0; index < 2; index += 1) {
      const issued = await json<{ key: string }>(`${hub.url}/v1/api-keys`, 'POST', admin, { role: 'agent' });
      agents.push(issued.body.key);
    }
    const secret = generateWebhookSecret();
    const storefront = await json<{ id: string; webhookUrl: string }>(
      `${hub.url}/v1/connections`,
      'POST',
      admin,
      {
        platform: 'generic',
        name: 'Storefront',
        shopId: 'drill',
        credentials: { webhookSecret: secret },
      },
    );
    const taobao = await json<{ id: string }>(`${hub.url}/v1/connections`, 'POST', admin, {
      platform: 'taobao',
      name: 'Tmall',
      shopId: sandbox.shopId,
      credentials: sandbox.credentials,
      apiBaseUrl: sandbox.url,
      pollIntervalSeconds: 3600,
    });
    const refundIds = await sandbox.generateCases(options.approvals);
    await json(`${hub.url}/v1/connections/${taobao.body.id}/sync`, 'POST', admin);
    const approvalTickets = await eventually(
      async () => {
        const rows = await hub.sql<{ id: string }>(
          `SELECT id FROM tickets WHERE connection_id = $1 AND stage = 'requested'`,
          [taobao.body.id],
        );
        return rows.length >= options.approvals ? rows.map((row) => row.id) : undefined;
      },
      120_000,
      'the Taobao cases to be pulled in',
    );
    options.log(`${approvalTickets.length} Taobao refunds waiting for a decision`);

    const plan = planMessages(options.events);
    const acknowledged = new Set<string>();
    let acks = 0;
    let rejected = 0;
    let sent = 0;
    let lastAckAt = 0;
    const pushUrl = storefront.body.webhookUrl;

    const push = async (message: Message): Promise<void> => {
      for (let attempt = 1; ; attempt += 1) {
        const timestamp = Math.floor(Date.now() / 1000);
        try {
          const response = await fetch(pushUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'webhook-id': message.id,
              'webhook-timestamp': String(timestamp),
              'webhook-signature': signStandardWebhook(secret, message.id, timestamp, message.body),
            },
            body: message.body,
          });
          await response.arrayBuffer();
          if (response.ok) {
            acknowledged.add(message.id);
            acks += 1;
            lastAckAt = Date.now();
            return;
          }
          if (response.status === 429) {
            await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
            continue;
          }
          if (response.status < 500) {
            rejected += 1;
            return;
          }
        } catch {
          // no answer (the hub's database or Redis is restarting): send again, as a platform would
        }
        await sleep(Math.min(2_000, 100 * attempt));
      }
    };

    const approve = async (ticketId: string, key: string, idempotencyKey: string): Promise<void> => {
      for (let attempt = 1; attempt < 200; attempt += 1) {
        try {
          const answer = await json(
            `${hub.url}/v1/tickets/${ticketId}/actions`,
            'POST',
            key,
            { type: 'approve_refund' },
            { 'idempotency-key': idempotencyKey },
          );
          if (answer.status < 500) return;
        } catch {
          // as above
        }
        await sleep(Math.min(2_000, 100 * attempt));
      }
    };

    const progress = async (): Promise<{ tickets: number; pending: number } | null> => {
      try {
        const [row] = await hub.sql<{ tickets: string; pending: string }>(
          `SELECT (SELECT count(*) FROM tickets WHERE connection_id = $1) AS tickets,
                  (SELECT count(*) FROM inbound_events WHERE connection_id = $1 AND status = 'received') AS pending`,
          [storefront.body.id],
        );
        return { tickets: Number(row.tickets), pending: Number(row.pending) };
      } catch {
        return null;
      }
    };

    /** Seconds from `since` until tickets are written again (or nothing is left to write) and pushes are acknowledged. */
    const recovery = async (since: number): Promise<number | null> => {
      const before = (
        await eventually(async () => (await progress()) ?? undefined, 120_000, 'the database to answer')
      ).tickets;
      const deadline = Date.now() + 180_000;
      while (Date.now() < deadline) {
        const now = await progress();
        const acking = lastAckAt > since || sent >= plan.messages.length;
        if (now && acking && (now.tickets > before || now.pending === 0)) return (Date.now() - since) / 1000;
        await sleep(100);
      }
      return null;
    };

    const recoveries: FaultRecovery[] = [];
    const inject = async (fault: DrillFault): Promise<void> => {
      const at = Date.now();
      if (fault === 'worker-kill') {
        const victim = workers[0];
        await victim.kill();
        options.log(`worker SIGKILLed at ${sent} pushes sent`);
        const recovered = await recovery(at);
        recoveries.push({ fault, recoveredSeconds: recovered, downSeconds: 0 });
        // A supervisor brings the process back, as systemd or Kubernetes would.
        await victim.boot();
        return;
      }
      const service = fault === 'redis-restart' ? redis : postgres;
      if (!service) throw new Error('the PostgreSQL restart needs the drill to own its cluster');
      await service.down();
      options.log(`${fault === 'redis-restart' ? 'Redis' : 'PostgreSQL'} down at ${sent} pushes sent`);
      await sleep(options.downMs);
      await service.up();
      const back = Date.now();
      const recovered = await recovery(back);
      recoveries.push({ fault, recoveredSeconds: recovered, downSeconds: (back - at) / 1000 });
    };

    const faultAt = options.faults.map((_, index) =>
      Math.floor(((index + 1) / (options.faults.length + 1)) * plan.messages.length),
    );
    const faultsDone = (async () => {
      for (const [index, fault] of options.faults.entries()) {
        while (sent < faultAt[index]) await sleep(50);
        await inject(fault);
      }
    })();

    const approvalsDone = (async () => {
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          while (next < approvalTickets.length) {
            const index = next;
            next += 1;
            const ticketId = approvalTickets[index];
            const key = `drill-approve-${ticketId}`;
            // One decision in ten is made by two agents at once.
            if (index % 10 === 0)
              await Promise.all([
                approve(ticketId, agents[0], key),
                approve(ticketId, agents[1], `${key}-b`),
              ]);
            else await approve(ticketId, agents[index % 2], key);
          }
        }),
      );
    })();

    const sendStarted = Date.now();
    let cursor = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (cursor < plan.messages.length) {
          const message = plan.messages[cursor];
          cursor += 1;
          await push(message);
          sent += 1;
          if (sent % 1000 === 0) options.log(`${sent} pushes acknowledged or refused`);
        }
      }),
    );
    options.log(`sent ${plan.messages.length} pushes in ${((Date.now() - sendStarted) / 1000).toFixed(1)} s`);
    await faultsDone;
    await approvalsDone;

    const distinct = new Set(plan.messages.map((message) => message.id));
    await eventually(
      async () => {
        const now = await progress();
        const [open] = await hub.sql<{ n: string }>(
          `SELECT count(*) AS n FROM actions WHERE status IN ('pending', 'running')`,
        );
        return now && now.pending === 0 && now.tickets >= plan.cases && Number(open.n) === 0;
      },
      options.settleTimeoutMs,
      'the hub to settle',
    ).catch((error: unknown) => options.log(`not settled: ${(error as Error).message}`));

    const storedKeys = new Set(
      (
        await hub.sql<{ dedupe_key: string }>(
          `SELECT dedupe_key FROM inbound_events WHERE connection_id = $1`,
          [storefront.body.id],
        )
      ).map((row) => row.dedupe_key),
    );
    const [counts] = await hub.sql<{ failed: string; tickets: string; distinct_cases: string }>(
      `SELECT (SELECT count(*) FROM inbound_events WHERE connection_id = $1 AND status = 'failed') AS failed,
              (SELECT count(*) FROM tickets WHERE connection_id = $1) AS tickets,
              (SELECT count(DISTINCT external_id) FROM tickets WHERE connection_id = $1) AS distinct_cases`,
      [storefront.body.id],
    );
    const ticketStages = new Map(
      (
        await hub.sql<{ external_id: string; stage: string }>(
          `SELECT external_id, stage FROM tickets WHERE connection_id = $1`,
          [storefront.body.id],
        )
      ).map((row) => [row.external_id, row.stage]),
    );
    const caseIds = new Set(plan.messages.map((message) => message.externalId));
    const lostAcknowledged = [...acknowledged].filter((id) => !storedKeys.has(id)).length;
    const casesWithoutTicket = [...caseIds].filter((id) => !ticketStages.has(id)).length;
    const stale = [...plan.newerStage].filter(([id, stage]) => ticketStages.get(id) !== stage).length;

    const agreeCalls = new Map<string, number>();
    for (const call of sandbox.calls()) {
      if (call.apiMethod !== 'taobao.rp.refunds.agree') continue;
      const infos = new URLSearchParams(call.body).get('refund_infos') ?? call.query.refund_infos ?? '';
      for (const info of infos.split(',').filter(Boolean)) {
        const id = info.split('|')[0];
        agreeCalls.set(id, (agreeCalls.get(id) ?? 0) + 1);
      }
    }
    const performed = refundIds.filter(
      (id) => (sandbox.caseState(id) as { status?: string } | undefined)?.status === 'SUCCESS',
    ).length;
    const [actions] = await hub.sql<{ failed: string }>(
      `SELECT count(*) FILTER (WHERE status = 'failed') AS failed FROM actions`,
    );
    return {
      eventsSent: plan.messages.length,
      acknowledged: acks,
      rejected,
      distinctEvents: distinct.size,
      stored: storedKeys.size,
      failed: Number(counts.failed),
      cases: plan.cases,
      tickets: Number(counts.tickets),
      duplicateTickets: Number(counts.tickets) - Number(counts.distinct_cases),
      lostEvents: lostAcknowledged + casesWithoutTicket,
      staleUpdatesApplied: stale,
      approvalsRequested: approvalTickets.length,
      approvalsPerformedUpstream: performed,
      approvalsPerformedTwice: [...agreeCalls.values()].filter((count) => count > 1).length,
      actionsFailed: Number(actions.failed),
      recoveries,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    for (const worker of workers) await worker.stop().catch(() => undefined);
    if (api) await api.close().catch(() => undefined);
    await sandbox.stop().catch(() => undefined);
    await redis.down().catch(() => undefined);
    if (postgres) await postgres.remove().catch(() => undefined);
  }
}

const FAULT_NAMES: Record<DrillFault, string> = {
  'worker-kill': 'worker SIGKILLed mid-batch',
  'redis-restart': 'Redis restarted (empty)',
  'postgres-restart': 'PostgreSQL restarted (fast shutdown)',
};

/** The drill's figures as one Markdown table. */
export function drillTable(report: DrillReport): string {
  const rows: [string, string][] = [
    ['events sent (10 % duplicated, 10 % reordered)', String(report.eventsSent)],
    ['acknowledged (2xx, after re-sends)', String(report.acknowledged)],
    ['refused (4xx other than 429)', String(report.rejected)],
    ['distinct events / stored', `${report.distinctEvents} / ${report.stored}`],
    ['failed events', String(report.failed)],
    ['cases / tickets', `${report.cases} / ${report.tickets}`],
    ['duplicate tickets', String(report.duplicateTickets)],
    ['lost events', String(report.lostEvents)],
    ['older versions applied over newer ones', String(report.staleUpdatesApplied)],
    ['approvals requested', String(report.approvalsRequested)],
    ['approvals performed upstream', String(report.approvalsPerformedUpstream)],
    ['approvals performed twice', String(report.approvalsPerformedTwice)],
    ['actions failed', String(report.actionsFailed)],
    ...report.recoveries.map((recovery): [string, string] => [
      `recovered after: ${FAULT_NAMES[recovery.fault]}`,
      recovery.recoveredSeconds === null
        ? 'NOT RECOVERED'
        : `${recovery.recoveredSeconds.toFixed(1)} s${recovery.downSeconds ? ` (down ${recovery.downSeconds.toFixed(1)} s)` : ''}`,
    ]),
    ['whole drill', `${report.seconds.toFixed(0)} s`],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length), 5);
  return [
    `| ${'measure'.padEnd(width)} | ${'value'.padEnd(valueWidth)} |`,
    `| ${'-'.repeat(width)} | ${'-'.repeat(valueWidth)} |`,
    ...rows.map(([name, value]) => `| ${name.padEnd(width)} | ${value.padEnd(valueWidth)} |`),
  ].join('\n');
}
