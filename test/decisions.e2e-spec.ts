import type { MarketplaceSandbox } from '../adapters/contract';
import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { WoocommerceSandbox } from '../adapters/woocommerce/woocommerce.sandbox';
import { connectSandbox } from './support/sandbox-connections';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TicketBody {
  id: string;
  externalId: string;
  stage: string;
  refundedAmount: { amount: string; currency: string } | null;
}

interface ActionBody {
  id: string;
  status: string;
  upstream: { error: string | null };
}

/** A decision is made once per case state, not once per ticket for ever. */
describe('decisions: one per ticket, kind and case state', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  // A Taobao (C) shop: Tmall refusals need a proof image, which the hub does not send.
  const taobao = new TaobaoSandbox('taobao');
  const woo = new WoocommerceSandbox();
  const connections = new Map<string, string>();

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    for (const sandbox of [taobao, woo] as MarketplaceSandbox[]) {
      await sandbox.start();
      connections.set(sandbox.platform, await connectSandbox(hub, tenant, sandbox));
    }
  });

  afterAll(async () => {
    await hub.close();
    for (const sandbox of [taobao, woo]) await sandbox.stop();
  });

  const pulled = (sandbox: MarketplaceSandbox, externalId: string, check: (ticket: TicketBody) => boolean) =>
    eventually(
      async () => {
        const connectionId = connections.get(sandbox.platform) ?? '';
        await hub.http.post(`/v1/connections/${connectionId}/sync`).set(tenant.auth).expect(202);
        const list = await hub.http
          .get('/v1/tickets')
          .query({ connectionId, q: externalId })
          .set(tenant.auth)
          .expect(200);
        const ticket = (list.body.data as TicketBody[]).find((row) => row.externalId === externalId);
        return ticket && check(ticket) ? ticket : undefined;
      },
      45_000,
      `${sandbox.platform} case ${externalId}`,
    );

  const decide = async (ticketId: string, body: Record<string, unknown>): Promise<ActionBody> => {
    const requested = await hub.http
      .post(`/v1/tickets/${ticketId}/actions`)
      .set(tenant.auth)
      .send(body)
      .expect(202);
    return eventually(
      async () => {
        const action = await hub.http.get(`/v1/actions/${requested.body.id}`).set(tenant.auth).expect(200);
        return ['succeeded', 'failed'].includes(action.body.status) ? (action.body as ActionBody) : undefined;
      },
      45_000,
      `action ${requested.body.id}`,
    );
  };

  it('Taobao: after a refusal the buyer re-applies on the same refund id, and the hub can approve it', async () => {
    const [refundId] = await taobao.generateCases(1);
    // TOP refuses no refusal of a seven-day no-reason return; this buyer names a quality problem.
    taobao.modifyRefund(refundId, { reason: '质量问题' });
    const ticket = await pulled(taobao, refundId, (row) => row.stage === 'requested');
    const refused = await decide(ticket.id, { type: 'refuse_refund', reason: '商品已签收且无质量问题' });
    expect(refused.status).toBe('succeeded');
    await pulled(taobao, refundId, (row) => row.stage === 'refused');
    // The same refusal on the same state of the case is still one decision.
    const again = await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(tenant.auth)
      .send({ type: 'approve_refund' })
      .expect(422);
    expect(again.body.message).toContain('refused');

    expect(taobao.buyerReapplies(refundId)).toBe(true);
    await pulled(taobao, refundId, (row) => row.stage === 'requested');
    const approved = await decide(ticket.id, { type: 'approve_refund' });
    expect(approved).toMatchObject({ status: 'succeeded', upstream: { error: null } });
    expect(taobao.caseState(refundId)?.status).toBe('SUCCESS');
  });

  it('Taobao: two approvals of one state of the case make one decision (409 for the second)', async () => {
    const [refundId] = await taobao.generateCases(1);
    const ticket = await pulled(taobao, refundId, (row) => row.stage === 'requested');
    const first = await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(tenant.auth)
      .send({ type: 'approve_refund' });
    const second = await hub.http
      .post(`/v1/tickets/${ticket.id}/actions`)
      .set(tenant.auth)
      .send({ type: 'approve_refund' });
    expect([first.status, second.status].sort()).toEqual([202, 409]);
  });

  it('WooCommerce: a second partial refund on an order is its own decision', async () => {
    const [orderId] = await woo.generateCases(1);
    const ticket = await pulled(woo, orderId, (row) => row.refundedAmount !== null);
    const before = Number(ticket.refundedAmount?.amount);
    const first = await decide(ticket.id, { type: 'approve_refund', amount: '1.00' });
    expect(first.status).toBe('succeeded');
    const second = await decide(ticket.id, { type: 'approve_refund', amount: '1.00' });
    expect(second).toMatchObject({ status: 'succeeded', upstream: { error: null } });
    const after = await pulled(woo, orderId, (row) => Number(row.refundedAmount?.amount) >= before + 2);
    expect(Number(after.refundedAmount?.amount)).toBeCloseTo(before + 2, 2);
    expect(woo.caseState(orderId)?.refundDetails).toHaveLength(3);
  });
});
