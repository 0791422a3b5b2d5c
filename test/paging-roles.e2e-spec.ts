import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWebhookSecret } from '../adapters/shared/standard-webhooks';
import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { WoocommerceSandbox } from '../adapters/woocommerce/woocommerce.sandbox';
import { signedGenericPush } from './support/builders';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface Page {
  data: { id: string }[];
  nextCursor: string | null;
}

describe('lists page by limit and cursor; viewers read actions', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let viewer: { Authorization: string };
  const taobao = new TaobaoSandbox();
  let taobaoConnectionId: string;

  beforeAll(async () => {
    hub = await TestHub.start({ HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true' });
    tenant = await createTenant(hub);
    await taobao.start();
    const created = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({
        platform: 'taobao',
        name: 'taobao',
        shopId: taobao.shopId,
        credentials: taobao.credentials,
        apiBaseUrl: taobao.url,
      })
      .expect(201);
    taobaoConnectionId = created.body.id;
    const key = await hub.http.post('/v1/api-keys').set(tenant.auth).send({ role: 'viewer' }).expect(201);
    viewer = { Authorization: `Bearer ${key.body.key}` };
  });

  afterAll(async () => {
    await hub.close();
    await taobao.stop();
  });

  /** Walks a list two at a time and returns the ids of every page. */
  const walk = async (path: string, query: Record<string, string> = {}): Promise<string[][]> => {
    const pages: string[][] = [];
    let cursor: string | null = null;
    do {
      const response = await hub.http
        .get(path)
        .query({ ...query, limit: 2, ...(cursor ? { cursor } : {}) })
        .set(tenant.auth)
        .expect(200);
      const page = response.body as Page;
      pages.push(page.data.map((row) => row.id));
      cursor = page.nextCursor;
      expect(pages.length).toBeLessThan(10);
    } while (cursor);
    return pages;
  };

  const expectPaged = (pages: string[][], total: number) => {
    expect(pages.map((page) => page.length)).toEqual(
      Array.from({ length: Math.ceil(total / 2) }, (_, index) => Math.min(2, total - index * 2)),
    );
    expect(new Set(pages.flat()).size).toBe(total);
  };

  it('connections', async () => {
    for (const name of ['one', 'two', 'three', 'four']) {
      await hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send({
          platform: 'generic',
          name,
          shopId: name,
          credentials: { webhookSecret: generateWebhookSecret() },
        })
        .expect(201);
    }
    const pages = await walk('/v1/connections');
    expectPaged(pages, 5);
    expect(pages[0][0]).toBe(taobaoConnectionId);
  });

  it('API keys', async () => {
    for (const role of ['agent', 'agent']) {
      await hub.http.post('/v1/api-keys').set(tenant.auth).send({ role }).expect(201);
    }
    // the first admin key, the viewer and two agents
    expectPaged(await walk('/v1/api-keys'), 4);
  });

  it('webhook subscriptions', async () => {
    for (const index of [1, 2, 3]) {
      await hub.http
        .post('/v1/webhook-subscriptions')
        .set(tenant.auth)
        .send({ url: `http://127.0.0.1:9/hook-${index}`, events: ['ticket.created'] })
        .expect(201);
    }
    expectPaged(await walk('/v1/webhook-subscriptions'), 3);
  });

  it('connection events take a cursor', async () => {
    const secret = generateWebhookSecret();
    const created = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({ platform: 'generic', name: 'events', shopId: 'events', credentials: { webhookSecret: secret } })
      .expect(201);
    const path = new URL(created.body.webhookUrl).pathname;
    for (let index = 0; index < 5; index += 1) {
      const signed = signedGenericPush(secret, { externalId: `broken-${index}` });
      await hub.http.post(path).set(signed.headers).send(signed.body).expect(200);
    }
    await eventually(async () => {
      const failed = await hub.http
        .get(`/v1/connections/${created.body.id}/events`)
        .query({ status: 'failed' })
        .set(tenant.auth)
        .expect(200);
      return failed.body.data.length === 5;
    });
    expectPaged(await walk(`/v1/connections/${created.body.id}/events`, { status: 'failed' }), 5);
    await hub.http
      .get(`/v1/connections/${created.body.id}/events`)
      .query({ cursor: 'not-a-cursor' })
      .set(tenant.auth)
      .expect(400);
  });

  describe("a ticket's actions", () => {
    let ticketId: string;
    const actionIds: string[] = [];
    // Messages are the action a ticket may take many times; Taobao takes none without an image, WooCommerce does.
    const woo = new WoocommerceSandbox();

    beforeAll(async () => {
      await woo.start();
      const connection = await hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send({
          platform: 'woocommerce',
          name: 'woo',
          shopId: woo.shopId,
          credentials: woo.credentials,
          apiBaseUrl: woo.url,
        })
        .expect(201);
      const [orderId] = await woo.generateCases(1);
      ticketId = await eventually(async () => {
        await hub.http.post(`/v1/connections/${connection.body.id}/sync`).set(tenant.auth).expect(202);
        const list = await hub.http
          .get('/v1/tickets')
          .query({ connectionId: connection.body.id, limit: 100 })
          .set(tenant.auth)
          .expect(200);
        return (list.body.data as { id: string; externalId: string }[]).find(
          (row) => row.externalId === orderId,
        )?.id;
      }, 30_000);
      for (const text of ['您好', '请提供照片', '已收到']) {
        const action = await hub.http
          .post(`/v1/tickets/${ticketId}/actions`)
          .set(tenant.auth)
          .send({ type: 'send_message', text })
          .expect(202);
        actionIds.push(action.body.id);
      }
    });

    afterAll(() => woo.stop());

    it('page in the order they were asked for', async () => {
      const pages = await walk(`/v1/tickets/${ticketId}/actions`);
      expectPaged(pages, 3);
      expect(pages.flat()).toEqual(actionIds);
    });

    it('are readable by a viewer, as the README says, but only agents decide', async () => {
      const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8').split('\n');
      const roleOf = (endpoint: string) =>
        readme
          .find((line) => line.startsWith('|') && line.includes(endpoint))
          ?.split('|')[2]
          .trim();
      expect(roleOf('`GET /v1/tickets/:id/actions`')).toBe('any');
      expect(roleOf('`GET /v1/actions/:id`')).toBe('any');
      expect(roleOf('`POST /v1/tickets/:id/actions`')).toBe('agent');
      const list = await hub.http.get(`/v1/tickets/${ticketId}/actions`).set(viewer).expect(200);
      expect(list.body.data).toHaveLength(3);
      await hub.http.get(`/v1/actions/${actionIds[0]}`).set(viewer).expect(200);
      const refused = await hub.http
        .post(`/v1/tickets/${ticketId}/actions`)
        .set(viewer)
        .send({ type: 'send_message', text: '你好' })
        .expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');
    });
  });
});
