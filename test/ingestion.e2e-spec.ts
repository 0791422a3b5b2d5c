import { GenericSandbox } from '../adapters/generic/generic.sandbox';
import { generateWebhookSecret } from '../adapters/shared/standard-webhooks';
import { genericCase, signedGenericPush } from './support/builders';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TicketBody {
  id: string;
  number: number;
  externalId: string;
  stage: string;
  reason: string;
  requestedAmount: { amount: string; currency: string };
  timeline: { type: string; data: Record<string, unknown> }[];
}

describe('durable ingestion from a custom storefront (generic adapter)', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let secret: string;
  let connectionId: string;
  let webhookPath: string;

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    secret = generateWebhookSecret();
    const created = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({
        platform: 'generic',
        name: 'Own shop',
        shopId: 'own-shop',
        credentials: { webhookSecret: secret },
      })
      .expect(201);
    connectionId = created.body.id;
    webhookPath = new URL(created.body.webhookUrl).pathname;
  });

  afterAll(() => hub.close());

  const push = (data: unknown, id?: string, at?: Date) => {
    const signed = signedGenericPush(secret, data, id, at);
    return hub.http.post(webhookPath).set(signed.headers).send(signed.body);
  };

  const ticketByExternalId = async (externalId: string): Promise<TicketBody | undefined> => {
    const list = await hub.http.get('/v1/tickets').query({ q: externalId }).set(tenant.auth).expect(200);
    const found = (list.body.data as TicketBody[]).find((ticket) => ticket.externalId === externalId);
    if (!found) return undefined;
    return (await hub.http.get(`/v1/tickets/${found.id}`).set(tenant.auth).expect(200)).body as TicketBody;
  };

  const countTickets = async (externalId: string): Promise<number> => {
    const list = await hub.http
      .get('/v1/tickets')
      .query({ q: externalId, limit: 200 })
      .set(tenant.auth)
      .expect(200);
    return (list.body.data as TicketBody[]).filter((ticket) => ticket.externalId === externalId).length;
  };

  it('turns a signed push into a ticket with money, items and a timeline', async () => {
    const data = genericCase({ externalId: '7091800003790954036' });
    await push(data).expect(200);
    const ticket = await eventually(() => ticketByExternalId('7091800003790954036'), 15_000, 'ticket');
    expect(ticket.number).toBeGreaterThanOrEqual(1);
    expect(ticket.requestedAmount).toEqual({ amount: '129.00', currency: 'CNY' });
    expect(ticket.stage).toBe('requested');
    expect(ticket.timeline.map((entry) => entry.type)).toEqual(['ticket.created', 'routing.applied']);
  });

  it('answers a bad signature with 401 and stores nothing', async () => {
    const data = genericCase();
    const signed = signedGenericPush(generateWebhookSecret(), data);
    const response = await hub.http.post(webhookPath).set(signed.headers).send(signed.body).expect(401);
    expect(response.body.code).toBe('INVALID_SIGNATURE');
    const events = await hub.http.get(`/v1/connections/${connectionId}/events`).set(tenant.auth).expect(200);
    expect(
      (events.body.data as { externalId: string }[]).some((event) => event.externalId === data.externalId),
    ).toBe(false);
  });

  it('refuses a push whose timestamp is more than five minutes off', async () => {
    await push(genericCase(), undefined, new Date(Date.now() - 6 * 60_000)).expect(401);
  });

  it('acknowledges a duplicate delivery without creating a second ticket', async () => {
    const data = genericCase();
    await push(data, 'msg_duplicate_1').expect(200);
    const second = await push(data, 'msg_duplicate_1').expect(200);
    expect(second.body).toEqual({ received: 1, duplicates: 1 });
    await eventually(() => ticketByExternalId(String(data.externalId)));
    expect(await countTickets(String(data.externalId))).toBe(1);
  });

  it('never rolls a ticket back when an older update arrives after a newer one', async () => {
    const createdAt = new Date(Date.now() - 60_000);
    const base = genericCase({ externalCreatedAt: createdAt.toISOString() });
    const newer = {
      ...base,
      stage: 'return_shipped',
      externalUpdatedAt: new Date(createdAt.getTime() + 20_000).toISOString(),
    };
    const older = {
      ...base,
      stage: 'awaiting_return',
      externalUpdatedAt: new Date(createdAt.getTime() + 10_000).toISOString(),
    };
    await push(newer).expect(200);
    await eventually(
      async () => (await ticketByExternalId(String(base.externalId)))?.stage === 'return_shipped',
    );
    await push(older).expect(200);
    const events = await eventually(async () => {
      const list = await hub.http.get(`/v1/connections/${connectionId}/events`).set(tenant.auth).expect(200);
      const mine = (list.body.data as { externalId: string; status: string }[]).filter(
        (event) => event.externalId === base.externalId,
      );
      return mine.length === 2 && mine.every((event) => event.status === 'processed') ? mine : undefined;
    });
    expect(events).toHaveLength(2);
    const ticket = await ticketByExternalId(String(base.externalId));
    expect(ticket?.stage).toBe('return_shipped');
  });

  it('records a stage change on the timeline', async () => {
    const base = genericCase();
    await push(base).expect(200);
    await eventually(() => ticketByExternalId(String(base.externalId)));
    await push({
      ...base,
      stage: 'awaiting_return',
      externalUpdatedAt: new Date(Date.now() + 1000).toISOString(),
    }).expect(200);
    const ticket = await eventually(async () => {
      const found = await ticketByExternalId(String(base.externalId));
      return found?.stage === 'awaiting_return' ? found : undefined;
    });
    const upstream = ticket.timeline.filter((entry) => entry.type.startsWith('ticket.'));
    expect(upstream.map((entry) => entry.type)).toEqual([
      'ticket.created',
      'ticket.stage_changed',
      'ticket.status_changed',
    ]);
    expect(upstream[1].data).toMatchObject({ from: 'requested', to: 'awaiting_return' });
    expect(upstream[2].data).toMatchObject({ from: 'new', to: 'pending', stage: 'awaiting_return' });
  });

  it('keeps a payload that cannot be normalised as failed, with its error, and retries it on request', async () => {
    const bad = genericCase({ stage: 'teleported' });
    await push(bad).expect(200);
    const failed = await eventually(async () => {
      const list = await hub.http
        .get(`/v1/connections/${connectionId}/events`)
        .query({ status: 'failed' })
        .set(tenant.auth)
        .expect(200);
      return (list.body.data as { id: string; externalId: string; error: string }[]).find(
        (event) => event.externalId === bad.externalId,
      );
    });
    expect(failed.error).toContain('data.stage must be one of');
    const retried = await hub.http
      .post(`/v1/connections/${connectionId}/events/${failed.id}/retry`)
      .set(tenant.auth)
      .expect(202);
    expect(retried.body.status).toBe('received');
    const again = await eventually(async () => {
      const list = await hub.http
        .get(`/v1/connections/${connectionId}/events`)
        .query({ status: 'failed' })
        .set(tenant.auth)
        .expect(200);
      return (list.body.data as { id: string; attempts: number }[]).find(
        (event) => event.id === failed.id && event.attempts === 2,
      );
    });
    expect(again.attempts).toBe(2);
  });

  it('takes a burst of sandbox pushes with duplicates and reordering and makes exactly one ticket per case', async () => {
    const sandbox = new GenericSandbox(secret);
    await sandbox.start();
    try {
      sandbox.setPushTarget({ url: `${hub.url}${webhookPath}` });
      sandbox.injectFault({ kind: 'duplicate_pushes', ratio: 0.3 });
      sandbox.injectFault({ kind: 'reorder_pushes', ratio: 0.3 });
      const ids = await sandbox.generateCases(40);
      await sandbox.advanceCases(40);
      await eventually(
        async () => {
          const list = await hub.http
            .get('/v1/tickets')
            .query({ connectionId, stage: 'awaiting_return', limit: 200 })
            .set(tenant.auth);
          const seen = new Set((list.body.data as TicketBody[]).map((ticket) => ticket.externalId));
          return ids.every((id) => seen.has(id));
        },
        30_000,
        'all cases advanced',
      );
      for (const id of ids.slice(0, 5)) expect(await countTickets(id)).toBe(1);
    } finally {
      await sandbox.stop();
    }
  });

  it('answers 401 for an unknown connection and for a platform that does not match, as for a bad signature', async () => {
    const signed = signedGenericPush(secret, genericCase());
    const unknown = await hub.http
      .post(`/v1/webhooks/generic/00000000-0000-4000-8000-000000000000`)
      .set(signed.headers)
      .send(signed.body)
      .expect(401);
    const mismatch = await hub.http
      .post(`/v1/webhooks/shopify/${connectionId}`)
      .set(signed.headers)
      .send(signed.body)
      .expect(401);
    expect(unknown.body).toEqual(mismatch.body);
    expect(unknown.body.code).toBe('INVALID_SIGNATURE');
  });

  it('answers 404 on the webhook route of a platform that sends no HTTP pushes, whatever the connection', async () => {
    for (const platform of ['jd', 'pinduoduo']) {
      const response = await hub.http
        .post(`/v1/webhooks/${platform}/00000000-0000-4000-8000-000000000000`)
        .send({})
        .expect(404);
      expect(response.body.message).toMatch(/sends no HTTP pushes/);
    }
  });
});
