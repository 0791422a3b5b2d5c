import { PinduoduoSandbox } from '../adapters/pinduoduo/pinduoduo.sandbox';
import { GenericShop } from './support/generic-shop';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TimelineEntry {
  type: string;
  actor: { type: string; id: string | null };
  data: Record<string, unknown>;
}

const policy = {
  enabled: true,
  dryRun: true,
  maxAmounts: [{ amount: '50.00', currency: 'CNY' }],
  kinds: ['refund_only'],
  withinDaysOfDelivery: 7,
  excludeCategories: ['quality'],
  excludeFlaggedBuyers: true,
  flaggedBuyerIds: ['flagged-1'],
};

describe('auto-refund policy', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let shop: GenericShop;
  const pdd = new PinduoduoSandbox();

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    shop = await GenericShop.connect(hub, tenant);
    await pdd.start();
  });

  afterAll(async () => {
    await hub.close();
    await pdd.stop();
  });

  const timeline = async (ticketId: string, type: string): Promise<TimelineEntry> =>
    eventually(
      async () => {
        const ticket = await hub.http.get(`/v1/tickets/${ticketId}`).set(tenant.auth).expect(200);
        return (ticket.body.timeline as TimelineEntry[]).find((entry) => entry.type === type);
      },
      15_000,
      `${type} on ${ticketId}`,
    );

  it('is off by default and validates what it is given', async () => {
    const current = await hub.http.get('/v1/policies/auto-refund').set(tenant.auth).expect(200);
    expect(current.body).toMatchObject({ enabled: false, dryRun: true, source: 'default' });
    const bad = await hub.http
      .put('/v1/policies/auto-refund')
      .set(tenant.auth)
      .send({ ...policy, kinds: ['gift'], maxAmounts: [{ amount: '1,00', currency: 'rmb' }] })
      .expect(400);
    expect((bad.body.details as { field: string }[]).map((detail) => detail.field)).toEqual(
      expect.arrayContaining(['kinds', 'maxAmounts.0.amount', 'maxAmounts.0.currency']),
    );
  });

  it('in dry run, writes what it would have done and pushes nothing', async () => {
    await hub.http.put('/v1/policies/auto-refund').set(tenant.auth).send(policy).expect(200);
    const delivered = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const eligible = await shop.ticket({
      kind: 'refund_only',
      reason: '快递一直没收到',
      requestedAmount: { amount: '39.90', currency: 'CNY' },
      deliveredAt: delivered,
    });
    const entry = await timeline(eligible.id, 'auto_refund.dry_run');
    expect(entry).toMatchObject({
      actor: { type: 'automation', id: 'auto-refund' },
      data: { wouldApprove: { amount: '39.90', currency: 'CNY' } },
    });
    const actions = await hub.http.get(`/v1/tickets/${eligible.id}/actions`).set(tenant.auth).expect(200);
    expect(actions.body.data).toEqual([]);

    const tooMuch = await shop.ticket({
      kind: 'refund_only',
      reason: '物流太慢，不想要了',
      requestedAmount: { amount: '80.00', currency: 'CNY' },
      deliveredAt: delivered,
    });
    expect((await timeline(tooMuch.id, 'auto_refund.skipped')).data.reason).toContain(
      'above the 50.00 CNY limit',
    );
    const flagged = await shop.ticket({
      kind: 'refund_only',
      reason: '快递一直没收到',
      requestedAmount: { amount: '10.00', currency: 'CNY' },
      deliveredAt: delivered,
      buyer: { externalId: 'flagged-1', displayName: 'x**', vip: false },
    });
    expect((await timeline(flagged.id, 'auto_refund.skipped')).data.reason).toContain('flagged');
  });

  it('lists its verdicts newest first, filtered by outcome and time, for the tenant alone', async () => {
    interface Decision {
      ticketId: string;
      ticketNumber: number;
      platform: string;
      outcome: string;
      dryRun: boolean;
      amount: { amount: string; currency: string } | null;
      rules: { rule: string; limit: string | null }[];
      reason: string | null;
      decidedAt: string;
    }
    const all = await eventually(
      async () => {
        const page = await hub.http.get('/v1/policies/auto-refund/decisions').set(tenant.auth).expect(200);
        return (page.body.data as Decision[]).length >= 3 ? (page.body.data as Decision[]) : undefined;
      },
      15_000,
      'three verdicts in the log',
    );
    const times = all.map((decision) => decision.decidedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const dryRun = all.find((decision) => decision.outcome === 'dry_run');
    expect(dryRun).toMatchObject({
      platform: 'generic',
      dryRun: true,
      amount: { amount: '39.90', currency: 'CNY' },
      rules: expect.arrayContaining([{ rule: 'max_amount', limit: '50.00 CNY' }]),
      reason: null,
    });
    expect(typeof dryRun?.ticketNumber).toBe('number');
    const tooMuch = all.find((decision) => decision.amount?.amount === '80.00');
    expect(tooMuch).toMatchObject({
      outcome: 'skipped',
      dryRun: true,
      rules: [{ rule: 'max_amount', limit: '50.00 CNY' }],
      reason: expect.stringContaining('above the 50.00 CNY limit'),
    });

    const skipped = await hub.http
      .get('/v1/policies/auto-refund/decisions')
      .query({ outcome: 'skipped' })
      .set(tenant.auth)
      .expect(200);
    expect((skipped.body.data as Decision[]).map((decision) => decision.outcome)).toEqual([
      'skipped',
      'skipped',
    ]);
    const first = await hub.http
      .get('/v1/policies/auto-refund/decisions')
      .query({ limit: 1 })
      .set(tenant.auth)
      .expect(200);
    expect(first.body.data).toHaveLength(1);
    const second = await hub.http
      .get('/v1/policies/auto-refund/decisions')
      .query({ limit: 1, cursor: first.body.nextCursor as string })
      .set(tenant.auth)
      .expect(200);
    expect((second.body.data as Decision[])[0].ticketId).toBe(all[1].ticketId);
    const future = await hub.http
      .get('/v1/policies/auto-refund/decisions')
      .query({ from: new Date(Date.now() + 60_000).toISOString() })
      .set(tenant.auth)
      .expect(200);
    expect(future.body).toEqual({ data: [], nextCursor: null });
    const bad = await hub.http
      .get('/v1/policies/auto-refund/decisions')
      .query({ outcome: 'maybe', to: '2026-02-30' })
      .set(tenant.auth)
      .expect(400);
    expect((bad.body.details as { field: string }[]).map((detail) => detail.field).sort()).toEqual([
      'outcome',
      'to',
    ]);

    const other = await createTenant(hub);
    const theirs = await hub.http.get('/v1/policies/auto-refund/decisions').set(other.auth).expect(200);
    expect(theirs.body.data).toEqual([]);

    const docs = await hub.http.get('/docs-json').expect(200);
    const operation = docs.body.paths['/v1/policies/auto-refund/decisions']?.get as
      { parameters: { name: string }[] } | undefined;
    expect(operation?.parameters.map((parameter) => parameter.name)).toEqual(
      expect.arrayContaining(['outcome', 'from', 'to', 'limit', 'cursor']),
    );
  });

  it('when live, approves the refund upstream as automation, once', async () => {
    await hub.http
      .put('/v1/policies/auto-refund')
      .set(tenant.auth)
      .send({
        ...policy,
        dryRun: false,
        withinDaysOfDelivery: null,
        maxAmounts: [{ amount: '100000.00', currency: 'CNY' }],
        kinds: ['refund_only', 'return_refund'],
        excludeCategories: [],
      })
      .expect(200);
    const created = await hub.http
      .post('/v1/connections')
      .set(tenant.auth)
      .send({
        platform: 'pinduoduo',
        name: 'PDD',
        shopId: pdd.shopId,
        credentials: pdd.credentials,
        apiBaseUrl: pdd.url,
      })
      .expect(201);
    const ids = await pdd.generateCases(4);
    const ticket = await eventually(
      async () => {
        await hub.http.post(`/v1/connections/${created.body.id}/sync`).set(tenant.auth).expect(202);
        const list = await hub.http
          .get('/v1/tickets')
          .query({ connectionId: created.body.id, stage: 'requested' })
          .set(tenant.auth)
          .expect(200);
        return (list.body.data as { id: string; externalId: string }[]).find((item) =>
          ids.includes(item.externalId),
        );
      },
      45_000,
      'a requested PDD ticket',
    );
    const decided = await timeline(ticket.id, 'auto_refund.approved');
    const action = await eventually(
      async () => {
        const current = await hub.http
          .get(`/v1/actions/${String(decided.data.actionId)}`)
          .set(tenant.auth)
          .expect(200);
        return current.body.status === 'succeeded' ? current.body : undefined;
      },
      45_000,
      'the automatic refund',
    );
    expect(action.actor).toEqual({ type: 'automation', id: 'auto-refund' });
    const agreed = pdd
      .calls()
      .filter((call) => call.apiMethod === 'pdd.refund.agree' && call.body.includes(ticket.externalId));
    expect(agreed).toHaveLength(1);
  }, 120_000);
});
