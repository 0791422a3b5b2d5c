import { createHash, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateWebhookSecret, signStandardWebhook } from '../adapters/shared/standard-webhooks';
import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { genericCase, signedGenericPush } from './support/builders';
import { GenericShop, type TicketRef } from './support/generic-shop';
import { ADMIN_TOKEN, createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface ErrorBody {
  code: string;
  message: string;
  details?: { field: string; problems: string[] }[];
}

interface ConnectionBody {
  id: string;
  sync: { lastError: string | null };
}

/** A plain HTTP server on loopback that counts what reaches it: a stand-in for an internal service. */
async function internalService(
  answer: (body: string) => { status: number; body: string },
): Promise<{ url: string; hits: () => number; close: () => Promise<void> }> {
  let hits = 0;
  const server: Server = createServer((req, res) => {
    hits += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const reply = answer(Buffer.concat(chunks).toString());
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: () => hits,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('hardening: connections cannot be pointed at private addresses', () => {
  let hub: TestHub;
  let tenant: TenantSession;

  beforeAll(async () => {
    hub = await TestHub.start({ HUB_ALLOW_PRIVATE_URLS: 'false' });
    tenant = await createTenant(hub);
  });

  afterAll(() => hub.close());

  const taobao = (extra: Record<string, unknown>) => ({
    platform: 'taobao',
    name: 'Tmall',
    shopId: 'shop-1',
    credentials: { appKey: 'k', appSecret: 's', sessionKey: 'x' },
    ...extra,
  });

  it.each([
    'http://127.0.0.1:5432/',
    'http://localhost:6379/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.8:9200/',
    'http://192.168.1.1/',
    'http://[::1]:5432/',
    'http://[::ffff:127.0.0.1]:5432/',
    'http://[::ffff:7f00:1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[2002:7f00:1::]/',
    'http://[fec0::1]/',
    'http://0.0.0.0:3000/',
  ])('refuses apiBaseUrl %s with 400', async (apiBaseUrl) => {
    const response = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send(taobao({ apiBaseUrl }))
      .expect(400);
    const body = response.body as ErrorBody;
    expect(body.details?.[0].field).toBe('apiBaseUrl');
    expect(body.message).toContain('private, loopback or link-local');
  });

  it('refuses a Shopify shop id that makes the host a private address', async () => {
    for (const shopId of ['127.0.0.1:5432', '169.254.169.254', '[::1]']) {
      const response = await hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send({
          platform: 'shopify',
          name: 'Shop',
          shopId,
          credentials: { accessToken: 't', apiSecret: 's' },
        })
        .expect(400);
      expect((response.body as ErrorBody).details?.[0].field).toBe('shopId');
    }
  });

  it('refuses a private apiBaseUrl on update', async () => {
    const created = await hub.http.post('/v1/connections').set(tenant.auth).send(taobao({})).expect(201);
    const id = (created.body as ConnectionBody).id;
    const response = await hub.http
      .patch(`/v1/connections/${id}`)
      .set(tenant.auth)
      .send({ apiBaseUrl: 'http://10.1.2.3:8080/' })
      .expect(400);
    expect((response.body as ErrorBody).details?.[0].field).toBe('apiBaseUrl');
  });

  it('refuses at connect time an address that was public when saved, and sends nothing there', async () => {
    const internal = await internalService(() => ({ status: 200, body: '{"secret":"INTERNAL-BANNER"}' }));
    try {
      const created = await hub.http.post('/v1/connections').set(tenant.auth).send(taobao({})).expect(201);
      const id = (created.body as ConnectionBody).id;
      // What DNS rebinding does after the check: the stored name now leads to loopback.
      await hub.sql(`UPDATE connections SET api_base_url = $2 WHERE id = $1`, [id, internal.url]);
      const lastError = await eventually(
        async () => {
          await hub.http.post(`/v1/connections/${id}/sync`).set(tenant.auth);
          const view = await hub.http.get(`/v1/connections/${id}`).set(tenant.auth).expect(200);
          const error = (view.body as ConnectionBody).sync.lastError;
          return error?.includes('address is refused') ? error : undefined;
        },
        30_000,
        'the sync to be refused at connect time',
      );
      expect(lastError).toContain('private, loopback or link-local');
      expect(internal.hits()).toBe(0);
    } finally {
      await internal.close();
    }
  });
});

describe('hardening: every bad input is a 4xx', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let other: TenantSession;
  let shop: GenericShop;
  let ticket: TicketRef;

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub, 'Acme');
    other = await createTenant(hub, 'Other');
    shop = await GenericShop.connect(hub, tenant);
    ticket = await shop.ticket();
  });

  afterAll(() => hub.close());

  const expect400 = async (request: ReturnType<TestHub['http']['get']>, field: string) => {
    const response = await request;
    expect([response.status, (response.body as ErrorBody).details?.map((detail) => detail.field)]).toEqual([
      400,
      expect.arrayContaining([field]),
    ]);
  };

  it('answers 400 naming the field for NUL and lone surrogates in any text', async () => {
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
    await expect400(hub.http.post('/v1/tenants').set(admin).send({ name: 'a\u0000b' }), 'name');
    await expect400(
      hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send({ platform: 'generic', name: 'x\u0000', shopId: 's', credentials: { webhookSecret: 'w' } }),
      'name',
    );
    await expect400(
      hub.http.post(`/v1/tickets/${ticket.id}/notes`).set(tenant.auth).send({ text: 'note\u0000' }),
      'text',
    );
    await expect400(
      hub.http.post(`/v1/tickets/${ticket.id}/csat`).set(tenant.auth).send({ score: 4, comment: '\u0000' }),
      'comment',
    );
    await expect400(
      hub.http
        .patch(`/v1/tickets/${ticket.id}`)
        .set(tenant.auth)
        .set('If-Match', `"${ticket.version}"`)
        .send({ assigneeId: 'agent\u0000' }),
      'assigneeId',
    );
    await expect400(hub.http.get('/v1/tickets').query({ q: 'a\u0000' }).set(tenant.auth), 'q');
    await expect400(
      hub.http.post('/v1/api-keys').set(tenant.auth).send({ role: 'agent', name: '\u0000' }),
      'name',
    );
    // Written by hand: JSON.stringify would not produce a lone surrogate escape.
    await expect400(
      hub.http
        .post(`/v1/tickets/${ticket.id}/notes`)
        .set(tenant.auth)
        .set('content-type', 'application/json')
        .send('{"text":"half a pair \\ud83d here"}'),
      'text',
    );
    await expect400(
      hub.http
        .post('/v1/api-keys')
        .set(tenant.auth)
        .set('content-type', 'application/json')
        .send('{"role":"agent","name":"\\udc00"}'),
      'name',
    );
  });

  it('answers 400 for dates PostgreSQL would refuse', async () => {
    for (const date of ['2024-02-30', '0000-01-01', '2024-W01', '2024-13-01T00:00:00Z']) {
      await expect400(
        hub.http.get('/v1/tickets').query({ createdFrom: date }).set(tenant.auth),
        'createdFrom',
      );
    }
    const subscription = await hub.http
      .post('/v1/webhook-subscriptions')
      .set(tenant.auth)
      .send({ url: 'http://127.0.0.1:9/hooks', events: ['ticket.created'] })
      .expect(201);
    await expect400(
      hub.http
        .post(`/v1/webhook-subscriptions/${subscription.body.id}/recover`)
        .set(tenant.auth)
        .send({ since: '2024-02-30T00:00:00Z' }),
      'since',
    );
  });

  it('answers 400 for well-formed cursors that hold the wrong types', async () => {
    for (const [sort, values] of [
      ['-createdAt', [123, 'x']],
      ['-createdAt', ['2024-01-01T00:00:00.000Z', 'not-a-uuid']],
      ['-updatedAt', [{ a: 1 }, ticket.id]],
      ['-severity', ['high', '2024-01-01T00:00:00.000Z', ticket.id]],
      ['slaDue', ['2024-02-30T00:00:00.000Z', ticket.id]],
    ] as const) {
      await expect400(
        hub.http
          .get('/v1/tickets')
          .query({ sort, cursor: base64url(values) })
          .set(tenant.auth),
        'cursor',
      );
    }
  });

  it('answers 400 for JSON nested thousands of levels deep', async () => {
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    const response = await hub.http
      .put('/v1/routing-rules')
      .set(tenant.auth)
      .set('content-type', 'application/json')
      .send(deep);
    expect(response.status).toBe(400);
    expect((response.body as ErrorBody).message).toContain('nested deeper');
    const list = `{"rules":${'['.repeat(3_000)}${']'.repeat(3_000)}}`;
    const second = await hub.http
      .put('/v1/routing-rules')
      .set(tenant.auth)
      .set('content-type', 'application/json')
      .send(list);
    expect((second.body as ErrorBody).details?.[0].field).toMatch(/^rules/);
  });

  it('caps condition arrays, credential values and credential keys', async () => {
    const rule = (when: Record<string, unknown>) => ({
      rules: [{ when, then: { department: 'logistics' } }],
    });
    await expect400(
      hub.http
        .put('/v1/routing-rules')
        .set(tenant.auth)
        .send(rule({ platform: Array(1000).fill('taobao') })),
      'rules.0.when.platform',
    );
    await expect400(
      hub.http
        .put('/v1/routing-rules')
        .set(tenant.auth)
        .send(rule({ severity: Array(50).fill('high') })),
      'rules.0.when.severity',
    );
    const generic = (credentials: Record<string, string>) => ({
      platform: 'generic',
      name: 'x',
      shopId: 'x',
      credentials,
    });
    await expect400(
      hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send(generic({ webhookSecret: 'w'.repeat(5_000) })),
      'credentials.webhookSecret',
    );
    const many = Object.fromEntries(Array.from({ length: 5_000 }, (_, index) => [`k${index}`, 'v']));
    await expect400(
      hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send(generic({ webhookSecret: 'w', ...many })),
      'credentials',
    );
  });

  it("answers 404 for another tenant's ticket actions", async () => {
    const response = await hub.http.get(`/v1/tickets/${ticket.id}/actions`).set(other.auth).expect(404);
    expect((response.body as ErrorBody).code).toBe('NOT_FOUND');
    await hub.http.get(`/v1/tickets/${ticket.id}/actions`).set(tenant.auth).expect(200);
  });

  it('answers an unsigned malformed push with 401, and an unknown connection exactly like a bad signature', async () => {
    const malformed = await hub.http
      .post(shop.webhookPath)
      .set('content-type', 'application/json')
      .send('{"type": "case.upserted", "data": {')
      .expect(401);
    const badSignature = signedGenericPush(generateWebhookSecret(), genericCase());
    const wrongKey = await hub.http
      .post(shop.webhookPath)
      .set(badSignature.headers)
      .send(badSignature.body)
      .expect(401);
    const signed = signedGenericPush(shop.secret, genericCase());
    const unknown = await hub.http
      .post('/v1/webhooks/generic/00000000-0000-4000-8000-000000000000')
      .set(signed.headers)
      .send(signed.body)
      .expect(401);
    const notAnId = await hub.http
      .post('/v1/webhooks/generic/not-a-connection')
      .set(signed.headers)
      .send(signed.body)
      .expect(401);
    const otherPlatform = await hub.http
      .post(`/v1/webhooks/shopify/${shop.connectionId}`)
      .set(signed.headers)
      .send(signed.body)
      .expect(401);
    for (const response of [malformed, unknown, notAnId, otherPlatform])
      expect(response.body).toEqual(wrongKey.body);
  });

  it('looks an unknown connection id up once, not once per push', async () => {
    const commits = async () =>
      Number(
        (
          await hub.sql<{ n: string }>(
            `SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()`,
          )
        )[0].n,
      );
    const signed = signedGenericPush(shop.secret, genericCase());
    const path = '/v1/webhooks/generic/00000000-0000-4000-8000-00000000abcd';
    await hub.http.post(path).set(signed.headers).send(signed.body).expect(401);
    const before = await commits();
    for (let batch = 0; batch < 10; batch += 1) {
      await Promise.all(
        Array.from({ length: 30 }, () =>
          hub.http.post(path).set(signed.headers).send(signed.body).expect(401),
        ),
      );
    }
    // pg_stat counters are flushed by each backend at most every second or so; wait for ours.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect((await commits()) - before).toBeLessThan(150);
  });
});

