import request from 'supertest';
import { eventually, freePort, HubProcess } from '../../scripts/hub-process';

export { eventually, freePort };

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** The built hub (`npm test` builds it first) with fast schedulers, so specs need no long waits. */
export class TestHub {
  private constructor(private readonly process: HubProcess) {}

  static async start(env: Record<string, string> = {}): Promise<TestHub> {
    const hub = await HubProcess.start({
      baseDatabaseUrl: process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      redisUrl: env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
      adminToken: ADMIN_TOKEN,
      // Sandboxes and receivers listen on 127.0.0.1; the URL guard's own specs switch this off.
      env: {
        HUB_SWEEP_INTERVAL_MS: '500',
        HUB_SCHEDULER_INTERVAL_MS: '300',
        HUB_ALLOW_PRIVATE_URLS: 'true',
        ...env,
      },
    });
    return new TestHub(hub);
  }

  /** Another process of this hub (same database and Redis prefix); stop it, never close it. */
  async sibling(env: Record<string, string> = {}): Promise<TestHub> {
    return new TestHub(await this.process.sibling(env));
  }

  get url(): string {
    return this.process.url;
  }

  get http(): ReturnType<typeof request> {
    return request(this.process.url);
  }

  logs(): string {
    return this.process.logs();
  }

  sql<T = Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
    return this.process.sql<T>(text, params);
  }

  stop(): Promise<void> {
    return this.process.stop();
  }

  kill(): Promise<void> {
    return this.process.kill();
  }

  boot(extraEnv: Record<string, string> = {}): Promise<void> {
    return this.process.boot(extraEnv);
  }

  restart(extraEnv: Record<string, string> = {}): Promise<void> {
    return this.process.restart(extraEnv);
  }

  close(): Promise<void> {
    return this.process.close();
  }
}

export interface TenantSession {
  tenantId: string;
  apiKey: string;
  auth: { Authorization: string };
}

export async function createTenant(hub: TestHub, name = 'Acme'): Promise<TenantSession> {
  const response = await hub.http
    .post('/v1/tenants')
    .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
    .send({ name })
    .expect(201);
  const body = response.body as { tenant: { id: string }; apiKey: { key: string } };
  return {
    tenantId: body.tenant.id,
    apiKey: body.apiKey.key,
    auth: { Authorization: `Bearer ${body.apiKey.key}` },
  };
}
