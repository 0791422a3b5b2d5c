import { PinduoduoSandbox } from '../adapters/pinduoduo/pinduoduo.sandbox';
import { ShopifySandbox } from '../adapters/shopify/shopify.sandbox';
import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { connectSandbox, pulledTicket } from './support/sandbox-connections';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TimelineEntry {
  type: string;
  data: Record<string, unknown>;
}

const DAY_MS = 86_400_000;

/** Fast refunds counted from the buyer's sign-for time: Taobao gives it through the order's trace, Pinduoduo on the order. */
describe('fast refunds counted from the delivery time the platform gives (Taobao, Pinduoduo, Shopify)', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  const taobao = new TaobaoSandbox();
  let connectionId: string;

  beforeAll(async () => {
    await taobao.start();
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    connectionId = await connectSandbox(hub, tenant, taobao);
  });

  afterAll(async () => {
    await hub.close();
    await taobao.stop();
  });

  const timelineOf = async (ticketId: string): Promise<TimelineEntry[]> =>
    (await hub.http.get(`/v1/tickets/${ticketId}`).set(tenant.auth).expect(200)).body.timeline;

  const setPolicy = async (changes: Record<string, unknown>) => {
    const current = await hub.http.get('/v1/policies/auto-refund').set(tenant.auth).expect(200);
    const { source: _source, updatedAt: _updatedAt, ...policy } = current.body as Record<string, unknown>;
    await hub.http
      .put('/v1/policies/auto-refund')
      .set(tenant.auth)
      .send({ ...policy, ...changes })
      .expect(200);
  };

  /**
   * A small refund-only case on the sandbox, pulled into a ticket; returns its timeline. Its parcel was signed for
   * `signedDaysAgo` days ago, or not at all ("parcel never arrived").
   */
  const smallRefund = async (
    signedDaysAgo: number | null = null,
  ): Promise<{ refundId: string; timeline: () => Promise<TimelineEntry[]> }> => {
    const [refundId] = await taobao.generateCases(1);
    taobao.signFor(refundId, signedDaysAgo === null ? null : new Date(Date.now() - signedDaysAgo * DAY_MS));
    const refund = taobao.caseState(refundId);
    if (!refund) throw new Error('no refund');
    Object.assign(refund, {
      refund_fee: '19.90',
      dispute_type: 'REFUND',
      has_good_return: false,
      good_status: 'BUYER_NOT_RECEIVED',
      reason: '快递/物流一直未送到',
      desc: '快递一直没收到',
    });
    const ticket = await pulledTicket(hub, tenant, connectionId, refundId);
    return { refundId, timeline: () => timelineOf(ticket.id) };
  };

  /** The case is approved with these rules on its timeline, and refunded upstream. */
  const expectRefunded = async (
    { refundId, timeline }: Awaited<ReturnType<typeof smallRefund>>,
    windowRule: { rule: string; limit: string },
  ) => {
    const approved = await eventually(async () =>
      (await timeline()).find((entry) => entry.type === 'auto_refund.approved'),
    );
    expect(approved.data).toMatchObject({
      amount: { amount: '19.90', currency: 'CNY' },
      rules: [{ rule: 'max_amount', limit: '50.00 CNY' }, windowRule],
    });
    await eventually(
      async () => taobao.caseState(refundId)?.status === 'SUCCESS',
      30_000,
      'the refund upstream',
    );
  };

  it('refunds a case signed for 2 days before the request, naming the 7-day window that held', async () => {
    await setPolicy({ enabled: true, dryRun: false, whenDeliveryUnknown: 'skip' });
    await expectRefunded(await smallRefund(2), { rule: 'within_days_of_delivery', limit: '7 days' });
  });

  it('leaves a case signed for 10 days before the request to an agent, naming the window', async () => {
    await setPolicy({ enabled: true, dryRun: false, whenDeliveryUnknown: 'no_window' });
    const { refundId, timeline } = await smallRefund(10);
    const skipped = await eventually(async () =>
      (await timeline()).find((entry) => entry.type === 'auto_refund.skipped'),
    );
    expect(skipped.data).toMatchObject({
      reason: 'requested more than 7 days after delivery',
      rule: 'within_days_of_delivery',
      limit: '7 days',
    });
    expect(taobao.caseState(refundId)?.status).toBe('WAIT_SELLER_AGREE');
  });

  it('by default applies no delivery window while nothing was signed for, and refunds upstream', async () => {
    await setPolicy({ enabled: true, dryRun: false, whenDeliveryUnknown: 'no_window' });
    await expectRefunded(await smallRefund(), { rule: 'when_delivery_unknown', limit: 'no_window' });
  });

  it('skips such cases when the policy says so, naming the rule and the limit that decided', async () => {
    await setPolicy({ enabled: true, dryRun: true, whenDeliveryUnknown: 'skip' });
    const { timeline } = await smallRefund();
    const skipped = await eventually(async () =>
      (await timeline()).find((entry) => entry.type === 'auto_refund.skipped'),
    );
    expect(skipped.data).toMatchObject({
      reason: 'the delivery time is unknown',
      rule: 'when_delivery_unknown',
      limit: 'skip',
    });
  });

  it('Pinduoduo: the order receipt time decides the window, approved inside it (dry run), skipped outside', async () => {
    await setPolicy({ enabled: true, dryRun: true, whenDeliveryUnknown: 'no_window' });
    const pdd = new PinduoduoSandbox();
    await pdd.start();
    try {
      const pddConnectionId = await connectSandbox(hub, tenant, pdd);
      const [recent, old] = await pdd.generateCases(2);
      for (const [id, days] of [
        [recent, 3],
        [old, 12],
      ] as const) {
        pdd.modifyRequest(id, { refundOnly: true, refundFen: 1990, reason: '快递一直没收到' });
        pdd.receiveOrder(id, new Date(Date.now() - days * DAY_MS));
      }
      const verdict = async (externalId: string) => {
        const ticket = await pulledTicket(hub, tenant, pddConnectionId, externalId);
        return eventually(async () =>
          (await timelineOf(ticket.id)).find((entry) => entry.type.startsWith('auto_refund.')),
        );
      };
      expect(await verdict(recent)).toMatchObject({
        type: 'auto_refund.dry_run',
        data: { rules: [{ rule: 'max_amount' }, { rule: 'within_days_of_delivery', limit: '7 days' }] },
      });
      expect(await verdict(old)).toMatchObject({
        type: 'auto_refund.skipped',
        data: { rule: 'within_days_of_delivery', limit: '7 days' },
      });
    } finally {
      await pdd.stop();
    }
  });

  it('Shopify: the delivery time of the order reaches the ticket, for the delivery window', async () => {
    const shopify = new ShopifySandbox();
    await shopify.start();
    try {
      const shopifyConnectionId = await connectSandbox(hub, tenant, shopify);
      const [returnId] = await shopify.generateCases(1);
      const ticket = await eventually(async () => {
        await hub.http.post(`/v1/connections/${shopifyConnectionId}/sync`).set(tenant.auth).expect(202);
        const list = await hub.http
          .get('/v1/tickets')
          .query({ connectionId: shopifyConnectionId })
          .set(tenant.auth)
          .expect(200);
        return (list.body.data as { externalId: string; deliveredAt: string | null }[]).find(
          (row) => row.externalId === returnId,
        );
      }, 30_000);
      const deliveredAt = Date.parse(ticket.deliveredAt ?? '');
      expect(deliveredAt).toBeLessThan(Date.now());
      expect(deliveredAt).toBeGreaterThan(Date.now() - 12 * 86_400_000);
    } finally {
      await shopify.stop();
    }
  });
});
