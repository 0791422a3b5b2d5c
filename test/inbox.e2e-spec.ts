import { generateWebhookSecret } from '../adapters/shared/standard-webhooks';
import { genericCase, signedGenericPush } from './support/builders';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TicketBody {
  id: string;
  externalId: string;
  kind: string;
  stage: string;
  department: string;
  createdAt: string;
}

describe('inbox: listing, filtering, searching and paging tickets', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let connectionId: string;
  const cases = [
    genericCase({
      externalId: 'A1',
      reason: '收到的杯子有破损，很生气',
      externalOrderId: 'ORD-111',
      kind: 'return_refund',
    }),
    genericCase({
      externalId: 'A2',
      reason: '快递一直没收到',
      externalOrderId: 'ORD-222',
      kind: 'refund_only',
    }),
    genericCase({
      externalId: 'A3',
      reason: 'The blender arrived broken',
      externalOrderId: 'ORD-333',
      kind: 'return_refund',
      stage: 'awaiting_return',
    }),
    genericCase({ externalId: 'A4', reason: '客服态度很差', externalOrderId: 'ORD-444', kind: 'complaint' }),
    genericCase({
      externalId: 'A5',
      reason: '尺码不合适',
      externalOrderId: 'ORD-555',
      kind: 'exchange',
      buyer: { externalId: 'b-9', displayName: '王**', vip: true },
      items: [
        {
          sku: 'TSHIRT-L-BLK',
          title: '纯棉T恤 L 黑色',
          quantity: 1,
          unitPrice: { amount: '89.00', currency: 'CNY' },
        },
      ],
    }),
  ];

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    const secret = generateWebhookSecret();
    const created = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({ platform: 'generic', name: 'Own shop', shopId: 'own', credentials: { webhookSecret: secret } })
      .expect(201);
    connectionId = created.body.id;
    const path = new URL(created.body.webhookUrl).pathname;
    for (const item of cases) {
      const signed = signedGenericPush(secret, item);
      await hub.http.post(path).set(signed.headers).send(signed.body).expect(200);
    }
    await eventually(async () => {
      const list = await hub.http.get('/v1/tickets').set(tenant.auth).expect(200);
      return list.body.data.length === cases.length;
    });
  });

  afterAll(() => hub.close());

  const ids = async (query: Record<string, string | number>): Promise<string[]> => {
    const response = await hub.http.get('/v1/tickets').query(query).set(tenant.auth).expect(200);
    return (response.body.data as TicketBody[]).map((ticket) => ticket.externalId).sort();
  };

  it('finds Chinese substrings in the reason', async () => {
    expect(await ids({ q: '破损' })).toEqual(['A1']);
    expect(await ids({ q: '没收到' })).toEqual(['A2']);
    expect(await ids({ q: '态度' })).toEqual(['A4']);
  });

  it('finds English words case-insensitively, order ids, buyers, SKUs and titles', async () => {
    expect(await ids({ q: 'BROKEN' })).toEqual(['A3']);
    expect(await ids({ q: 'ORD-222' })).toEqual(['A2']);
    expect(await ids({ q: '王**' })).toEqual(['A5']);
    expect(await ids({ q: 'TSHIRT-L' })).toEqual(['A5']);
    expect(await ids({ q: '纯棉' })).toEqual(['A5']);
    expect(await ids({ q: '不存在的词' })).toEqual([]);
  });

  it('filters by kind, stage, department, platform and connection, each accepting several values', async () => {
    expect(await ids({ kind: 'complaint' })).toEqual(['A4']);
    expect(await ids({ kind: 'complaint,exchange' })).toEqual(['A4', 'A5']);
    expect(await ids({ stage: 'awaiting_return' })).toEqual(['A3']);
    expect(await ids({ department: 'complaints' })).toEqual(['A4']);
    expect(await ids({ platform: 'generic', connectionId })).toHaveLength(5);
    expect(await ids({ platform: 'shopify' })).toEqual([]);
    // A3 waits for the buyer's parcel, so it is pending rather than new.
    expect(await ids({ status: 'new', slaState: 'ok' })).toHaveLength(4);
    expect(await ids({ status: 'pending' })).toEqual(['A3']);
    // The VIP buyer's exchange goes up one tier.
    expect(await ids({ severity: 'high' })).toEqual(['A5']);
    expect(await ids({ severity: 'normal,low' })).toHaveLength(4);
  });

  it('filters unassigned tickets and by tag', async () => {
    expect(await ids({ assigneeId: 'none' })).toHaveLength(5);
    expect(await ids({ assigneeId: 'agent-7' })).toEqual([]);
    expect(await ids({ tag: 'vip' })).toEqual([]);
  });

  it('filters by creation time', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await ids({ createdFrom: future })).toEqual([]);
    expect(await ids({ createdTo: future })).toHaveLength(5);
  });

  it('pages through every ticket once with an opaque cursor, newest first', async () => {
    const seen: TicketBody[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { limit: 2 };
      if (cursor) query.cursor = cursor;
      const response = await hub.http.get('/v1/tickets').query(query).set(tenant.auth).expect(200);
      seen.push(...(response.body.data as TicketBody[]));
      cursor = response.body.nextCursor as string | null;
    } while (cursor);
    expect(seen.map((ticket) => ticket.externalId).sort()).toEqual(['A1', 'A2', 'A3', 'A4', 'A5']);
    const times = seen.map((ticket) => ticket.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('pages with every sort order', async () => {
    for (const sort of ['-updatedAt', 'slaDue', '-severity']) {
      const first = await hub.http.get('/v1/tickets').query({ sort, limit: 3 }).set(tenant.auth).expect(200);
      const second = await hub.http
        .get('/v1/tickets')
        .query({ sort, limit: 3, cursor: first.body.nextCursor })
        .set(tenant.auth)
        .expect(200);
      const all = [...first.body.data, ...second.body.data].map((ticket: TicketBody) => ticket.externalId);
      expect(new Set(all).size).toBe(5);
      expect(second.body.nextCursor).toBeNull();
    }
  });

  it('refuses a cursor it did not hand out', async () => {
    const response = await hub.http
      .get('/v1/tickets')
      .query({ cursor: 'bm9wZQ' })
      .set(tenant.auth)
      .expect(400);
    expect(response.body.details[0].field).toBe('cursor');
  });

  it('returns the raw payload only when asked', async () => {
    const list = await hub.http.get('/v1/tickets').query({ q: 'ORD-111' }).set(tenant.auth).expect(200);
    const id = list.body.data[0].id as string;
    const plain = await hub.http.get(`/v1/tickets/${id}`).set(tenant.auth).expect(200);
    expect(plain.body).not.toHaveProperty('raw');
    const withRaw = await hub.http
      .get(`/v1/tickets/${id}`)
      .query({ include: 'raw' })
      .set(tenant.auth)
      .expect(200);
    expect(withRaw.body.raw).toMatchObject({ externalId: 'A1', externalOrderId: 'ORD-111' });
  });

  it("shows no other tenant's tickets", async () => {
    const other = await createTenant(hub, 'Other');
    const list = await hub.http.get('/v1/tickets').set(other.auth).expect(200);
    expect(list.body.data).toEqual([]);
    const mine = await hub.http.get('/v1/tickets').set(tenant.auth).expect(200);
    await hub.http.get(`/v1/tickets/${mine.body.data[0].id}`).set(other.auth).expect(404);
  });
});
