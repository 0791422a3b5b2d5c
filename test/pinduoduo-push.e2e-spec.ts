import { PinduoduoSandbox } from '../adapters/pinduoduo/pinduoduo.sandbox';
import { PDD_METHODS } from '../adapters/pinduoduo/pinduoduo.types';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';
import { AppRefusalWatch } from './support/app-refusal';

interface TicketBody {
  id: string;
  externalId: string;
  connectionId: string;
}

interface UnroutableBody {
  platform: string;
  shopKeys: string[];
  externalId: string | null;
  status: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Pinduoduo's real-time path end to end: the hub holds one message socket for the app, every mall's messages
 * reach the ticket of their own connection without a pull, a dropped socket and a restarted service are
 * survived, and nothing is lost or doubled.
 */
describe('Pinduoduo message service push', () => {
  const sandbox = new PinduoduoSandbox({ serverHeartbeatMs: 1_000 });
  const second = sandbox.addMall();
  const strangerMall = '999000111';
  let hub: TestHub;
  let tenant: TenantSession;
  let port = 0;
  const connections = new Map<string, string>();
  const listCalls = () => sandbox.calls().filter((call) => call.apiMethod === PDD_METHODS.refundList).length;

  beforeAll(async () => {
    await sandbox.start();
    port = Number(new URL(sandbox.url).port);
    hub = await TestHub.start({ HUB_SCHEDULER_INTERVAL_MS: '1000' });
    tenant = await createTenant(hub);
    for (const [shopId, credentials] of [
      [sandbox.shopId, sandbox.credentials],
      [second.shopId, second.credentials],
    ] as const) {
      const created = await hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send({
          platform: 'pinduoduo',
          name: `PDD ${shopId}`,
          shopId,
          credentials,
          apiBaseUrl: sandbox.url,
          pollIntervalSeconds: 86_400,
        })
        .expect(201);
      connections.set(shopId, created.body.id as string);
    }
    await eventually(
      async () => (sandbox.messages.openSockets() === 1 ? true : undefined),
      30_000,
      'the hub to open the app socket',
    );
    // The first pull of each connection (a day back, over more than one job) is over before the push is measured.
    let seen = -1;
    let quietSince = Date.now();
    await eventually(
      async () => {
        const calls = listCalls();
        if (calls !== seen) [seen, quietSince] = [calls, Date.now()];
        return calls > 0 && Date.now() - quietSince > 3_000 ? true : undefined;
      },
      60_000,
      'the first pulls to finish',
    );
  });

  afterAll(async () => {
    await hub?.close();
    await sandbox.stop();
  });

  const ticketsOf = async (shopId: string): Promise<TicketBody[]> => {
    const page = await hub.http
      .get('/v1/tickets')
      .query({ connectionId: connections.get(shopId) ?? '', limit: 200 })
      .set(tenant.auth)
      .expect(200);
    return page.body.data as TicketBody[];
  };

  const arrive = (shopId: string, ids: string[], what: string) =>
    eventually(
      async () => {
        const seen = new Set((await ticketsOf(shopId)).map((ticket) => ticket.externalId));
        return ids.every((id) => seen.has(id)) ? true : undefined;
      },
      30_000,
      what,
    );

  it('brings every mall’s new cases to its own connection in seconds, without a pull, one socket for the app', async () => {
    const permits = sandbox.calls().filter((call) => call.apiMethod === PDD_METHODS.pmcUserPermit);
    expect(permits.length).toBeGreaterThanOrEqual(2);
    const pullsBefore = listCalls();
    const latencies: number[] = [];
    for (let i = 0; i < 10; i += 1) {
      const started = Date.now();
      const [id] = await sandbox.generateCases(1);
      await arrive(sandbox.shopId, [id], `case ${id} on its ticket`);
      latencies.push(Date.now() - started);
    }
    const theirs = await sandbox.generateCasesFor(second.shopId, 3);
    await arrive(second.shopId, theirs, 'the second mall’s cases');
    expect(listCalls()).toBe(pullsBefore);
    const mine = new Set((await ticketsOf(sandbox.shopId)).map((ticket) => ticket.externalId));
    expect(theirs.some((id) => mine.has(id))).toBe(false);
    expect(sandbox.messages.messageLog().connections).toBe(1);
    process.stderr.write(
      `pinduoduo push: new case → ticket p50 ${median(latencies)} ms, max ${Math.max(...latencies)} ms (n = 10)\n`,
    );
  });

  it('keeps a message for a mall with no connection here as unroutable, never on another shop', async () => {
    // A mall of the app that another system opened the message service to, with no connection here.
    sandbox.permitMall(strangerMall);
    const [stranger] = await sandbox.generateCasesFor(strangerMall, 1);
    const waiting = await eventually(
      async () => {
        const page = await hub.http.get('/v1/unroutable-messages').set(tenant.auth).expect(200);
        return (page.body.data as UnroutableBody[]).find((message) => message.externalId === stranger);
      },
      30_000,
      'the unroutable message',
    );
    expect(waiting).toMatchObject({ platform: 'pinduoduo', shopKeys: [strangerMall], status: 'waiting' });
    for (const shopId of connections.keys()) {
      expect((await ticketsOf(shopId)).some((ticket) => ticket.externalId === stranger)).toBe(false);
    }
  });

  it('survives a dropped socket and a restarted service, losing nothing and doubling nothing', async () => {
    sandbox.injectFault({ kind: 'duplicate_pushes', ratio: 0.5 });
    sandbox.messages.dropSockets();
    const afterDrop = await sandbox.generateCases(3);
    await arrive(sandbox.shopId, afterDrop, 'the cases published around the dropped socket');

    await sandbox.stop();
    const whileDown = await sandbox.generateCases(3);
    const theirsWhileDown = await sandbox.generateCasesFor(second.shopId, 2);
    await sandbox.start(port);
    await arrive(sandbox.shopId, whileDown, 'the cases published while the service was down');
    await arrive(second.shopId, theirsWhileDown, 'the second mall’s cases published while it was down');
    sandbox.clearFaults();

    await eventually(
      async () => (sandbox.messages.pendingIds().length === 0 ? true : undefined),
      30_000,
      'every message acknowledged',
    );
    for (const shopId of connections.keys()) {
      const tickets = await ticketsOf(shopId);
      expect(new Set(tickets.map((ticket) => ticket.externalId)).size).toBe(tickets.length);
    }
    expect(sandbox.messages.messageLog().strayAcks).toEqual([]);
    expect(sandbox.messages.messageLog().heartbeats).toBeGreaterThan(0);
  });

  it('sets every connection of the app to error when the socket is refused its secret, once, and clears it after', async () => {
    const watch = await AppRefusalWatch.start(hub, tenant, [...connections.values()]);
    try {
      const secret = sandbox.credentials.clientSecret;
      const refusedBefore = sandbox.messages.messageLog().refusals.length;
      sandbox.resetAppSecret('reset-in-the-console-0123456789');
      for (const row of await watch.allInError()) {
        expect(row.sync.lastError).toMatch(/^AUTH: Pinduoduo error 20004/);
      }
      await eventually(
        async () => (sandbox.messages.messageLog().refusals.length >= refusedBefore + 3 ? true : undefined),
        30_000,
        'the hub to keep retrying the handshake',
      );
      expect(await watch.failedOncePerConnection()).toEqual([...connections.values()].sort());
      expect(watch.failed()[0].json.data.error).toMatch(/^AUTH: Pinduoduo error 20004/);

      sandbox.resetAppSecret(secret);
      await watch.allActive(90_000);
      const [id] = await sandbox.generateCases(1);
      await arrive(sandbox.shopId, [id], 'a case after the secret is back');
      expect(watch.failed()).toHaveLength(2);
    } finally {
      await watch.stop();
    }
  }, 180_000);
});
