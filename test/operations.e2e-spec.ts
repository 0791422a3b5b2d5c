import { genericCase, signedGenericPush } from './support/builders';
import { GenericShop } from './support/generic-shop';
import { ADMIN_TOKEN, createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

describe('operations: queue dashboard and metrics', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let shop: GenericShop;

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    shop = await GenericShop.connect(hub, tenant);
  });

  afterAll(async () => {
    await hub.close();
  });

  it('serves Bull Board at /queues to the admin token only, by bearer or by a browser login', async () => {
    const anonymous = await hub.http.get('/queues').expect(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic realm="queues"/);
    // A tenant's own admin key does not open it: the queues carry every tenant's jobs.
    await hub.http.get('/queues').set(tenant.auth).expect(401);
    await hub.http.get('/queues').set('Authorization', 'Bearer not-the-token').expect(401);
    const page = await hub.http.get('/queues').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(page.text).toContain('After-Sales Hub queues');
    await hub.http.get('/queues').auth('ops', ADMIN_TOKEN).expect(200);
    const api = await hub.http
      .get('/queues/api/queues')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);
    expect((api.body.queues as { name: string }[]).map((queue) => queue.name).sort()).toEqual([
      'actions',
      'indicators',
      'sla',
      'sync',
      'webhooks',
    ]);
  });

  it('exposes per-route latency, queue depth and job outcomes, and events per platform', async () => {
    const data = genericCase();
    const push = signedGenericPush(shop.secret, data);
    await hub.http.post(shop.webhookPath).set(push.headers).send(push.body).expect(200);
    await hub.http.post(shop.webhookPath).set(push.headers).send(push.body).expect(200);
    await hub.http.get('/v1/tickets').set(tenant.auth).expect(200);
    const metrics = await eventually(
      async () => {
        const text = (await hub.http.get('/metrics').expect(200)).text;
        return /hub_ingest_events_total\{outcome="processed"\} [1-9]/.test(text) ? text : undefined;
      },
      20_000,
      'the ingest batch to be counted',
    );
    expect(metrics).toMatch(
      /hub_http_request_duration_seconds_count\{method="GET",route="\/v1\/tickets",status="2xx"\} [1-9]/,
    );
    expect(metrics).toMatch(
      /hub_http_request_duration_seconds_count\{method="POST",route="\/v1\/webhooks\/:platform\/:connectionId",status="2xx"\} 2/,
    );
    expect(metrics).toContain('hub_inbound_events_total{platform="generic",outcome="stored"} 1');
    expect(metrics).toContain('hub_inbound_events_total{platform="generic",outcome="duplicate"} 1');
    expect(metrics).toMatch(/hub_ingest_batch_size_count [1-9]/);
    expect(metrics).toMatch(/hub_queue_jobs\{queue="sync",state="waiting"\} \d+/);
    for (const name of [
      'hub_pushback_calls_total',
      'hub_rate_limit_wait_seconds',
      'hub_sla_alerts_total',
      'hub_webhook_deliveries_total',
      'hub_webhook_delivery_lag_seconds',
    ]) {
      expect(metrics).toContain(`# TYPE ${name} `);
    }
  });
});
