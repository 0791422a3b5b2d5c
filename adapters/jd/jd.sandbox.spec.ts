import {
  AdapterErrorCode,
  UNLIMITED,
  type AdapterContext,
  type NormalizedCase,
  type UnmappedCase,
} from '../contract';
import { JdAdapter } from './jd.adapter';
import { JdSandbox, type SandboxJdRefundApply, type SandboxJdServiceOrder } from './jd.sandbox';
import { ticketOf, useSandbox } from '../shared/testing/sandbox';

const ADDRESS = {
  name: '张三',
  phone: '13800000000',
  address: '科创十一街18号',
  province: '1',
  city: '72',
  district: '2799',
  postcode: '100176',
};

describe('JdAdapter against JdSandbox', () => {
  const sandbox = new JdSandbox();
  const adapter = new JdAdapter();
  const ctx = (credentials = sandbox.credentials, now = () => new Date()): AdapterContext => ({
    connection: {
      id: 'c1',
      tenantId: 't1',
      platform: 'jd',
      shopId: sandbox.shopId,
      apiBaseUrl: sandbox.url,
      credentials,
    },
    limiter: UNLIMITED,
    now,
  });
  const unmapped: UnmappedCase[] = [];
  const pullAll = async () => {
    const seen = new Map<string, NormalizedCase>();
    let cursor: string | null = null;
    let hasMore = true;
    while (hasMore) {
      const page = await adapter.pull(ctx(), cursor);
      for (const item of page.cases) seen.set(item.externalId, item);
      unmapped.push(...(page.unmapped ?? []));
      cursor = page.nextCursor;
      hasMore = page.hasMore;
    }
    return seen;
  };

  useSandbox(sandbox);

  it('pulls every service order and refund application, across pages, ids intact', async () => {
    const ids = await sandbox.generateCases(120);
    const seen = await pullAll();
    expect([...seen.keys()].sort()).toEqual([...ids].sort());
    expect(ids.some((id) => id.startsWith('RA-'))).toBe(true);
    const calls = sandbox.calls().map((call) => call.apiMethod);
    expect(calls.filter((method) => method === 'jingdong.asc.sync.list').length).toBeGreaterThanOrEqual(2);
    expect(calls).toContain('jingdong.pop.afs.soa.refundapply.queryPageList');
  });

  it('approves a return, registers its receipt, and each step bumps sysVersion', async () => {
    const [id] = await sandbox.generateCases(1);
    const item = await adapter.fetchCase(ctx(), id);
    expect(item).toMatchObject({ stage: 'requested', platformVersion: '1' });
    const approved = await adapter.perform(
      ctx(),
      { type: 'approve_return', returnAddress: ADDRESS },
      ticketOf(item),
    );
    expect(approved.updatedCase).toMatchObject({ stage: 'awaiting_return', platformVersion: '2' });
    await expect(
      adapter.perform(
        ctx(),
        { type: 'refuse_return', reason: '不符合退货条件', reasonCode: null },
        ticketOf(item),
      ),
    ).rejects.toMatchObject({ code: AdapterErrorCode.CONFLICT });
    const received = await adapter.perform(
      ctx(),
      { type: 'confirm_return_received' },
      ticketOf(approved.updatedCase!),
    );
    expect(received.updatedCase?.stage).toBe('return_received');
    expect((sandbox.caseState(id) as SandboxJdServiceOrder).serviceStatus).toBe(10007);
  });

  it('refuses an audit, and a buyer cancellation moves the version on', async () => {
    const [first, second] = await sandbox.generateCases(2);
    const refused = await adapter.perform(
      ctx(),
      { type: 'refuse_refund', reason: '商品已拆封使用', reasonCode: null },
      ticketOf(await adapter.fetchCase(ctx(), first)),
    );
    expect(refused.updatedCase?.stage).toBe('refused');
    const before = await adapter.fetchCase(ctx(), second);
    await sandbox.advanceCases(1000);
    const after = await adapter.fetchCase(ctx(), second);
    expect(after.stage).toBe('cancelled');
    expect(Number(after.platformVersion)).toBeGreaterThan(Number(before.platformVersion));
    expect(after.externalUpdatedAt.getTime()).toBeGreaterThanOrEqual(before.externalUpdatedAt.getTime());
  });

  it('approves one refund application once and refuses another', async () => {
    const ids = await sandbox.generateCases(8);
    const [approve, refuse] = ids.filter((id) => id.startsWith('RA-'));
    const item = await adapter.fetchCase(ctx(), approve);
    await adapter.perform(ctx(), { type: 'approve_refund', amount: null }, ticketOf(item));
    expect((sandbox.caseState(approve) as SandboxJdRefundApply).status).toBe(1);
    await expect(
      adapter.perform(ctx(), { type: 'approve_refund', amount: null }, ticketOf(item)),
    ).rejects.toMatchObject({
      code: AdapterErrorCode.INVALID,
    });
    const refused = await adapter.perform(
      ctx(),
      { type: 'refuse_refund', reason: '订单已发货', reasonCode: '1' },
      ticketOf(await adapter.fetchCase(ctx(), refuse)),
    );
    expect(refused.updatedCase?.stage).toBe('refused');
    expect((sandbox.caseState(refuse) as SandboxJdRefundApply).checkRemark).toBe('订单已发货');
  });

  it('re-reads a refund application applied for days ago and checked today, by its check time', async () => {
    const ids = await sandbox.generateCases(4);
    const apply = ids.find((id) => id.startsWith('RA-'))!;
    sandbox.backdateApply(apply, new Date(Date.now() - 3 * 24 * 3600 * 1000));
    expect((await pullAll()).has(apply)).toBe(false);
    sandbox.setApplyStatus(apply, 11);
    const seen = await pullAll();
    expect(seen.get(apply)).toMatchObject({ stage: 'cancelled' });
  });

  it('keeps a refund application with an unknown status aside and goes on with the page', async () => {
    const ids = await sandbox.generateCases(16);
    const [odd, ...others] = ids.filter((id) => id.startsWith('RA-'));
    sandbox.setApplyStatus(odd, 42);
    unmapped.length = 0;
    const seen = await pullAll();
    expect(seen.has(odd)).toBe(false);
    for (const id of [...others, ...ids.filter((id) => !id.startsWith('RA-'))])
      expect(seen.has(id)).toBe(true);
    expect(unmapped.map((item) => [item.event.externalId, item.error])).toContainEqual([
      odd,
      'unknown JD refund application status 42',
    ]);
    sandbox.setApplyStatus(odd, 3);
    const retried = await adapter.resolveEvent(
      ctx(),
      unmapped.find((item) => item.event.externalId === odd)!.event,
    );
    expect(retried).toMatchObject({ externalId: odd, stage: 'refunded' });
  });

  it('refuses a timestamp more than six minutes off with code 8, and accepts one five minutes off', async () => {
    const [id] = await sandbox.generateCases(1);
    const skewed = (ms: number) => ctx(sandbox.credentials, () => new Date(Date.now() - ms));
    await expect(adapter.fetchCase(skewed(7 * 60 * 1000), id)).rejects.toMatchObject({
      code: AdapterErrorCode.TEMPORARY,
      upstream: expect.objectContaining({ code: '8' }),
    });
    await expect(adapter.fetchCase(skewed(5 * 60 * 1000), id)).resolves.toMatchObject({ externalId: id });
  });

  it('maps a wrong signature (code 12) and an expired token to AUTH', async () => {
    const [id] = await sandbox.generateCases(1);
    await expect(
      adapter.fetchCase(ctx({ ...sandbox.credentials, appSecret: 'nope' }), id),
    ).rejects.toMatchObject({
      code: AdapterErrorCode.AUTH,
      upstream: expect.objectContaining({ code: '12' }),
    });
    await expect(
      adapter.fetchCase(ctx({ ...sandbox.credentials, accessToken: 'old' }), id),
    ).rejects.toMatchObject({
      code: AdapterErrorCode.AUTH,
      upstream: expect.objectContaining({ code: '19' }),
    });
  });

  it('renders injected faults: throttle → RATE_LIMITED, server error → TEMPORARY', async () => {
    const [id] = await sandbox.generateCases(1);
    sandbox.injectFault({ kind: 'throttle', times: 1 });
    await expect(adapter.fetchCase(ctx(), id)).rejects.toMatchObject({ code: AdapterErrorCode.RATE_LIMITED });
    sandbox.injectFault({ kind: 'server_error', times: 1 });
    await expect(adapter.fetchCase(ctx(), id)).rejects.toMatchObject({ code: AdapterErrorCode.TEMPORARY });
    await expect(adapter.fetchCase(ctx(), id)).resolves.toMatchObject({ externalId: id });
  });
});
