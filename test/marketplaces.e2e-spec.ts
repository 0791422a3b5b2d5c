import type { ActionType, MarketplaceSandbox, TicketStage } from '../adapters/contract';
import type { JdSandbox } from '../adapters/jd/jd.sandbox';
import type { PinduoduoSandbox } from '../adapters/pinduoduo/pinduoduo.sandbox';
import { DouyinSandbox } from '../adapters/douyin/douyin.sandbox';
import { SANDBOX_SMS_THRESHOLD_FEN, TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { createSandboxes } from '../adapters/sandboxes';
import { STAGES_AFTER } from '../src/actions/action-rules';
import { ADMIN_TOKEN, createTenant, eventually, TestHub, type TenantSession } from './support/test-app';
import { AppRefusalWatch, subscribedReceiver } from './support/app-refusal';

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
      // Only a platform that pushes to a URL per connection hands one out (JD pulls; Taobao and Pinduoduo push per app).
      expect(created.body.webhookUrl).toBe(
        platforms.get(sandbox.platform)?.push === 'webhook'
          ? `${hub.url}/v1/webhooks/${sandbox.platform}/${created.body.id}`
          : null,
      );
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
    const receiver = await subscribedReceiver(hub, tenant, ['action.needs_verification']);
    try {
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

  it('brings a Pinduoduo case to its ticket over the app’s message socket, acknowledged once stored', async () => {
    const pdd = sandboxes.find((sandbox) => sandbox.platform === 'pinduoduo') as PinduoduoSandbox;
    await eventually(
      async () =>
        pdd.messages.openSockets() === 1 && pdd.messages.messageLog().heartbeats > 0 ? true : undefined,
      30_000,
      'the hub on the PDD message socket',
    );
    const [id] = await pdd.generateCases(1);
    await eventually(
      async () =>
        (await tickets('pinduoduo')).some((ticket) => ticket.externalId === id) ? true : undefined,
      30_000,
      'the pushed Pinduoduo case on its ticket',
    );
    await eventually(
      async () => (pdd.messages.pendingIds().length === 0 ? true : undefined),
      30_000,
      'its message acknowledged',
    );
    expect(pdd.messages.messageLog().acks.length).toBeGreaterThan(0);
    expect(pdd.messages.messageLog().strayAcks).toEqual([]);
  });
});

/**
 * Several shops on one developer app: Taobao TMC is one queue per app key for every seller, Douyin has one
 * push URL per app. Each shop's cases land on its own connection; a shop with no connection here is kept aside.
 */