describe('hardening: revocations, refunds and upstream errors', () => {
  let hub: TestHub;
  let second: TestHub;
  let tenant: TenantSession;
  const taobao = new TaobaoSandbox();
  let connectionId: string;

  beforeAll(async () => {
    hub = await TestHub.start();
    second = await hub.sibling({ HUB_ROLE: 'api' });
    tenant = await createTenant(hub);
    await taobao.start();
    const created = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({
        platform: 'taobao',
        name: 'Tmall',
        shopId: taobao.shopId,
        credentials: taobao.credentials,
        apiBaseUrl: taobao.url,
      })
      .expect(201);
    connectionId = (created.body as ConnectionBody).id;
  });

  afterAll(async () => {
    await second.stop();
    await hub.close();
    await taobao.stop();
  });

  it('refuses a revoked key in every process at once, so it cannot mint a new key anywhere', async () => {
    const issued = await hub.http.post('/v1/api-keys').set(tenant.auth).send({ role: 'admin' }).expect(201);
    const key = { Authorization: `Bearer ${issued.body.key as string}` };
    // The other process has the key cached now.
    await second.http.get('/v1/api-keys').set(key).expect(200);
    await hub.http
      .delete(`/v1/api-keys/${issued.body.id as string}`)
      .set(tenant.auth)
      .expect(204);
    const refusedAt = Date.now();
    await eventually(
      async () => (await second.http.get('/v1/api-keys').set(key)).status === 401,
      2_000,
      'the other process to refuse the revoked key',
    );
    expect(Date.now() - refusedAt).toBeLessThan(2_000);
    await second.http.post('/v1/api-keys').set(key).send({ role: 'admin' }).expect(401);
  });

  const requestedTicket = async (): Promise<{ id: string; requested: string }> => {
    const created = await taobao.generateCases(8);
    return eventually(
      async () => {
        await hub.http.post(`/v1/connections/${connectionId}/sync`).set(tenant.auth);
        const list = await hub.http
          .get('/v1/tickets')
          .query({ connectionId, stage: 'requested', limit: 200 })
          .set(tenant.auth)
          .expect(200);
        const found = (
          list.body.data as { id: string; externalId: string; requestedAmount: { amount: string } | null }[]
        ).find((item) => created.includes(item.externalId) && item.requestedAmount);
        return found ? { id: found.id, requested: found.requestedAmount?.amount ?? '' } : undefined;
      },
      30_000,
      'a requested Taobao case',
    );
  };

  it('refuses approve_refund of 0, of more than is left, and of any amount when the request is unknown', async () => {
    const { id, requested } = await requestedTicket();
    const approve = (amount: string) =>
      hub.http.post(`/v1/tickets/${id}/actions`).set(tenant.auth).send({ type: 'approve_refund', amount });
    expect((await approve('0.00')).status).toBe(422);
    expect((await approve('0')).status).toBe(422);
    const requestedMinor = Math.round(Number(requested) * 100);
    // Part of the request was refunded already (as a platform would report it).
    await hub.sql(`UPDATE tickets SET refunded_amount_minor = $2, refunded_currency = 'CNY' WHERE id = $1`, [
      id,
      requestedMinor - 100,
    ]);
    const tooMuch = await approve('1.01');
    expect(tooMuch.status).toBe(422);
    expect((tooMuch.body as ErrorBody).message).toContain('at most 1.00 CNY is left');
    await hub.sql(`UPDATE tickets SET requested_amount_minor = NULL WHERE id = $1`, [id]);
    const unknown = await approve('1.00');
    expect(unknown.status).toBe(422);
    expect((unknown.body as ErrorBody).message).toContain('does not say how much');
  });

  it('keeps what an upstream answered out of the sync state beyond a short, clean message', async () => {
    const banner = `INTERNAL-${'x'.repeat(4_000)}\u0007`;
    const internal = await internalService(() => ({
      status: 200,
      body: JSON.stringify({ error_response: { code: 15, msg: banner, sub_code: 'isp.x', sub_msg: banner } }),
    }));
    try {
      await hub.http
        .patch(`/v1/connections/${connectionId}`)
        .set(tenant.auth)
        .send({ apiBaseUrl: `${internal.url}/router/rest` })
        .expect(200);
      const lastError = await eventually(
        async () => {
          await hub.http.post(`/v1/connections/${connectionId}/sync`).set(tenant.auth);
          const view = await hub.http.get(`/v1/connections/${connectionId}`).set(tenant.auth).expect(200);
          const error = (view.body as ConnectionBody).sync.lastError;
          return error?.includes('TOP error 15') ? error : undefined;
        },
        30_000,
        'the sync to fail',
      );
      expect(lastError.length).toBeLessThanOrEqual(230);
      expect(lastError).not.toContain('\u0007');
      expect(internal.hits()).toBeGreaterThan(0);
    } finally {
      await internal.close();
    }
  });

  it('turns a pushed case with NUL and a lone surrogate in its text into a ticket, cleaned, instead of sticking', async () => {
    const shop = await GenericShop.connect(hub, tenant);
    const data = genericCase();
    // Written by hand: JSON.stringify would not produce these escapes.
    const body = JSON.stringify({ type: 'case.upserted', data }).replace(
      JSON.stringify(data.reason),
      '"broken\\u0000 cup \\ud83d here"',
    );
    expect(body).toContain('broken\\u0000 cup');
    const id = `msg_${randomUUID()}`;
    const timestamp = Math.floor(Date.now() / 1000);
    await hub.http
      .post(shop.webhookPath)
      .set({
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook(shop.secret, id, timestamp, body),
      })
      .send(body)
      .expect(200);
    const ticket = await eventually(
      async () => {
        const list = await hub.http
          .get('/v1/tickets')
          .query({ connectionId: shop.connectionId })
          .set(tenant.auth);
        return (list.body.data as { externalId: string; reason: string }[] | undefined)?.find(
          (item) => item.externalId === data.externalId,
        );
      },
      15_000,
      'the ticket',
    );
    expect(ticket.reason).toBe('broken cup \uFFFD here');
    const stuck = await hub.sql(
      `SELECT id FROM inbound_events WHERE connection_id = $1 AND status <> 'processed'`,
      [shop.connectionId],
    );
    expect(stuck).toEqual([]);
  });

  it('holds pushes to a paused connection, acknowledged, and turns them into tickets once it is resumed', async () => {
    const paused = await GenericShop.connect(hub, tenant);
    const active = await GenericShop.connect(hub, tenant);
    await hub.http
      .patch(`/v1/connections/${paused.connectionId}`)
      .set(tenant.auth)
      .send({ status: 'paused' })
      .expect(200);
    const held = genericCase();
    await paused.push(held);
    // A case pushed afterwards to an active connection gets its ticket; the held one must not have one.
    await active.ticket();
    const tickets = async () => {
      const list = await hub.http
        .get('/v1/tickets')
        .query({ q: held.externalId })
        .set(tenant.auth)
        .expect(200);
      return (list.body.data as TicketRef[]).filter((item) => item.externalId === held.externalId);
    };
    expect(await tickets()).toEqual([]);
    const events = await hub.http
      .get(`/v1/connections/${paused.connectionId}/events`)
      .query({ status: 'held' })
      .set(tenant.auth)
      .expect(200);
    expect((events.body.data as { externalId: string }[]).map((event) => event.externalId)).toEqual([
      held.externalId,
    ]);
    await hub.http
      .patch(`/v1/connections/${paused.connectionId}`)
      .set(tenant.auth)
      .send({ status: 'active' })
      .expect(200);
    await eventually(async () => (await tickets()).length === 1, 15_000, 'the held case to become a ticket');
  });

  it('stores a push of 11,000 messages, and deduplicates a 4,000-character webhook-id', async () => {
    const douyin = { appKey: 'drill-app', appSecret: 'drill-secret', accessToken: 'token' };
    const connection = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({
        platform: 'douyin',
        name: 'Douyin',
        shopId: 'dy-1',
        credentials: douyin,
        apiBaseUrl: 'http://127.0.0.1:9',
      })
      .expect(201);
    const messages = Array.from({ length: 11_000 }, (_, index) => ({ tag: '999', msg_id: `m-${index}` }));
    const body = JSON.stringify(messages);
    const sign = createHash('md5').update(`${douyin.appKey}${body}${douyin.appSecret}`).digest('hex');
    await hub.http
      .post(`/v1/webhooks/douyin/${(connection.body as ConnectionBody).id}`)
      .set({ 'content-type': 'application/json', 'event-sign': sign })
      .send(body)
      .expect(200);
    const [stored] = await hub.sql<{ n: string }>(
      `SELECT count(*) AS n FROM inbound_events WHERE connection_id = $1`,
      [(connection.body as ConnectionBody).id],
    );
    expect(Number(stored.n)).toBe(11_000);

    const generic = await GenericShop.connect(hub, tenant);
    const longId = `msg_${'x'.repeat(4_000)}`;
    const data = genericCase();
    for (const expected of [
      { received: 1, duplicates: 0 },
      { received: 1, duplicates: 1 },
    ]) {
      const signed = signedGenericPush(generic.secret, data, longId);
      const answer = await hub.http
        .post(generic.webhookPath)
        .set(signed.headers)
        .send(signed.body)
        .expect(200);
      expect(answer.body).toEqual(expected);
    }
  });
});

