import { TOP_HISTORY_DAYS } from '../adapters/taobao/taobao.adapter';
import { TaobaoSandbox } from '../adapters/taobao/taobao.sandbox';
import { connectSandbox } from './support/sandbox-connections';
import { createTenant, eventually, TestHub, type TenantSession } from './support/test-app';

const DAY_MS = 24 * 60 * 60 * 1000;

interface BackfillBody {
  status: 'running' | 'done';
  requestedSince: string;
  since: string;
  position: string | null;
  pages: number;
  cases: number;
  completedAt: string | null;
}

/** A new connection imports the shop's history from a date, beside the live pull. */
describe('backfill: POST /v1/connections/:id/sync { since }', () => {
  let hub: TestHub;
  let tenant: TenantSession;
  const taobao = new TaobaoSandbox();
  let connectionId: string;
  const ages: Record<string, number> = {};

  beforeAll(async () => {
    await taobao.start();
    // History on the platform: cases last modified 10, 40 and 120 days ago, and one from today.
    for (const days of [10, 10, 40, 40, 120, 0]) {
      const [refundId] = taobao.seedHistory(1, new Date(Date.now() - days * DAY_MS));
      ages[refundId] = days;
    }
    hub = await TestHub.start();
    tenant = await createTenant(hub);
    connectionId = await connectSandbox(hub, tenant, taobao);
  });

  afterAll(async () => {
    await hub.close();
    await taobao.stop();
  });

  const imported = async (): Promise<string[]> => {
    const list = await hub.http
      .get('/v1/tickets')
      .query({ connectionId, limit: 200 })
      .set(tenant.auth)
      .expect(200);
    return (list.body.data as { externalId: string }[]).map((ticket) => ticket.externalId);
  };
  const backfillOf = async (): Promise<BackfillBody | null> =>
    (await hub.http.get(`/v1/connections/${connectionId}`).set(tenant.auth).expect(200)).body.sync.backfill;

  it('the live pull alone reaches back a day', async () => {
    const today = Object.keys(ages).find((id) => ages[id] === 0) ?? '';
    await eventually(async () => (await imported()).includes(today), 30_000, 'the case of today');
    expect((await imported()).filter((id) => ages[id] > 0)).toEqual([]);
    expect(await backfillOf()).toBeNull();
  });

  it('refuses a date in the future, or no date at all', async () => {
    const future = new Date(Date.now() + DAY_MS).toISOString();
    await hub.http
      .post(`/v1/connections/${connectionId}/sync`)
      .set(tenant.auth)
      .send({ since: future })
      .expect(400);
    await hub.http
      .post(`/v1/connections/${connectionId}/sync`)
      .set(tenant.auth)
      .send({ since: 'last week' })
      .expect(400);
  });

  it('imports history from the date, bounded by what the platform serves, at the rate budget, with progress', async () => {
    const requested = new Date(Date.now() - 200 * DAY_MS);
    const started = Date.now();
    const answer = await hub.http
      .post(`/v1/connections/${connectionId}/sync`)
      .set(tenant.auth)
      .send({ since: requested.toISOString() })
      .expect(202);
    expect(answer.body.backfill.requestedSince).toBe(requested.toISOString());
    const since = Date.parse(answer.body.backfill.since);
    expect(Math.abs(since - (Date.now() - TOP_HISTORY_DAYS * DAY_MS))).toBeLessThan(60_000);
    expect(answer.body.backfill.limitedBy).toContain(`${TOP_HISTORY_DAYS} days`);

    const running = await eventually(async () => {
      const progress = await backfillOf();
      return progress?.status === 'running' && progress.pages > 0 ? progress : undefined;
    });
    expect(Date.parse(running.position ?? '')).toBeGreaterThanOrEqual(since);

    const done = await eventually(
      async () => {
        const progress = await backfillOf();
        return progress?.status === 'done' ? progress : undefined;
      },
      90_000,
      'the backfill to finish',
    );
    expect(done.pages).toBeGreaterThanOrEqual(TOP_HISTORY_DAYS);
    expect(done.cases).toBeGreaterThanOrEqual(4);
    const ids = await imported();
    for (const [id, days] of Object.entries(ages)) {
      if (days <= TOP_HISTORY_DAYS) expect(ids).toContain(id);
      else expect(ids).not.toContain(id);
    }

    // Every window was read once, at the connection's budget: 80 % of TOP's 10 calls a second. The limiter lets
    // one call through early, so a sliding second of grants may hold 9; measured where the sandbox receives the
    // calls, a call held up on a loaded machine can land beside the next one, so the busiest second is checked
    // against TOP's own limit and the budget by the average rate.
    // TMC is consumed per app on a budget of its own, beside the shop's.
    const calls = taobao
      .calls()
      .filter((call) => call.at.getTime() >= started && !call.apiMethod?.startsWith('taobao.tmc.'));
    const starts = calls
      .filter((call) => call.apiMethod === 'taobao.refunds.receive.get')
      .map(
        (call) =>
          `${new URLSearchParams(call.body).get('start_modified')}|${new URLSearchParams(call.body).get('page_no')}`,
      );
    expect(starts.length - new Set(starts).size).toBeLessThanOrEqual(2);
    const pulls = calls
      .filter((call) => call.apiMethod === 'taobao.refunds.receive.get')
      .map((call) => call.at.getTime());
    const busiest = Math.max(
      ...pulls.map((at) => pulls.filter((other) => other >= at && other < at + 1000).length),
    );
    expect(busiest).toBeLessThanOrEqual(10);
    const times = calls.map((call) => call.at.getTime());
    const seconds = (Math.max(...times) - Math.min(...times)) / 1000;
    expect(times.length / seconds).toBeLessThanOrEqual(8.5);
  });
});
