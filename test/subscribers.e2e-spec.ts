import { slaPolicies } from './support/builders';
import { GenericShop } from './support/generic-shop';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';
import { WebhookReceiver, type ReceivedWebhook } from './support/webhook-receiver';

/** What a subscriber that mirrors tickets hears: every change, with the version it must now hold. */
describe('subscribers hear every change', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let shop: GenericShop;
  const receiver = new WebhookReceiver();

  beforeAll(async () => {
    await receiver.start();
    hub = await TestHub.start({
      HUB_ALLOW_PRIVATE_WEBHOOK_URLS: 'true',
      HUB_SLA_TIME_SCALE: '3600',
      HUB_SLA_SWEEP_INTERVAL_MS: '500',
    });
    tenant = await createTenant(hub);
    shop = await GenericShop.connect(hub, tenant);
    await hub.http
      .post('/v1/webhook-subscriptions')
      .set(tenant.auth)
      .send({ url: receiver.url, events: ['ticket.updated', 'ticket.note_added', 'ticket.sla_breached'] })
      .expect(201);
  });

  afterAll(async () => {
    await hub.close();
    await receiver.stop();
  });

  const heard = (ticketId: string, type: string, timeoutMs = 20_000): Promise<ReceivedWebhook[]> =>
    eventually(
      async () => {
        const found = receiver.received.filter(
          (delivery) => delivery.json.type === type && delivery.json.data.ticketId === ticketId,
        );
        return found.length > 0 ? found : undefined;
      },
      timeoutMs,
      `${type} for ${ticketId}`,
    );

  it('a note is sent to subscribers', async () => {
    const ticket = await shop.ticket();
    await hub.http
      .post(`/v1/tickets/${ticket.id}/notes`)
      .set(tenant.auth)
      .send({ text: '已联系仓库核实破损情况' })
      .expect(201);
    const [note] = await heard(ticket.id, 'ticket.note_added');
    expect(note.json.data).toMatchObject({ ticketId: ticket.id, text: '已联系仓库核实破损情况' });
  });

  it('an SLA breach that escalates severity is also a ticket.updated with the new version', async () => {
    const other = await createTenant(hub, 'Breaching');
    await hub.http
      .put('/v1/sla-policies')
      .set(other.auth)
      .send(slaPolicies({ normal: [120, 100 * 60] }))
      .expect(200);
    const otherShop = await GenericShop.connect(hub, other);
    await hub.http
      .post('/v1/webhook-subscriptions')
      .set(other.auth)
      .send({ url: receiver.url, events: ['ticket.updated', 'ticket.sla_breached'] })
      .expect(201);
    const ticket = await otherShop.ticket({ reason: '尺码不合适', kind: 'exchange' });
    await heard(ticket.id, 'ticket.sla_breached');
    const updates = await eventually(async () => {
      const found = receiver.received.filter(
        (delivery) =>
          delivery.json.type === 'ticket.updated' &&
          delivery.json.data.ticketId === ticket.id &&
          (delivery.json.data.changes as { severity?: string } | undefined)?.severity === 'high',
      );
      return found.length > 0 ? found : undefined;
    });
    const after = await hub.http.get(`/v1/tickets/${ticket.id}`).set(other.auth).expect(200);
    expect(after.body).toMatchObject({ severity: 'high', sla: { state: 'breached' } });
    expect(updates[updates.length - 1].json.data).toMatchObject({
      version: after.body.version,
      changes: { severity: 'high', slaState: 'breached' },
    });
  });

  it('the CSAT score is on the ticket view', async () => {
    const ticket = await shop.ticket();
    await hub.http
      .post(`/v1/tickets/${ticket.id}/csat`)
      .set(tenant.auth)
      .send({ score: 4, comment: '处理很快' })
      .expect(200);
    const list = await hub.http
      .get('/v1/tickets')
      .query({ q: ticket.externalId })
      .set(tenant.auth)
      .expect(200);
    expect(list.body.data[0].csat).toMatchObject({ score: 4, comment: '处理很快' });
    const detail = await hub.http.get(`/v1/tickets/${ticket.id}`).set(tenant.auth).expect(200);
    expect(detail.body.csat).toMatchObject({ score: 4, comment: '处理很快' });
    expect(Date.parse(detail.body.csat.at)).not.toBeNaN();
  });
});