describe('hardening: rate limits held in Redis', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await TestHub.start({
      HUB_RATE_LIMIT_TENANTS_PER_MINUTE: '3',
      HUB_RATE_LIMIT_FAILED_AUTH_PER_MINUTE: '5',
      HUB_RATE_LIMIT_INGRESS_PER_SECOND: '20',
    });
  });

  afterAll(() => hub.close());

  let tenant: TenantSession;

  it('limits tenant creation per client address, with Retry-After', async () => {
    tenant = await createTenant(hub, 'One');
    await createTenant(hub, 'Two');
    await createTenant(hub, 'Three');
    const refused = await hub.http
      .post('/v1/tenants')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'Four' })
      .expect(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((refused.body as ErrorBody).code).toBe('TOO_MANY_REQUESTS');
  });

  it('limits pushes per connection, not per platform, and lets them through again a second later', async () => {
    const shop = await GenericShop.connect(hub, tenant);
    const push = () => {
      const signed = signedGenericPush(shop.secret, genericCase());
      return hub.http.post(shop.webhookPath).set(signed.headers).send(signed.body);
    };
    const answers = await Promise.all(Array.from({ length: 60 }, push));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true);
    const throttled = answers.find((answer) => answer.status === 429);
    expect(Number(throttled?.headers['retry-after'])).toBeGreaterThan(0);
    await eventually(async () => (await push()).status === 200, 5_000, 'the connection to take pushes again');
  });

  it('turns an address away after repeated failed authentications, even with a good key', async () => {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      await hub.http.get('/v1/tickets').set('Authorization', `Bearer mah_wrong${attempt}`).expect(401);
    }
    const blocked = await hub.http.get('/v1/tickets').set('Authorization', 'Bearer mah_wrong').expect(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    await hub.http.get('/v1/tickets').set(tenant.auth).expect(429);
  });
});
