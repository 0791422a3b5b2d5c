import type { MarketplaceSandbox } from '../adapters/contract';
import { PinduoduoSandbox } from '../adapters/pinduoduo/pinduoduo.sandbox';
import { ShopifySandbox } from '../adapters/shopify/shopify.sandbox';
import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { connectSandbox } from './support/sandbox-connections';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TicketBody {
  id: string;
  externalId: string;
  stage: string;
}

interface ActionBody {
  id: string;
  status: string;
  attempts: number;
  upstream: { response: unknown; error: string | null; errorCode: string | null };
}

/** Push-back through the public API against the Taobao, Pinduoduo and Shopify sandboxes. */
describe('actions: decisions pushed back to the marketplace exactly once', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let agentA: { Authorization: string };
  let agentB: { Authorization: string };
  // A Taobao (C) shop: one upstream call per decision. Tmall's review-then-agree runs in the marketplaces spec.
  const taobao = new TaobaoSandbox('taobao');
  const pdd = new PinduoduoSandbox();
  const shopify = new ShopifySandbox();
  const connections = new Map<string, string>();

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    for (const role of ['agent', 'agent']) {
      const key = await hub.http.post('/v1/api-keys').set(tenant.auth).send({ role }).expect(201);
      const auth = { Authorization: `Bearer ${key.body.key}` };
      if (agentA) agentB = auth;
      else agentA = auth;
    }
    for (const sandbox of [taobao, pdd, shopify] as MarketplaceSandbox[]) {
      await sandbox.start();
      connections.set(sandbox.platform, await connectSandbox(hub, tenant, sandbox));
    }
  });

  afterAll(async () => {
    await hub.close();
    for (const sandbox of [taobao, pdd, shopify]) await sandbox.stop();
  });

  /** New cases on the sandbox, pulled into the inbox; returns the tickets in the wanted stage. */
  const ticketsIn = async (
    sandbox: MarketplaceSandbox,
    stage: string,
    atLeast = 1,
    kind?: string,
  ): Promise<TicketBody[]> => {
    const connectionId = connections.get(sandbox.platform) ?? '';
    const created = await sandbox.generateCases(12);
    return eventually(
      async () => {
        await hub.http.post(`/v1/connections/${connectionId}/sync`).set(tenant.auth).expect(202);
        const list = await hub.http
          .get('/v1/tickets')
          .query({ connectionId, stage, limit: 200, ...(kind ? { kind } : {}) })
          .set(tenant.auth)
          .expect(200);
        const found = (list.body.data as TicketBody[]).filter((ticket) =>
          created.includes(ticket.externalId),
        );
        return found.length >= atLeast ? found : undefined;
      },
      45_000,
      `${sandbox.platform} tickets in ${stage}`,
    );
  };

  const settled = (actionId: string, timeoutMs = 45_000): Promise<ActionBody> =>
    eventually(
      async () => {
        const action = await hub.http.get(`/v1/actions/${actionId}`).set(tenant.auth).expect(200);
        return action.body.status === 'succeeded' || action.body.status === 'failed'
          ? (action.body as ActionBody)
          : undefined;
      },
      timeoutMs,
      `action ${actionId}`,
    );

  const upstreamCalls = (sandbox: MarketplaceSandbox, method: string, externalId: string) =>
    sandbox
      .calls()
      .filter(
        (call) =>
          call.apiMethod === method &&
          call.body.includes(externalId) &&
          call.status === 200 &&
          (call.fault === null || call.fault === 'slow_response'),
      ).length;

  it('Taobao: approves a refund upstream, and the ticket follows', async () => {
    const [ticket] = await ticketsIn(taobao, 'requested');
    const requested = await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(agentA)
      .send({ type: 'approve_refund' })
      .expect(202);
    expect(requested.body.status).toBe('pending');
    const action = await settled(requested.body.id);
    expect(action.status).toBe('succeeded');
    expect(upstreamCalls(taobao, 'taobao.rp.refunds.agree', ticket.externalId)).toBe(1);
    const after = await hub.http.get(`/v1/tickets/${ticket.id}`).set(agentA).expect(200);
    expect(['refunding', 'refunded']).toContain(after.body.stage);
    expect(after.body.sla.firstRespondedAt).not.toBeNull();
    expect(after.body.actions).toEqual([expect.objectContaining({ id: action.id, status: 'succeeded' })]);
  });

  it('Taobao: the same Idempotency-Key returns the same action, and two agents deciding at once make one call', async () => {
    const [first, second] = await ticketsIn(taobao, 'requested', 2);
    const key = `approve-${first.id}`;
    const one = await hub.http
      .post(`/v1/tickets/${first.id}/actions`)
      .set(agentA)
      .set('Idempotency-Key', key)
      .send({ type: 'approve_refund' })
      .expect(202);
    const again = await hub.http
      .post(`/v1/tickets/${first.id}/actions`)
      .set(agentA)
      .set('Idempotency-Key', key)
      .send({ type: 'approve_refund' })
      .expect(202);
    expect(again.body.id).toBe(one.body.id);

    const racing = await Promise.all([
      hub.http.post(`/v1/tickets/${second.id}/actions`).set(agentA).send({ type: 'approve_refund' }),
      // Both approve: a refusal of a seven-day no-reason return is refused by the hub without a call.
      hub.http.post(`/v1/tickets/${second.id}/actions`).set(agentB).send({ type: 'approve_refund' }),
    ]);
    expect(racing.map((response) => response.status).sort()).toEqual([202, 409]);
    const loser = racing.find((response) => response.status === 409);
    expect(loser?.body.message).toContain('already has a');

    await settled(one.body.id);
    await settled((racing.find((response) => response.status === 202)?.body as ActionBody).id);
    expect(upstreamCalls(taobao, 'taobao.rp.refunds.agree', first.externalId)).toBe(1);
    const secondCalls =
      upstreamCalls(taobao, 'taobao.rp.refunds.agree', second.externalId) +
      upstreamCalls(taobao, 'taobao.refund.refuse', second.externalId);
    expect(secondCalls).toBe(1);
  });

  it('Taobao: refuses a decision the stage forbids, or that the platform cannot take, with 422', async () => {
    const [ticket] = await ticketsIn(taobao, 'requested');
    await settled(
      (
        await hub.http
          .post(`/v1/tickets/${ticket.id}/actions`)
          .set(agentA)
          .send({ type: 'approve_refund' })
          .expect(202)
      ).body.id,
    );
    const forbidden = await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(agentA)
      .send({ type: 'approve_return' })
      .expect(422);
    expect(forbidden.body.message).toMatch(/possible only when|already/);
    const unsupported = await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(agentA)
      .send({ type: 'confirm_return_received' })
      .expect(422);
    expect(unsupported.body.message).toContain('cannot confirm return received');
    const missing = await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(agentA)
      .send({ type: 'refuse_refund' })
      .expect(400);
    expect(missing.body.details[0].field).toBe('reason');
  });

  it('Pinduoduo: retries through throttling and server errors, then approves the return once', async () => {
    // A return can be approved only where the buyer asked to send the goods back.
    const [ticket] = await ticketsIn(pdd, 'requested', 1, 'return_refund');
    // Aimed at the agree itself: the hub's other calls to the sandbox (pulls, order reads) do not take them.
    pdd.injectFault({ kind: 'throttle', times: 2, apiMethod: 'pdd.refund.returngoods.agree' });
    pdd.injectFault({ kind: 'server_error', times: 1, apiMethod: 'pdd.refund.returngoods.agree' });
    const requested = await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(agentA)
      .send({ type: 'approve_return' })
      .expect(202);
    const action = await settled(requested.body.id, 90_000);
    expect(action).toMatchObject({ status: 'succeeded', upstream: { error: null } });
    expect(action.attempts).toBeGreaterThanOrEqual(2);
    expect(upstreamCalls(pdd, 'pdd.refund.returngoods.agree', ticket.externalId)).toBe(1);
    const after = await hub.http.get(`/v1/tickets/${ticket.id}`).set(agentA).expect(200);
    expect(after.body.stage).toBe('awaiting_return');
  }, 120_000);

  it('Shopify: declines one return and approves another', async () => {
    const [declined, approved] = await ticketsIn(shopify, 'requested', 2);
    const refuse = await hub.http
      .post(`/v1/tickets/${declined.id}/actions`)
      .set(agentA)
      .send({ type: 'refuse_return', reason: 'Outside the return window', reasonCode: 'RETURN_PERIOD_ENDED' })
      .expect(202);
    const approve = await hub.http
      .post(`/v1/tickets/${approved.id}/actions`)
      .set(agentA)
      .send({ type: 'approve_return' })
      .expect(202);
    expect((await settled(refuse.body.id)).status).toBe('succeeded');
    expect((await settled(approve.body.id)).status).toBe('succeeded');
    expect((await hub.http.get(`/v1/tickets/${declined.id}`).set(agentA)).body.stage).toBe('refused');
    expect((await hub.http.get(`/v1/tickets/${approved.id}`).set(agentA)).body.stage).toBe('awaiting_return');
  });

  it('performs a decision once when the worker is killed while the platform is answering', async () => {
    const [ticket] = await ticketsIn(taobao, 'requested');
    // The platform applies the agree, then takes 30 s to answer; the hub dies before it hears back.
    taobao.injectFault({ kind: 'slow_response', times: 1, delayMs: 30_000 });
    const requested = await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(agentA)
      .send({ type: 'approve_refund' })
      .expect(202);
    await eventually(async () =>
      taobao
        .calls()
        .some(
          (call) => call.apiMethod === 'taobao.rp.refunds.agree' && call.body.includes(ticket.externalId),
        ),
    );
    await hub.kill();
    taobao.clearFaults();
    await hub.boot();
    const action = await settled(requested.body.id, 90_000);
    expect(action.status).toBe('succeeded');
    expect(action.upstream.response).toMatchObject({ recovered: true });
    expect(upstreamCalls(taobao, 'taobao.rp.refunds.agree', ticket.externalId)).toBe(1);
  }, 150_000);
});
