import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { generateWebhookSecret } from '../adapters/shared/standard-webhooks';
import { genericCase, signedGenericPush } from './support/builders';
import { OwnRedis } from './support/redis-server';
import { createTenant, eventually, freePort, TestHub } from './support/test-app';

describe('resilience', () => {
  describe('when Redis goes away', () => {
    let redis: OwnRedis;
    let hub: TestHub;

    beforeAll(async () => {
      redis = await OwnRedis.start();
      hub = await TestHub.start({ REDIS_URL: redis.url });
    });

    afterAll(async () => {
      await hub.close();
      await redis.down();
    });

    it('still acknowledges and stores pushes, and turns them into tickets once Redis is back', async () => {
      const tenant = await createTenant(hub);
      const secret = generateWebhookSecret();
      const created = await hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send({
          platform: 'generic',
          name: 'Own shop',
          shopId: 'own',
          credentials: { webhookSecret: secret },
        })
        .expect(201);
      const path = new URL(created.body.webhookUrl).pathname;

      await redis.down();
      const items = [genericCase(), genericCase(), genericCase()];
      for (const item of items) {
        const signed = signedGenericPush(secret, item);
        await hub.http.post(path).set(signed.headers).send(signed.body).expect(200);
      }
      const stored = await hub.sql<{ status: string }>('SELECT status FROM inbound_events');
      expect(stored).toHaveLength(3);
      expect(stored.every((row) => row.status === 'received')).toBe(true);

      await redis.up();
      await eventually(
        async () => {
          const list = await hub.http.get('/v1/tickets').set(tenant.auth);
          return list.status === 200 && list.body.data.length === 3;
        },
        45_000,
        'tickets after Redis came back',
      );
      const rows = await hub.sql<{ status: string }>('SELECT status FROM inbound_events');
      expect(rows.every((row) => row.status === 'processed')).toBe(true);
    });
  });

  describe('start-up without its services', () => {
    const run = (env: Record<string, string>) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [join(__dirname, '..', 'dist', 'src', 'main.js')], {
          env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'error', ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        child.on('exit', (code) => resolve({ code, stderr }));
      });

    it('exits with one clear line naming PostgreSQL and the fix', async () => {
      const port = await freePort();
      const { code, stderr } = await run({
        DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/hub`,
        PORT: '0',
      });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`cannot reach PostgreSQL at postgres://postgres@127.0.0.1:${port}/hub`);
      expect(stderr).toContain('docker compose up -d');
    });

    it('exits with one clear line naming Redis and the fix', async () => {
      const port = await freePort();
      const { code, stderr } = await run({ REDIS_URL: `redis://127.0.0.1:${port}`, PORT: '0' });
      expect(code).toBe(1);
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(`cannot reach Redis at redis://127.0.0.1:${port}`);
    });

    it('refuses to start in production without a master key', async () => {
      const { code, stderr } = await run({
        NODE_ENV: 'production',
        HUB_ADMIN_TOKEN: 'a-long-enough-admin-token',
      });
      expect(code).toBe(1);
      expect(stderr).toContain('HUB_MASTER_KEY is required');
    });
  });
});