describe('marketplaces: many shops on one app', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  const taobao = new TaobaoSandbox();
  const douyin = new DouyinSandbox();
  const connectionIds = new Map<string, string>();
  let douyinAppUrl = '';

  const connect = async (
    key: string,
    body: { platform: string; shopId: string; credentials: Record<string, string>; apiBaseUrl: string },
    session: TenantSession = tenant,
  ) => {
    const created = await hub.http
      .post('/v1/connections')
      .set(session.auth)
      // No pull for a day after the first one: whatever arrives later arrives through the app's channel.
      .send({ name: `${key}`, pollIntervalSeconds: 86_400, ...body })
      .expect(201);
    connectionIds.set(key, created.body.id);
    return created.body as { id: string; webhookUrl: string | null; appWebhookUrl: string | null };
  };

  const externalIds = async (key: string): Promise<string[]> => {
    const page = await hub.http
      .get('/v1/tickets')
      .query({ connectionId: connectionIds.get(key) ?? '', limit: 200 })
      .set(tenant.auth)
      .expect(200);
    return (page.body.data as TicketBody[]).map((ticket) => ticket.externalId);
  };

  const inbox = (key: string, expected: string[], what: string) =>
    eventually(
      async () => {
        const ids = await externalIds(key);
        return expected.every((id) => ids.includes(id)) ? ids : undefined;
      },
      30_000,
      what,
    );

  beforeAll(async () => {
    hub = await TestHub.start({
      HUB_SCHEDULER_INTERVAL_MS: '500',
      HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
      // The consumers say which process took which app.
      LOG_LEVEL: 'log',
    });
    tenant = await createTenant(hub, 'Many shops');
    await taobao.start();
    await douyin.start();
    const shop = (
      sandbox: TaobaoSandbox | DouyinSandbox,
      shopId: string,
      credentials = sandbox.credentials,
    ) => ({
      platform: sandbox.platform,
      shopId,
      credentials,
      apiBaseUrl: sandbox.url,
    });
    await connect('taobao-flagship', shop(taobao, taobao.shopId));
    const outlet = taobao.addShop('第二家小店');
    // Taobao shops may be named by the seller's numeric user_id as well as by the nick.
    await connect('taobao-outlet', shop(taobao, outlet.userId, outlet.credentials));
    const first = await connect('douyin-first', shop(douyin, douyin.shopId));
    const second = douyin.addShop('5550002');
    await connect('douyin-second', shop(douyin, second.shopId, second.credentials));
    expect(first.appWebhookUrl).toBe(`${hub.url}/v1/webhooks/douyin/apps/${douyin.credentials.appKey}`);
    expect(first.webhookUrl).toBe(`${hub.url}/v1/webhooks/douyin/${first.id}`);
    douyinAppUrl = first.appWebhookUrl ?? '';
    douyin.setPushTarget({ url: douyinAppUrl });
  }, 120_000);

  afterAll(async () => {
    await hub.close();
    await taobao.stop();
    await douyin.stop();
  });

  it('consumes Taobao TMC once per app key, each seller to its own connection, within seconds and without a pull', async () => {
    const stranger = taobao.addShop('没有连接的店');
    await eventually(async () => taobao.pendingMessageIds().length === 0, 30_000, 'the TMC queue drained');
    const latencies: number[] = [];
    const flagshipIds: string[] = [];
    const outletIds: string[] = [];
    for (let round = 0; round < 5; round += 1) {
      const started = Date.now();
      const [own] = taobao.generateCasesFor(taobao.shopId, 1);
      const [theirs] = taobao.generateCasesFor('第二家小店', 1);
      flagshipIds.push(own);
      outletIds.push(theirs);
      await inbox('taobao-flagship', [own], 'the flagship case in the inbox');
      latencies.push(Date.now() - started);
      await inbox('taobao-outlet', [theirs], 'the outlet case in the inbox');
    }
    const [lost] = taobao.generateCasesFor(stranger.shopId, 1);
    latencies.sort((a, b) => a - b);
    process.stdout.write(`TMC push → ticket: p50 ${latencies[2]} ms, max ${latencies[4]} ms\n`);
    // Each shop's cases on its own connection, none under the other.
    const flagship = await externalIds('taobao-flagship');
    const outlet = await externalIds('taobao-outlet');
    expect(flagship.filter((id) => outletIds.includes(id))).toEqual([]);
    expect(outlet.filter((id) => flagshipIds.includes(id))).toEqual([]);
    // The seller with no connection: kept aside, visible to the admin and the operator, confirmed upstream.
    const waiting = await eventually(
      async () => {
        const page = await hub.http
          .get('/v1/unroutable-messages')
          .query({ platform: 'taobao', status: 'waiting' })
          .set(tenant.auth)
          .expect(200);
        const data = page.body.data as { externalId: string; shopKeys: string[] }[];
        return data.some((item) => item.externalId === lost) ? data : undefined;
      },
      30_000,
      'the stranger message listed as unroutable',
    );
    expect(waiting.find((item) => item.externalId === lost)?.shopKeys).toEqual([
      stranger.userId,
      '没有连接的店',
    ]);
    await eventually(async () => taobao.pendingMessageIds().length === 0, 30_000, 'every message confirmed');
    const operator = await hub.http
      .get('/v1/operator/unroutable-messages')
      .query({ limit: 1 })
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .expect(200);
    expect(operator.body.data).toHaveLength(1);
    // TMC belongs to the app: consumed and confirmed without any seller's session.
    const tmc = taobao.calls().filter((call) => call.apiMethod?.startsWith('taobao.tmc.'));
    expect(tmc.length).toBeGreaterThan(0);
    expect(tmc.every((call) => !new URLSearchParams(call.body).has('session'))).toBe(true);
    // A connection for that seller, created later, takes in what waited for it.
    await connect('taobao-stranger', {
      platform: 'taobao',
      shopId: stranger.shopId,
      credentials: stranger.credentials,
      apiBaseUrl: taobao.url,
    });
    await inbox('taobao-stranger', [lost], 'the waiting case attached to the new connection');
    const attached = await hub.http
      .get('/v1/unroutable-messages')
      .query({ status: 'attached' })
      .set(tenant.auth)
      .expect(200);
    expect(attached.body.data[0]).toMatchObject({
      externalId: lost,
      attachedConnectionId: connectionIds.get('taobao-stranger'),
    });
  }, 180_000);

  it('lets one worker process consume an app at a time, and another take over when it stops', async () => {
    const consuming = `consuming taobao app ${taobao.credentials.appKey} `;
    const count = (logs: string) => logs.split(consuming).length - 1;
    const worker = await hub.sibling({ HUB_ROLE: 'worker', LOG_LEVEL: 'log' });
    try {
      // Several discovery rounds of both processes: the app stays with the one that took it first.
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      expect([count(hub.logs()), count(worker.logs())]).toEqual([1, 0]);
      // The first process stops (its lease released on the way out); the worker takes the app over.
      await hub.restart({ HUB_ROLE: 'api' });
      await eventually(async () => count(worker.logs()) === 1, 30_000, 'the worker to take the app over');
      const [id] = taobao.generateCasesFor(taobao.shopId, 1);
      await inbox('taobao-flagship', [id], 'a case consumed by the worker');
      expect(count(hub.logs())).toBe(1);
    } finally {
      await worker.stop();
      await hub.restart({ HUB_ROLE: 'all' });
    }
  }, 120_000);

  it('takes Douyin pushes at one URL per app, routed by shop_id; the per-connection URL still works', async () => {
    const mine = await douyin.generateCasesFor(douyin.shopId, 2);
    const theirs = await douyin.generateCasesFor('5550002', 2);
    await inbox('douyin-first', mine, 'the first shop cases');
    await inbox('douyin-second', theirs, 'the second shop cases');
    expect((await externalIds('douyin-first')).filter((id) => theirs.includes(id))).toEqual([]);
    expect((await externalIds('douyin-second')).filter((id) => mine.includes(id))).toEqual([]);
    // A shop of the app with no connection here: acknowledged, kept aside.
    douyin.addShop('5550003');
    const [lost] = await douyin.generateCasesFor('5550003', 1);
    await eventually(
      async () => {
        const page = await hub.http
          .get('/v1/unroutable-messages')
          .query({ platform: 'douyin', shop: '5550003' })
          .set(tenant.auth)
          .expect(200);
        return (page.body.data as { externalId: string }[]).some((item) => item.externalId === lost)
          ? true
          : undefined;
      },
      30_000,
      'the Douyin message of an unconnected shop listed',
    );
    // Signed with another secret, or for an app nobody connected: the same 401.
    const body = '[]';
    await hub.http
      .post(new URL(douyinAppUrl).pathname)
      .set('content-type', 'application/json')
      .set('event-sign', 'b'.repeat(32))
      .send(body)
      .expect(401);
    await hub.http
      .post('/v1/webhooks/douyin/apps/123')
      .set('content-type', 'application/json')
      .set('event-sign', 'b'.repeat(32))
      .send(body)
      .expect(401);
    // The per-connection URL keeps working; Douyin sends it every shop of the app, each routed by its shop_id.
    douyin.setPushTarget({ url: `${hub.url}/v1/webhooks/douyin/${connectionIds.get('douyin-first')}` });
    const [direct] = await douyin.generateCasesFor(douyin.shopId, 1);
    const [other] = await douyin.generateCasesFor('5550002', 1);
    await inbox('douyin-first', [direct], 'a case pushed to the per-connection URL');
    await inbox('douyin-second', [other], "another shop's case pushed to the first shop's URL");
    expect(await externalIds('douyin-first')).not.toContain(other);
    douyin.setPushTarget({ url: douyinAppUrl });
  }, 120_000);

  it('sets every connection of a Taobao app to error once when TMC refuses its secret, and back once accepted', async () => {
    const ids = ['taobao-flagship', 'taobao-outlet', 'taobao-stranger'].map(
      (key) => connectionIds.get(key) ?? '',
    );
    const watch = await AppRefusalWatch.start(hub, tenant, ids);
    try {
      const consumes = () =>
        taobao.calls().filter((call) => call.apiMethod === 'taobao.tmc.messages.consume').length;
      const secret = taobao.credentials.appSecret;
      taobao.resetAppSecret('reset-in-the-console');
      const refusedFrom = consumes();
      for (const row of await watch.allInError()) expect(row.sync.lastError).toMatch(/^AUTH: /);
      // The loop keeps asking (slowly); the connections cross to error once, so once each is told.
      await eventually(async () => (consumes() >= refusedFrom + 2 ? true : undefined), 30_000, 'a retry');
      expect(await watch.failedOncePerConnection()).toEqual([...ids].sort());

      taobao.resetAppSecret(secret);
      await watch.allActive(60_000);
      const [id] = taobao.generateCasesFor(taobao.shopId, 1);
      await inbox('taobao-flagship', [id], 'a case consumed after the secret is back');
      expect(watch.failed()).toHaveLength(ids.length);
    } finally {
      await watch.stop();
    }
  }, 150_000);

  it('shows a tenant no unroutable message of an app whose secret it does not hold', async () => {
    const intruder = await createTenant(hub, 'Intruder');
    await connect(
      'intruder-douyin',
      {
        platform: 'douyin',
        shopId: '5550003',
        credentials: { ...douyin.credentials, appSecret: 'not-the-secret' },
        apiBaseUrl: douyin.url,
      },
      intruder,
    );
    const page = await hub.http.get('/v1/unroutable-messages').set(intruder.auth).expect(200);
    expect(page.body.data).toEqual([]);
    // Nor did the intruder's connection take the waiting message of that shop.
    const events = await hub.http
      .get(`/v1/connections/${connectionIds.get('intruder-douyin')}/events`)
      .set(intruder.auth)
      .expect(200);
    expect(events.body.data).toEqual([]);
  });
});
