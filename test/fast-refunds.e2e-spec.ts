import { ShopifySandbox } from '../adapters/shopify/shopify.sandbox';
import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TimelineEntry {
  type: string;
  data: Record<string, unknown>;
}

/** Fast refunds on a marketplace whose after-sales records carry no delivery time. */
describe('fast refunds on Taobao, which gives no sign-for time', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  const taobao = new TaobaoSandbox();
  let connectionId: string;

  beforeAll(async () => {
    await taobao.start();
    hub = await TestHub.start();
    tenant = await createTenant(hub);
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
    connectionId = created.body.id;
  });

  afterAll(async () => {
    await hub.close();
    await taobao.stop();
  });

  const setPolicy = async (changes: Record<string, unknown>) => {
    const current = await hub.http.get('/v1/policies/auto-refund').set(tenant.auth).expect(200);
    const { source: _source, updatedAt: _updatedAt, ...policy } = current.body as Record<string, unknown>;
    await hub.http
      .put('/v1/policies/auto-refund')
      .set(tenant.auth)
      .send({ ...policy, ...changes })
      .expect(200);
  };

  /** A small "parcel never arrived" refund on the sandbox, pulled into a ticket; returns its timeline. */
  const smallRefund = async (): Promise<{ refundId: string; timeline: () => Promise<TimelineEntry[]> }> => {
    const [refundId] = await taobao.generateCases(1);
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
    const ticketId = await eventually(async () => {
      await hub.http.post(`/v1/connections/${connectionId}/sync`).set(tenant.auth).expect(202);
      const list = await hub.http.get('/v1/tickets').query({ q: refundId }).set(tenant.auth).expect(200);
      return (list.body.data as { id: string }[])[0]?.id;
    }, 30_000);
    return {
      refundId,
      timeline: async () =>
        (await hub.http.get(`/v1/tickets/${ticketId}`).set(tenant.auth).expect(200)).body.timeline,
    };
  };

  it('by default applies no delivery window where the platform has none, and refunds upstream', async () => {
    await setPolicy({ enabled: true, dryRun: false });
    const { refundId, timeline } = await smallRefund();
    const approved = await eventually(async () =>
      (await timeline()).find((entry) => entry.type === 'auto_refund.approved'),
    );
    expect(approved.data).toMatchObject({
      amount: { amount: '19.90', currency: 'CNY' },
      rules: [
        { rule: 'max_amount', limit: '50.00 CNY' },
        { rule: 'when_delivery_unknown', limit: 'no_window' },
      ],
    });
    await eventually(
      async () => taobao.caseState(refundId)?.status === 'SUCCESS',
      30_000,
      'the refund upstream',
    );
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

  it('Shopify: the delivery time of the order reaches the ticket, for the delivery window', async () => {
    const shopify = new ShopifySandbox();
    await shopify.start();
    try {
      const created = await hub.http
        .post('/v1/connections')
        .set(tenant.auth)
        .send({
          platform: 'shopify',
          name: 'shopify',
          shopId: shopify.shopId,
          credentials: shopify.credentials,
          apiBaseUrl: shopify.url,
        })
        .expect(201);
      const [returnId] = await shopify.generateCases(1);
      const ticket = await eventually(async () => {
        await hub.http.post(`/v1/connections/${created.body.id}/sync`).set(tenant.auth).expect(202);
        const list = await hub.http
          .get('/v1/tickets')
          .query({ connectionId: created.body.id })
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
