import { generateWebhookSecret } from '../adapters/shared/standard-webhooks';
import { genericCase, signedGenericPush } from './support/builders';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

const idOf = (item: { externalId: string | number }): string => String(item.externalId);

interface EventRow {
  id: string;
  external_id: string | null;
  status: string;
  error: string | null;
  ticket_id: string | null;
}

/**
 * The worker pipeline as it runs in production: one `HUB_ROLE=api` process stores and acknowledges pushes,
 * and `HUB_ROLE=worker` processes on the same PostgreSQL and Redis turn the stored events into tickets in
 * batches. Events are pushed while no worker runs, so they wait together and the worker meets them as one
 * backlog.
 */
describe('batched ingestion across an API process and worker processes', () => {
  let api: TestHub;
  let tenant: TenantSession;
  let secret: string;
  let connectionId: string;
  let webhookPath: string;
  const workers: TestHub[] = [];

  beforeAll(async () => {
    api = await TestHub.start({ HUB_ROLE: 'api' });
    tenant = await createTenant(api);
    secret = generateWebhookSecret();
    const created = await api.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({ platform: 'generic', name: 'Own shop', shopId: 'own', credentials: { webhookSecret: secret } })
      .expect(201);
    connectionId = created.body.id;
    webhookPath = new URL(created.body.webhookUrl).pathname;
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await api.close();
  });

  const push = (data: unknown) => {
    const signed = signedGenericPush(secret, data);
    return api.http.post(webhookPath).set(signed.headers).send(signed.body).expect(200);
  };

  const startWorker = async (): Promise<TestHub> => {
    const worker = await api.sibling({ HUB_ROLE: 'worker', LOG_LEVEL: 'debug' });
    workers.push(worker);
    return worker;
  };

  const stopWorkers = async () => {
    for (const worker of workers.splice(0)) await worker.stop();
  };

  const pending = async () =>
    Number(
      (await api.sql<{ n: string }>(`SELECT count(*) AS n FROM inbound_events WHERE status = 'received'`))[0]
        .n,
    );

  const eventsOf = (externalIds: string[]) =>
    api.sql<EventRow>(
      `SELECT id, external_id, status, error, ticket_id FROM inbound_events WHERE external_id = ANY ($1)`,
      [externalIds],
    );

  it('writes a batch with poison events: each fails with its error and every other event becomes its ticket', async () => {
    const good = Array.from({ length: 30 }, () => genericCase());
    // A valid JavaScript date that PostgreSQL refuses (there is no year 0 in its ISO input): it passes the
    // storefront's own checks but breaks the batch statement.
    const unstorable = genericCase({ deliveredAt: '0000-01-01T00:00:00.000Z' });
    const unmappable = genericCase({ stage: 'teleported' });
    for (const item of good.slice(0, 15)) await push(item);
    await push(unstorable);
    await push(unmappable);
    for (const item of good.slice(15)) await push(item);
    expect(await pending()).toBe(32);

    const worker = await startWorker();
    await eventually(async () => (await pending()) === 0, 30_000, 'the backlog to be processed');

    const poison = await eventsOf([idOf(unstorable), idOf(unmappable)]);
    const byCase = new Map(poison.map((row) => [row.external_id, row] as const));
    expect(byCase.get(idOf(unstorable))).toMatchObject({ status: 'failed', ticket_id: null });
    expect(byCase.get(idOf(unstorable))?.error).toMatch(/out of range/);
    expect(byCase.get(idOf(unmappable))).toMatchObject({ status: 'failed', ticket_id: null });
    expect(byCase.get(idOf(unmappable))?.error).toContain('data.stage must be one of');
    expect(worker.logs()).toContain('cases is written one by one');

    const rest = await eventsOf(good.map(idOf));
    expect(rest).toHaveLength(30);
    expect(rest.every((row) => row.status === 'processed' && row.ticket_id !== null)).toBe(true);
    const tickets = await api.sql<{ external_id: string }>(
      `SELECT external_id FROM tickets WHERE external_id = ANY ($1)`,
      [[...good, unstorable, unmappable].map(idOf)],
    );
    expect(tickets.map((row) => row.external_id).sort()).toEqual(good.map(idOf).sort());

    const failed = await api.http
      .get(`/v1/connections/${connectionId}/events`)
      .query({ status: 'failed' })
      .set(tenant.auth)
      .expect(200);
    expect((failed.body.data as { externalId: string }[]).map((event) => event.externalId).sort()).toEqual(
      [idOf(unstorable), idOf(unmappable)].sort(),
    );
  });

  it('collapses several states of one case pushed newest-first to the newest, with no step back on the timeline', async () => {
    await stopWorkers();
    const start = Date.now() - 60_000;
    const at = (seconds: number) => new Date(start + seconds * 1000).toISOString();
    // Its own SKU, so no group incident (earlier tests' cases share the default one) touches the ticket.
    const base = genericCase({
      externalCreatedAt: at(0),
      items: [{ sku: 'LAMP-1', title: 'desk lamp', quantity: 1, unitPrice: null }],
    });
    const states = [
      { ...base, stage: 'refunded' as const, externalUpdatedAt: at(30) },
      { ...base, stage: 'awaiting_return' as const, externalUpdatedAt: at(20) },
      { ...base, stage: 'requested' as const, externalUpdatedAt: at(10) },
    ];
    for (const state of states) await push(state);
    expect(await pending()).toBe(3);

    await startWorker();
    await eventually(async () => (await pending()) === 0, 30_000, 'the three states to be processed');

    const events = await eventsOf([idOf(base)]);
    expect(events).toHaveLength(3);
    expect(events.every((row) => row.status === 'processed')).toBe(true);
    expect(new Set(events.map((row) => row.ticket_id)).size).toBe(1);
    const ticket = (await api.http.get(`/v1/tickets/${events[0].ticket_id}`).set(tenant.auth).expect(200))
      .body as { stage: string; status: string; version: number; timeline: { type: string }[] };
    expect(ticket.stage).toBe('refunded');
    // Created once at the newest state (which also solves it); the older states changed nothing after it.
    expect(ticket.status).toBe('solved');
    expect(ticket.version).toBe(2);
    expect(ticket.timeline.map((entry) => entry.type)).toEqual([
      'ticket.created',
      'routing.applied',
      'ticket.status_changed',
    ]);
  });

  it('lets two worker processes share one backlog with no duplicate ticket, number or timeline entry', async () => {
    await stopWorkers();
    const cases = Array.from({ length: 2000 }, (_, index) =>
      genericCase({ items: [{ sku: `SKU-${index % 40}`, title: 'mug', quantity: 1, unitPrice: null }] }),
    );
    // A tenth of the cases arrive twice, as platforms re-send, each time as a different delivery.
    const pushes = [...cases, ...cases.slice(0, 200)];
    for (let index = 0; index < pushes.length; index += 50) {
      await Promise.all(pushes.slice(index, index + 50).map((item) => push(item)));
    }
    expect(await pending()).toBe(2200);

    const [first, second] = await Promise.all([startWorker(), startWorker()]);
    await eventually(async () => (await pending()) === 0, 90_000, 'the backlog to be drained');

    const ids = cases.map(idOf);
    const [counts] = await api.sql<{ tickets: string; numbers: string; created: string; events: string }>(
      `SELECT
         (SELECT count(*) FROM tickets WHERE external_id = ANY ($1)) AS tickets,
         (SELECT count(DISTINCT number) FROM tickets WHERE external_id = ANY ($1)) AS numbers,
         (SELECT count(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id
            WHERE t.external_id = ANY ($1) AND e.type = 'ticket.created') AS created,
         (SELECT count(*) FROM inbound_events WHERE external_id = ANY ($1) AND status = 'processed') AS events`,
      [ids],
    );
    expect(counts).toEqual({ tickets: '2000', numbers: '2000', created: '2000', events: '2200' });
    const [outbox] = await api.sql<{ n: string }>(
      `SELECT count(*) AS n FROM outbox_events WHERE type = 'ticket.created' AND payload->>'externalId' = ANY ($1)`,
      [ids],
    );
    expect(outbox.n).toBe('2000');
    // Both processes took part: each logged batches it claimed.
    expect(first.logs()).toContain('ingest batch:');
    expect(second.logs()).toContain('ingest batch:');
  }, 240_000);
});
