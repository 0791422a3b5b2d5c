import type { ActionType, MarketplaceSandbox, TicketStage } from '../adapters/contract';
import type { JdSandbox } from '../adapters/jd/jd.sandbox';
import { SANDBOX_SMS_THRESHOLD_FEN, type TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { createSandboxes } from '../adapters/sandboxes';
import { STAGES_AFTER } from '../src/actions/action-rules';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';
import { WebhookReceiver } from './support/webhook-receiver';

interface TicketBody {
  id: string;
  externalId: string;
  stage: TicketStage;
  platform: string;
  version: number;
}

interface PlatformBody {
  platform: string;
  push: string;
  pull: boolean;
  actions: ActionType[];
  actionStages: Partial<Record<ActionType, TicketStage[]>>;
}

const CASES = 8;

/** Every marketplace adapter against its own sandbox, all at once, through the public API only. */
describe('marketplaces: every adapter against its sandbox', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let platforms: Map<string, PlatformBody>;
  const sandboxes = createSandboxes().filter((sandbox) => sandbox.platform !== 'generic');
  const connections = new Map<string, string>();

  beforeAll(async () => {
    hub = await TestHub.start({ HUB_SCHEDULER_INTERVAL_MS: '1000', HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true' });
    tenant = await createTenant(hub);
    const listed = await hub.http.get('/v1/platforms').set(tenant.auth).expect(200);
    platforms = new Map(
      (listed.body.data as PlatformBody[]).map((platform) => [platform.platform, platform]),
    );
    for (const sandbox of sandboxes) {
      await sandbox.start();
      const created = await hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send({
          platform: sandbox.platform,
          name: `${sandbox.platform} sandbox`,
          shopId: sandbox.shopId,
          credentials: sandbox.credentials,
          apiBaseUrl: sandbox.url,
          pollIntervalSeconds: 10,
        })
        .expect(201);
      connections.set(sandbox.platform, created.body.id);
      if (platforms.get(sandbox.platform)?.push === 'webhook')
        sandbox.setPushTarget({ url: created.body.webhookUrl });
    }
  });

  afterAll(async () => {
    await hub.close();
    for (const sandbox of sandboxes) await sandbox.stop();
  });

  const tickets = async (platform: string): Promise<TicketBody[]> => {
    const all: TicketBody[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = {
        connectionId: connections.get(platform) ?? '',
        limit: 200,
      };
      if (cursor) query.cursor = cursor;
      const page = await hub.http.get('/v1/tickets').query(query).set(tenant.auth).expect(200);
      all.push(...(page.body.data as TicketBody[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    return all;
  };

  const syncAndWait = async (sandbox: MarketplaceSandbox, expected: string[]) => {
    const id = connections.get(sandbox.platform) ?? '';
    return eventually(
      async () => {
        if (platforms.get(sandbox.platform)?.pull)
          await hub.http.post(`/v1/connections/${id}/sync`).set(tenant.auth).expect(202);
        const seen = await tickets(sandbox.platform);
        const ids = new Set(seen.map((ticket) => ticket.externalId));
        return expected.every((externalId) => ids.has(externalId)) ? seen : undefined;
      },
      60_000,
      `${sandbox.platform} cases in the inbox`,
    );
  };

  it('fills the inbox from every platform, with duplicated and reordered pushes and throttled, failing gateways, without duplicates', async () => {
    await Promise.all(
      sandboxes.map(async (sandbox) => {
        sandbox.injectFault({ kind: 'duplicate_pushes', ratio: 0.3 });
        sandbox.injectFault({ kind: 'reorder_pushes', ratio: 0.3 });
        sandbox.injectFault({ kind: 'throttle', times: 1 });
        sandbox.injectFault({ kind: 'server_error', times: 1 });
        const created = await sandbox.generateCases(CASES);
        const seen = await syncAndWait(sandbox, created);
        expect(new Set(seen.map((ticket) => ticket.externalId)).size).toBe(seen.length);
        expect(seen.every((ticket) => ticket.platform === sandbox.platform)).toBe(true);
        sandbox.clearFaults();
      }),
    );
    const health = await hub.http.get('/health/ready').expect(200);
    expect(health.body.status).toBe('ok');
  }, 180_000);

  it('follows cases as they move upstream', async () => {
    for (const sandbox of sandboxes) {
      const before = new Map(
        (await tickets(sandbox.platform)).map((ticket) => [ticket.externalId, ticket.version]),
      );
      const moved = await sandbox.advanceCases(2);
      if (moved.length === 0) continue;
      const id = connections.get(sandbox.platform) ?? '';
      await eventually(
        async () => {
          if (platforms.get(sandbox.platform)?.pull)
            await hub.http.post(`/v1/connections/${id}/sync`).set(tenant.auth).expect(202);
          const seen = await tickets(sandbox.platform);
          const changed = seen.filter(
            (ticket) =>
              moved.includes(ticket.externalId) && ticket.version > (before.get(ticket.externalId) ?? 0),
          );
          return changed.length === moved.length;
        },
        60_000,
        `${sandbox.platform} upstream changes`,
      );
      const seen = await tickets(sandbox.platform);
      expect(new Set(seen.map((ticket) => ticket.externalId)).size).toBe(seen.length);
    }
  }, 180_000);

  /** Requests a decision as an agent would and waits for its outcome upstream. */
  const decide = async (ticketId: string, type: ActionType) => {
    const body: Record<string, unknown> = { type };
    if (type.startsWith('refuse')) Object.assign(body, { reason: '商品已影响二次销售', reasonCode: '1' });
    if (type === 'approve_return') {
      // Numeric area ids and a saved address id, which JD, Taobao and PDD want instead of free text.
      body.returnAddress = {
        name: '仓库',
        phone: '13800000000',
        address: '浦东新区张江路 1 号',
        province: '2',
        city: '2830',
        district: '51800',
        externalAddressId: '1',
      };
    }
    const requested = await hub.http.post(`/v1/tickets/${ticketId}/actions`).set(tenant.auth).send(body);
    if (requested.status !== 202)
      return { status: 'refused', message: requested.body.message as string, upstream: undefined };
    return eventually(
      async () => {
        const current = await hub.http.get(`/v1/actions/${requested.body.id}`).set(tenant.auth).expect(200);
        return current.body.status === 'succeeded' || current.body.status === 'failed'
          ? current.body
          : undefined;
      },
      45_000,
      `${type} on ${ticketId}`,
    );
  };

  it('performs a decision upstream on every platform that can take one, and the ticket follows', async () => {
    for (const sandbox of sandboxes) {
      const platform = platforms.get(sandbox.platform);
      if (!platform) throw new Error(`${sandbox.platform} is not registered`);
      // Fresh cases, so the decision does not depend on where earlier tests left the others.
      const fresh = await sandbox.generateCases(3);
      const seen = (await syncAndWait(sandbox, fresh)).filter((ticket) => fresh.includes(ticket.externalId));
      const decisions = platform.actions.filter((type) => STAGES_AFTER[type] !== null);
      const failures: string[] = [];
      let done = false;
      for (const ticket of seen) {
        for (const type of decisions.filter(
          (candidate) => platform.actionStages[candidate]?.includes(ticket.stage) ?? true,
        )) {
          const action = await decide(ticket.id, type);
          if (action.status !== 'succeeded') {
            failures.push(`${type} from ${ticket.stage}: ${action.upstream?.error ?? action.message}`);
            continue;
          }
          const after = await hub.http.get(`/v1/tickets/${ticket.id}`).set(tenant.auth).expect(200);
          expect([sandbox.platform, type, STAGES_AFTER[type]?.includes(after.body.stage)]).toEqual([
            sandbox.platform,
            type,
            true,
          ]);
          expect(after.body.timeline.map((entry: { type: string }) => entry.type)).toEqual(
            expect.arrayContaining(['action.requested', 'action.succeeded']),
          );
          done = true;
          break;
        }
        if (done) break;
      }
      expect([sandbox.platform, done, done ? [] : failures]).toEqual([
        sandbox.platform,
        platform.actions.length > 0,
        [],
      ]);
    }
  }, 180_000);

  it('keeps a case it cannot map as a failed event, takes in the rest of the page, and brings it in on retry', async () => {
    const jd = sandboxes.find((sandbox) => sandbox.platform === 'jd') as JdSandbox;
    const id = connections.get('jd') ?? '';
    const created = await jd.generateCases(8);
    const odd = created.find((externalId) => externalId.startsWith('RA-'))!;
    jd.setApplyStatus(odd, 42);
    await syncAndWait(
      jd,
      created.filter((externalId) => externalId !== odd),
    );
    const failed = await eventually(
      async () => {
        const listed = await hub.http
          .get(`/v1/connections/${id}/events`)
          .query({ status: 'failed' })
          .set(tenant.auth)
          .expect(200);
        return (listed.body.data as { id: string; externalId: string; error: string }[]).find(
          (event) => event.externalId === odd,
        );
      },
      30_000,
      'the unmapped JD refund application among failed events',
    );
    expect(failed.error).toBe('unknown JD refund application status 42');
    expect((await tickets('jd')).some((ticket) => ticket.externalId === odd)).toBe(false);
    jd.setApplyStatus(odd, 3);
    await hub.http.post(`/v1/connections/${id}/events/${failed.id}/retry`).set(tenant.auth).expect(202);
    await eventually(
      async () => {
        const listed = await hub.http.get(`/v1/connections/${id}/events`).set(tenant.auth).expect(200);
        const event = (listed.body.data as { id: string; status: string }[]).find((e) => e.id === failed.id);
        return event?.status === 'processed' ? event : undefined;
      },
      30_000,
      'the retried event processed',
    );
    const ticket = (await tickets('jd')).find((item) => item.externalId === odd);
    expect(ticket?.stage).toBe('refunded');
  }, 120_000);

  it('holds a large Taobao refund for the SMS code, tells subscribers, and completes it with the code', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    try {
      await hub.http
        .post('/v1/webhook-subscriptions')
        .set(tenant.auth)
        .send({ url: receiver.url, events: ['action.needs_verification'] })
        .expect(201);
      const taobao = sandboxes.find((sandbox) => sandbox.platform === 'taobao') as TaobaoSandbox;
      const [refundId] = await taobao.generateCases(1);
      taobao.modifyRefund(refundId, { refundFen: SANDBOX_SMS_THRESHOLD_FEN + 100 });
      const ticket = (await syncAndWait(taobao, [refundId])).find((item) => item.externalId === refundId)!;
      const requested = await hub.http
        .post(`/v1/tickets/${ticket.id}/actions`)
        .set(tenant.auth)
        .send({ type: 'approve_refund' })
        .expect(202);
      const actionId = requested.body.id as string;
      const actionWith = (message: RegExp) =>
        eventually(
          async () => {
            const current = await hub.http.get(`/v1/actions/${actionId}`).set(tenant.auth).expect(200);
            const held = current.body.status === 'needs_verification';
            return held && message.test(String(current.body.verification?.message))
              ? current.body
              : undefined;
          },
          30_000,
          `action ${actionId} held with ${String(message)}`,
        );
      await actionWith(/已向卖家手机发送短信验证码/);
      const told = await eventually(
        async () =>
          receiver.received.find(
            (hook) => hook.json.type === 'action.needs_verification' && hook.json.data.actionId === actionId,
          ),
        30_000,
        'the action.needs_verification webhook',
      );
      expect(told.json.data.message).toContain('短信验证码');
      await hub.http
        .post(`/v1/actions/${actionId}/verify`)
        .set(tenant.auth)
        .send({ code: '000000' })
        .expect(202);
      await actionWith(/验证码错误/);
      await hub.http
        .post(`/v1/actions/${actionId}/verify`)
        .set(tenant.auth)
        .send({ code: taobao.smsCodeFor(refundId) })
        .expect(202);
      const done = await eventually(
        async () => {
          const current = await hub.http.get(`/v1/actions/${actionId}`).set(tenant.auth).expect(200);
          return current.body.status === 'succeeded' ? current.body : undefined;
        },
        30_000,
        'the verified refund agreed',
      );
      expect(done.verification).toBeNull();
      expect(taobao.caseState(refundId)?.status).toBe('SUCCESS');
      await hub.http
        .post(`/v1/actions/${actionId}/verify`)
        .set(tenant.auth)
        .send({ code: '123456' })
        .expect(409);
    } finally {
      await receiver.stop();
    }
  }, 120_000);

  it('answers a text reply on Taobao with 422 and the reason', async () => {
    const taobao = sandboxes.find((sandbox) => sandbox.platform === 'taobao')!;
    const [refundId] = await taobao.generateCases(1);
    const ticket = (await syncAndWait(taobao, [refundId])).find((item) => item.externalId === refundId)!;
    const refused = await hub.http
      .post(`/v1/tickets/${ticket.id}/replies`)
      .set(tenant.auth)
      .send({ text: '您好，请补充商品破损照片' })
      .expect(422);
    expect(refused.body.message).toContain('requires a JPG/GIF/PNG');
  });

  it('sets a connection whose credentials the platform refuses to error, with the platform message', async () => {
    const jd = sandboxes.find((sandbox) => sandbox.platform === 'jd')!;
    const created = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({
        platform: 'jd',
        name: 'jd with a revoked secret',
        shopId: `${jd.shopId}-2`,
        credentials: { ...jd.credentials, appSecret: 'revoked' },
        apiBaseUrl: jd.url,
        pollIntervalSeconds: 3600,
      })
      .expect(201);
    await hub.http.post(`/v1/connections/${created.body.id}/sync`).set(tenant.auth).expect(202);
    const failed = await eventually(
      async () => {
        const current = await hub.http.get(`/v1/connections/${created.body.id}`).set(tenant.auth).expect(200);
        return current.body.status === 'error' ? current.body : undefined;
      },
      30_000,
      'the connection in error',
    );
    expect(JSON.stringify(failed)).toContain('JD error 12');
  });
});
