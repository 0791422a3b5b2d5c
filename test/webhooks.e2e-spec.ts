import { GenericShop } from './support/generic-shop';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';
import { standardWebhookSignatures, WebhookReceiver } from './support/webhook-receiver';

interface DeliveryBody {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  nextAttemptAt: string | null;
}

describe('outbound webhooks', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let shop: GenericShop;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    hub = await TestHub.start({ HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true' });
    tenant = await createTenant(hub);
    shop = await GenericShop.connect(hub, tenant);
  });

  beforeEach(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
  });

  afterEach(() => receiver.stop());
  afterAll(() => hub.close());

  const subscribe = async (events: string[]) => {
    const created = await hub.http
      .post('/v1/webhook-subscriptions')
      .set(tenant.auth)
      .send({ url: receiver.url, events })
      .expect(201);
    return created.body as { id: string; secret: string };
  };

  const deliveries = async (subscriptionId: string): Promise<DeliveryBody[]> =>
    (
      await hub.http
        .get(`/v1/webhook-subscriptions/${subscriptionId}/deliveries`)
        .set(tenant.auth)
        .expect(200)
    ).body.data;

  it('shows the secret once and delivers signed events', async () => {
    const subscription = await subscribe(['ticket.created']);
    expect(subscription.secret).toMatch(/^whsec_/);
    const listed = await hub.http.get('/v1/webhook-subscriptions').set(tenant.auth).expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(subscription.secret);

    const ticket = await shop.ticket();
    const delivery = await eventually(async () =>
      receiver.received.find((item) => item.json.data.ticketId === ticket.id),
    );
    expect(delivery.json.type).toBe('ticket.created');
    expect(delivery.headers['webhook-id']).toBe(delivery.json.id);
    expect(Math.abs(Number(delivery.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    const { expected, sent } = standardWebhookSignatures(subscription.secret, delivery);
    expect(sent).toEqual([expected]);
  });

  it('sends only the events subscribed to', async () => {
    await subscribe(['action.failed']);
    await shop.ticket();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.received).toEqual([]);
  });

  it('retries a failing receiver after 5 s, and later when Retry-After asks for it, logging every attempt', async () => {
    const subscription = await subscribe(['ticket.created']);
    receiver.answer({ status: 500 }, { status: 503, headers: { 'Retry-After': '400' } });
    const ticket = await shop.ticket();
    const firstAttempt = await eventually(async () =>
      (await deliveries(subscription.id)).find((item) => item.attempts === 1),
    );
    expect(firstAttempt).toMatchObject({ status: 'retrying', lastStatusCode: 500 });
    const secondAttempt = await eventually(
      async () => (await deliveries(subscription.id)).find((item) => item.attempts === 2),
      20_000,
    );
    expect(secondAttempt).toMatchObject({ status: 'retrying', lastStatusCode: 503 });
    const [first, second] = receiver.received;
    expect(second.at - first.at).toBeGreaterThanOrEqual(4_500);
    // The schedule's next step is 5 minutes; the receiver asked for 400 s, so that wins.
    expect(new Date(secondAttempt.nextAttemptAt ?? 0).getTime() - second.at).toBeGreaterThanOrEqual(395_000);
    expect(new Set(receiver.received.map((item) => item.headers['webhook-id'])).size).toBe(1);
    expect(second.json.data.ticketId).toBe(ticket.id);

    await hub.http
      .post(`/v1/webhook-subscriptions/${subscription.id}/deliveries/${secondAttempt.id}/retry`)
      .set(tenant.auth)
      .expect(202);
    await eventually(async () =>
      (await deliveries(subscription.id)).find((item) => item.status === 'succeeded'),
    );
    expect(receiver.received).toHaveLength(3);
  }, 60_000);

  it('recovers failed deliveries of a time range', async () => {
    const subscription = await subscribe(['ticket.created']);
    await hub.sql(`UPDATE webhook_subscriptions SET failing_since = now() WHERE id = $1`, [subscription.id]);
    await shop.ticket();
    const done = await eventually(async () =>
      (await deliveries(subscription.id)).find((item) => item.status === 'succeeded'),
    );
    await hub.sql(`UPDATE webhook_deliveries SET status = 'failed' WHERE id = $1`, [done.id]);
    const recovered = await hub.http
      .post(`/v1/webhook-subscriptions/${subscription.id}/recover`)
      .set(tenant.auth)
      .send({ since: new Date(Date.now() - 60_000).toISOString() })
      .expect(202);
    expect(recovered.body).toEqual({ requeued: 1 });
    await eventually(async () => receiver.received.length === 2);
    const [row] = await hub.sql<{ failing_since: Date | null }>(
      `SELECT failing_since FROM webhook_subscriptions WHERE id = $1`,
      [subscription.id],
    );
    expect(row.failing_since).toBeNull();
  });

  it('replays a delivery on request', async () => {
    const subscription = await subscribe(['ticket.created']);
    await shop.ticket();
    const done = await eventually(async () =>
      (await deliveries(subscription.id)).find((item) => item.status === 'succeeded'),
    );
    await hub.http
      .post(`/v1/webhook-subscriptions/${subscription.id}/deliveries/${done.id}/retry`)
      .set(tenant.auth)
      .expect(202);
    await eventually(async () => receiver.received.length === 2);
    expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
  });

  it('signs with both secrets for a day after a rotation', async () => {
    const subscription = await subscribe(['ticket.created']);
    const rotated = await hub.http
      .post(`/v1/webhook-subscriptions/${subscription.id}/rotate-secret`)
      .set(tenant.auth)
      .expect(200);
    await shop.ticket();
    const delivery = await eventually(async () => receiver.received[0]);
    const sent = delivery.headers['webhook-signature'].split(' ');
    expect(sent).toEqual(
      expect.arrayContaining([
        standardWebhookSignatures(rotated.body.secret, delivery).expected,
        standardWebhookSignatures(subscription.secret, delivery).expected,
      ]),
    );
  });

  it('stops delivering to a disabled subscription and validates input', async () => {
    const subscription = await subscribe(['ticket.created']);
    await hub.http
      .patch(`/v1/webhook-subscriptions/${subscription.id}`)
      .set(tenant.auth)
      .send({ enabled: false })
      .expect(200);
    await shop.ticket();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.received).toEqual([]);
    const bad = await hub.http
      .post('/v1/webhook-subscriptions')
      .set(tenant.auth)
      .send({ url: 'ftp://x', events: ['ticket.exploded'] })
      .expect(400);
    expect((bad.body.details as { field: string }[]).map((detail) => detail.field)).toEqual(
      expect.arrayContaining(['url', 'events']),
    );
  });

  it("hides another tenant's subscriptions", async () => {
    const subscription = await subscribe(['ticket.created']);
    const other = await createTenant(hub, 'Other');
    await hub.http.get(`/v1/webhook-subscriptions/${subscription.id}`).set(other.auth).expect(404);
    await hub.http.get(`/v1/webhook-subscriptions/${subscription.id}/deliveries`).set(other.auth).expect(404);
  });
});

describe('outbound webhooks: SSRF guard', () => {
  let hub: TestHub;
  let tenant: TenantSession;

  beforeAll(async () => {
    hub = await TestHub.start({ HUB_ALLOW_PRIVATE_URLS: 'false' });
    tenant = await createTenant(hub);
  });

  afterAll(() => hub.close());

  it.each([
    'http://127.0.0.1:9/hooks',
    'http://localhost/hooks',
    'http://10.0.0.5/hooks',
    'http://192.168.1.10/hooks',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/hooks',
  ])('refuses %s', async (url) => {
    const response = await hub.http
      .post('/v1/webhook-subscriptions')
      .set(tenant.auth)
      .send({ url, events: ['ticket.created'] })
      .expect(422);
    expect(response.body.message).toContain('url refused');
  });
});
