import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { formatGmt8 } from '../adapters/shared/china-time';
import { genericCase } from './support/builders';
import { GenericShop } from './support/generic-shop';
import { connectSandbox, pulledTicket } from './support/sandbox-connections';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

interface TicketBody {
  id: string;
  externalId: string;
  stage: string;
  status: string;
  version: number;
  sla: {
    firstResponseDueAt: string | null;
    resolutionDueAt: string | null;
    resolvedAt: string | null;
    pausedAt: string | null;
  };
  timeline: { type: string; actor: { type: string }; data: Record<string, unknown> }[];
}

/** The ticket's status follows the marketplace's stage, unless an agent set it more recently. */
describe('status follows the marketplace', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  let shop: GenericShop;
  const taobao = new TaobaoSandbox();
  let taobaoConnectionId: string;

  beforeAll(async () => {
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    shop = await GenericShop.connect(hub, tenant);
    await taobao.start();
    taobaoConnectionId = await connectSandbox(hub, tenant, taobao);
  });

  afterAll(async () => {
    await hub.close();
    await taobao.stop();
  });

  const detail = async (id: string): Promise<TicketBody> =>
    (await hub.http.get(`/v1/tickets/${id}`).set(tenant.auth).expect(200)).body as TicketBody;

  /** Syncs the Taobao connection until the refund's ticket passes `check`. */
  const pulled = async (refundId: string, check: (ticket: TicketBody) => boolean): Promise<TicketBody> => {
    const row = await pulledTicket<TicketBody>(hub, tenant, taobaoConnectionId, refundId, async (found) =>
      check(await detail(found.id)),
    );
    return detail(row.id);
  };

  /** A change the buyer or the platform makes on the sandbox, as TOP stamps it. */
  const moveOnTaobao = (refundId: string, status: string) => {
    const refund = taobao.caseState(refundId);
    if (!refund) throw new Error(`no refund ${refundId}`);
    refund.status = status;
    refund.refund_version += 1;
    refund.modified = formatGmt8(new Date());
  };

  it('Taobao: a case already refunded when pulled is solved, with its resolution time, and no clock runs', async () => {
    const [refundId] = await taobao.generateCases(1);
    moveOnTaobao(refundId, 'SUCCESS');
    const ticket = await pulled(refundId, (row) => row.stage === 'refunded');
    expect(ticket.status).toBe('solved');
    expect(ticket.sla.resolvedAt).not.toBeNull();
    expect(ticket.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'ticket.status_changed',
          actor: expect.objectContaining({ type: 'platform' }),
          data: expect.objectContaining({ from: 'new', to: 'solved', stage: 'refunded' }),
        }),
      ]),
    );
    const solved = await hub.http
      .get('/v1/tickets')
      .query({ status: 'new', q: refundId })
      .set(tenant.auth)
      .expect(200);
    expect(solved.body.data).toHaveLength(0);
  });

  it('Taobao: waiting for the buyer’s parcel is pending with the clock paused, and open again once it is sent', async () => {
    const [refundId] = await taobao.generateCases(1);
    moveOnTaobao(refundId, 'WAIT_BUYER_RETURN_GOODS');
    const waiting = await pulled(refundId, (row) => row.stage === 'awaiting_return');
    expect(waiting.status).toBe('pending');
    expect(waiting.sla.pausedAt).not.toBeNull();
    expect(await taobao.advanceCases(100)).toContain(refundId);
    const sent = await pulled(refundId, (row) => row.stage === 'return_shipped');
    expect(sent.status).toBe('open');
    expect(sent.sla.pausedAt).toBeNull();
    expect(Date.parse(sent.sla.resolutionDueAt ?? '')).toBeGreaterThan(
      Date.parse(waiting.sla.resolutionDueAt ?? ''),
    );
  });

  it('a refusal that is not appealed is solved; the buyer re-applying opens it again with a fresh clock', async () => {
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const item = genericCase({ externalCreatedAt: minutesAgo(60), externalUpdatedAt: minutesAgo(60) });
    const ticket = await shop.ticket(item);
    const before = await detail(ticket.id);
    await shop.push({ ...item, stage: 'refused', externalUpdatedAt: minutesAgo(30) });
    const refused = await eventually(async () => {
      const current = await detail(ticket.id);
      return current.stage === 'refused' ? current : undefined;
    });
    expect(refused.status).toBe('solved');
    expect(refused.sla.resolvedAt).not.toBeNull();

    await shop.push({ ...item, stage: 'requested', externalUpdatedAt: new Date().toISOString() });
    const reopened = await eventually(async () => {
      const current = await detail(ticket.id);
      return current.stage === 'requested' ? current : undefined;
    });
    expect(reopened.status).toBe('open');
    expect(reopened.sla.resolvedAt).toBeNull();
    expect(Date.parse(reopened.sla.firstResponseDueAt ?? '')).toBeGreaterThan(
      Date.parse(before.sla.firstResponseDueAt ?? ''),
    );
  });

  it("an agent's more recent hand-set status stands, and the timeline says the platform moved", async () => {
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const item = genericCase({ externalCreatedAt: minutesAgo(60), externalUpdatedAt: minutesAgo(60) });
    const ticket = await shop.ticket(item);
    const read = await detail(ticket.id);
    await hub.http
      .patch(`/v1/tickets/${ticket.id}`)
      .set(tenant.auth)
      .set('If-Match', `"${read.version}"`)
      .send({ status: 'pending' })
      .expect(200);
    // The platform moved ten minutes ago, before the agent's choice, and the news arrives now.
    await shop.push({ ...item, stage: 'return_received', externalUpdatedAt: minutesAgo(10) });
    const kept = await eventually(async () => {
      const current = await detail(ticket.id);
      return current.stage === 'return_received' ? current : undefined;
    });
    expect(kept.status).toBe('pending');
    expect(kept.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'ticket.status_kept',
          data: expect.objectContaining({ platformStage: 'return_received', platformWouldSet: 'open' }),
        }),
      ]),
    );
    // A change made on the platform after the agent's choice applies.
    await shop.push({
      ...item,
      stage: 'refunded',
      externalUpdatedAt: new Date(Date.now() + 1000).toISOString(),
    });
    const solved = await eventually(async () => {
      const current = await detail(ticket.id);
      return current.stage === 'refunded' ? current : undefined;
    });
    expect(solved.status).toBe('solved');
  });
});
