import { generateWebhookSecret } from '../adapters/shared/standard-webhooks';
import { ADMIN_TOKEN, createTenant, TestHub, type TenantSession } from './support/test-app';

describe('setup: tenants, API keys, connections and platforms', () => {
  let hub: TestHub;
  let acme: TenantSession;
  let other: TenantSession;

  beforeAll(async () => {
    hub = await TestHub.start();
    acme = await createTenant(hub, 'Acme');
    other = await createTenant(hub, 'Other');
  });

  afterAll(() => hub.close());

  const genericConnection = (name = 'Own shop') => ({
    platform: 'generic',
    name,
    shopId: 'own-shop',
    credentials: { webhookSecret: generateWebhookSecret() },
  });

  describe('tenants', () => {
    it('needs the admin token', async () => {
      await hub.http.post('/v1/tenants').send({ name: 'x' }).expect(401);
      const wrong = await hub.http
        .post('/v1/tenants')
        .set('Authorization', 'Bearer nope')
        .send({ name: 'x' })
        .expect(401);
      expect(wrong.body).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });
    });

    it('returns the first admin key once, and it works', async () => {
      const created = await hub.http
        .post('/v1/tenants')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: 'Shop' })
        .expect(201);
      expect(created.body.apiKey).toMatchObject({ role: 'admin', key: expect.stringMatching(/^mah_/) });
      const keys = await hub.http
        .get('/v1/api-keys')
        .set('Authorization', `Bearer ${created.body.apiKey.key}`)
        .expect(200);
      expect(keys.body.data).toHaveLength(1);
      expect(keys.body.data[0]).not.toHaveProperty('key');
      expect(JSON.stringify(keys.body)).not.toContain(created.body.apiKey.key);
    });

    it('rejects a missing name with the field and the problem', async () => {
      const response = await hub.http
        .post('/v1/tenants')
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({})
        .expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'name' })]),
      );
    });
  });

  describe('API keys and roles', () => {
    it('issues keys per role, and a viewer cannot change anything', async () => {
      const viewer = await hub.http
        .post('/v1/api-keys')
        .set(acme.auth)
        .send({ role: 'viewer', name: 'wallboard' })
        .expect(201);
      const auth = { Authorization: `Bearer ${viewer.body.key}` };
      await hub.http.get('/v1/connections').set(auth).expect(200);
      const refused = await hub.http.post('/v1/connections').set(auth).send(genericConnection()).expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');
      await hub.http.post('/v1/api-keys').set(auth).send({ role: 'admin' }).expect(403);
    });

    it('stops accepting a key once it is revoked', async () => {
      const agent = await hub.http.post('/v1/api-keys').set(acme.auth).send({ role: 'agent' }).expect(201);
      const auth = { Authorization: `Bearer ${agent.body.key}` };
      await hub.http.get('/v1/tickets').set(auth).expect(200);
      await hub.http.delete(`/v1/api-keys/${agent.body.id}`).set(acme.auth).expect(204);
      await hub.http.get('/v1/tickets').set(auth).expect(401);
    });

    it("answers 404 for another tenant's key", async () => {
      const agent = await hub.http.post('/v1/api-keys').set(acme.auth).send({ role: 'agent' }).expect(201);
      await hub.http.delete(`/v1/api-keys/${agent.body.id}`).set(other.auth).expect(404);
    });

    it('rejects an unknown role', async () => {
      const response = await hub.http.post('/v1/api-keys').set(acme.auth).send({ role: 'owner' }).expect(400);
      expect(response.body.details[0].field).toBe('role');
    });
  });

  describe('connections', () => {
    it('stores a connection, never returns its credentials, and gives the webhook URL to register', async () => {
      const body = genericConnection();
      const created = await hub.http.post('/v1/connections').set(acme.auth).send(body).expect(201);
      expect(created.body).toMatchObject({
        platform: 'generic',
        name: 'Own shop',
        shopId: 'own-shop',
        status: 'active',
        webhookUrl: `${hub.url}/v1/webhooks/generic/${created.body.id}`,
      });
      expect(created.body).not.toHaveProperty('credentials');
      const fetched = await hub.http.get(`/v1/connections/${created.body.id}`).set(acme.auth).expect(200);
      expect(JSON.stringify(fetched.body)).not.toContain(body.credentials.webhookSecret);
    });

    it('encrypts credentials at rest', async () => {
      const body = genericConnection();
      const created = await hub.http.post('/v1/connections').set(acme.auth).send(body).expect(201);
      const [row] = await hub.sql<{ credentials_encrypted: string }>(
        'SELECT credentials_encrypted FROM connections WHERE id = $1',
        [created.body.id],
      );
      expect(row.credentials_encrypted).toMatch(/^v1\./);
      expect(row.credentials_encrypted).not.toContain(body.credentials.webhookSecret.slice(6, 20));
    });

    it('updates, pauses and deletes a connection', async () => {
      const created = await hub.http
        .post('/v1/connections')
        .set(acme.auth)
        .send(genericConnection('Before'))
        .expect(201);
      const patched = await hub.http
        .patch(`/v1/connections/${created.body.id}`)
        .set(acme.auth)
        .send({ name: 'After', status: 'paused' })
        .expect(200);
      expect(patched.body).toMatchObject({ name: 'After', status: 'paused' });
      await hub.http.delete(`/v1/connections/${created.body.id}`).set(acme.auth).expect(204);
      await hub.http.get(`/v1/connections/${created.body.id}`).set(acme.auth).expect(404);
    });

    it("hides another tenant's connection behind a 404", async () => {
      const created = await hub.http
        .post('/v1/connections')
        .set(acme.auth)
        .send(genericConnection())
        .expect(201);
      await hub.http.get(`/v1/connections/${created.body.id}`).set(other.auth).expect(404);
      await hub.http
        .patch(`/v1/connections/${created.body.id}`)
        .set(other.auth)
        .send({ name: 'x' })
        .expect(404);
      await hub.http.delete(`/v1/connections/${created.body.id}`).set(other.auth).expect(404);
      await hub.http.get(`/v1/connections/${created.body.id}/events`).set(other.auth).expect(404);
    });

    it('says which credential is missing or unknown', async () => {
      const missing = await hub.http
        .post('/v1/connections')
        .set(acme.auth)
        .send({ ...genericConnection(), credentials: { secret: 'x' } })
        .expect(400);
      const fields = (missing.body.details as { field: string }[]).map((detail) => detail.field);
      expect(fields).toEqual(expect.arrayContaining(['credentials.webhookSecret', 'credentials.secret']));
    });

    it('rejects unknown fields, unknown platforms and bad URLs', async () => {
      const response = await hub.http
        .post('/v1/connections')
        .set(acme.auth)
        .send({ ...genericConnection(), platform: 'ebay', apiBaseUrl: 'not a url', colour: 'blue' })
        .expect(400);
      const fields = (response.body.details as { field: string }[]).map((detail) => detail.field);
      expect(fields).toEqual(expect.arrayContaining(['platform', 'apiBaseUrl', 'colour']));
    });

    it('refuses to pull from a push-only platform', async () => {
      const created = await hub.http
        .post('/v1/connections')
        .set(acme.auth)
        .send(genericConnection())
        .expect(201);
      const response = await hub.http
        .post(`/v1/connections/${created.body.id}/sync`)
        .set(acme.auth)
        .expect(422);
      expect(response.body.message).toContain('only pushes');
    });
  });

  describe('platforms', () => {
    it('lists every adapter with its actions, push mechanism, rate limit and credentials', async () => {
      const response = await hub.http.get('/v1/platforms').set(acme.auth).expect(200);
      const generic = (response.body.data as { platform: string }[]).find(
        (platform) => platform.platform === 'generic',
      );
      expect(generic).toMatchObject({
        push: 'webhook',
        pull: false,
        actions: [],
        credentials: [{ name: 'webhookSecret', required: true }],
      });
    });
  });

  describe('bad input', () => {
    it('refuses malformed JSON with a 400', async () => {
      const response = await hub.http
        .post('/v1/api-keys')
        .set(acme.auth)
        .set('content-type', 'application/json')
        .send('{"role":')
        .expect(400);
      expect(response.body).toMatchObject({ statusCode: 400, message: 'the body is not valid JSON' });
    });

    it('refuses a body over 1 MiB with a 413', async () => {
      const response = await hub.http
        .post('/v1/api-keys')
        .set(acme.auth)
        .set('content-type', 'application/json')
        .send(JSON.stringify({ role: 'agent', name: 'x'.repeat(1_100_000) }))
        .expect(413);
      expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('refuses a body that is not JSON with a 415', async () => {
      const response = await hub.http
        .post('/v1/api-keys')
        .set(acme.auth)
        .set('content-type', 'text/plain')
        .send('role=agent')
        .expect(415);
      expect(response.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('checks ids, enums and limits in the query', async () => {
      await hub.http.get('/v1/connections/not-a-uuid').set(acme.auth).expect(400);
      const response = await hub.http
        .get('/v1/tickets')
        .query({ limit: 500, status: 'nope', sort: 'sideways' })
        .set(acme.auth)
        .expect(400);
      const fields = (response.body.details as { field: string }[]).map((detail) => detail.field);
      expect(fields).toEqual(expect.arrayContaining(['limit', 'status', 'sort']));
    });

    it('rejects unknown query parameters', async () => {
      const response = await hub.http.get('/v1/tickets').query({ colour: 'blue' }).set(acme.auth).expect(400);
      expect(response.body.details[0].field).toBe('colour');
    });

    it('answers 404 in the error format for an unknown route', async () => {
      const response = await hub.http.get('/v1/nothing-here').set(acme.auth).expect(404);
      expect(response.body).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    });
  });

  describe('service endpoints', () => {
    it('serves liveness, readiness, metrics and the OpenAPI docs without a key', async () => {
      await hub.http.get('/health/live').expect(200, { status: 'ok' });
      const ready = await hub.http.get('/health/ready').expect(200);
      expect(ready.body.checks).toEqual({ postgres: { status: 'up' }, redis: { status: 'up' } });
      const metrics = await hub.http.get('/metrics').expect(200);
      expect(metrics.text).toContain('process_cpu_user_seconds_total');
      const docs = await hub.http.get('/docs-json').expect(200);
      expect(Object.keys(docs.body.paths)).toEqual(
        expect.arrayContaining(['/v1/tickets', '/v1/connections', '/v1/tenants']),
      );
    });
  });
});
