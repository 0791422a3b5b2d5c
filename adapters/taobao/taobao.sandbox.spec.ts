import { AdapterErrorCode, UNLIMITED, type AdapterContext, type NormalizedCase } from '../contract';
import { TaobaoAdapter } from './taobao.adapter';
import { TaobaoSandbox } from './taobao.sandbox';
import { ticketOf, useSandbox } from '../shared/testing/sandbox';

describe('TaobaoAdapter against TaobaoSandbox', () => {
  const sandbox = new TaobaoSandbox();
  const adapter = new TaobaoAdapter();
  const ctx = (credentials = sandbox.credentials): AdapterContext => ({
    connection: {
      id: 'c1',
      tenantId: 't1',
      platform: 'taobao',
      shopId: sandbox.shopId,
      apiBaseUrl: sandbox.url,
      credentials,
    },
    limiter: UNLIMITED,
    now: () => new Date(),
  });
  const drain = async () => {
    const consumed = await adapter.consumeMessages(ctx());
    await consumed.confirm();
    return consumed.events;
  };

  useSandbox(sandbox);

  it('pulls every generated case with its 19-digit id intact', async () => {
    const ids = await sandbox.generateCases(12);
    const seen = new Map<string, NormalizedCase>();
    let cursor: string | null = null;
    let hasMore = true;
    while (hasMore) {
      const page = await adapter.pull(ctx(), cursor);
      for (const item of page.cases) seen.set(item.externalId, item);
      cursor = page.nextCursor;
      hasMore = page.hasMore;
    }
    expect([...seen.keys()].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(id).toMatch(/^\d{19}$/);
    const one = seen.get(ids[0]);
    expect(one?.requestedAmount?.currency).toBe('CNY');
    expect(Number.isInteger(one?.requestedAmount?.amountMinor)).toBe(true);
    expect(sandbox.calls().map((call) => call.apiMethod)).toContain('taobao.refunds.receive.get');
  });

  it('delivers TMC messages until they are confirmed', async () => {
    await drain();
    const [id] = await sandbox.generateCases(1);
    const first = await adapter.consumeMessages(ctx());
    expect(first.events.map((event) => event.externalId)).toEqual([id]);
    const again = await adapter.consumeMessages(ctx());
    expect(again.events.map((event) => event.dedupeKey)).toEqual(
      first.events.map((event) => event.dedupeKey),
    );
    await again.confirm();
    expect(sandbox.pendingMessageIds()).toEqual([]);
    const resolved = await adapter.resolveEvent(ctx(), first.events[0]);
    expect(resolved).toMatchObject({ externalId: id, stage: 'requested' });
  });

  it('duplicates messages with the same id when told to, so the hub can dedupe them', async () => {
    await drain();
    sandbox.injectFault({ kind: 'duplicate_pushes', ratio: 1 });
    await sandbox.generateCases(2);
    const events = await drain();
    expect(events).toHaveLength(4);
    expect(new Set(events.map((event) => event.dedupeKey)).size).toBe(2);
  });

  it('runs a return through approve_return, the buyer shipping, and approve_refund in fen', async () => {
    let item: NormalizedCase | null = null;
    for (let tries = 0; tries < 40 && item?.kind !== 'return_refund'; tries += 1) {
      const [id] = await sandbox.generateCases(1);
      item = await adapter.fetchCase(ctx(), id);
    }
    if (!item) throw new Error('no case generated');
    const approved = await adapter.perform(
      ctx(),
      {
        type: 'approve_return',
        returnAddress: {
          name: '张三',
          phone: '13800000000',
          address: '文一西路969号',
          city: '杭州市',
          externalAddressId: '88001',
        },
      },
      ticketOf(item),
    );
    expect(approved.updatedCase?.stage).toBe('awaiting_return');
    expect(sandbox.caseState(item.externalId)?.status).toBe('WAIT_BUYER_RETURN_GOODS');

    const stale = ticketOf(item);
    await expect(
      adapter.perform(ctx(), { type: 'approve_refund', amount: null }, stale),
    ).rejects.toMatchObject({
      code: AdapterErrorCode.INVALID,
    });

    await sandbox.advanceCases(50);
    const shipped = await adapter.fetchCase(ctx(), item.externalId);
    expect(shipped.stage).toBe('return_shipped');
    const amount = { amountMinor: shipped.requestedAmount!.amountMinor - 100, currency: 'CNY' };
    const refunded = await adapter.perform(ctx(), { type: 'approve_refund', amount }, ticketOf(shipped));
    expect(refunded.updatedCase).toMatchObject({ stage: 'refunded', refundedAmount: amount });
    const agreeCall = sandbox
      .calls()
      .filter((call) => call.apiMethod === 'taobao.rp.refunds.agree')
      .pop();
    expect(new URLSearchParams(agreeCall?.body).get('refund_infos')).toBe(
      `${item.externalId}|${amount.amountMinor}|${shipped.platformVersion}|${(shipped.raw as { refund_phase: string }).refund_phase}`,
    );
    await expect(
      adapter.perform(ctx(), { type: 'approve_refund', amount: null }, ticketOf(refunded.updatedCase!)),
    ).rejects.toMatchObject({ code: AdapterErrorCode.INVALID });
  });

  it('refuses with a stale version as CONFLICT, then with the fresh one, and records a message', async () => {
    const [id] = await sandbox.generateCases(1);
    const item = await adapter.fetchCase(ctx(), id);
    await adapter.perform(ctx(), { type: 'send_message', text: '您好，请补充商品破损照片' }, ticketOf(item));
    expect(sandbox.caseState(id)?.messages.map((message) => message.content)).toEqual([
      '您好，请补充商品破损照片',
    ]);
    await sandbox.advanceCases(1000);
    await expect(
      adapter.perform(
        ctx(),
        { type: 'refuse_refund', reason: '商品已签收且完好', reasonCode: null },
        ticketOf(item),
      ),
    ).rejects.toMatchObject({ code: AdapterErrorCode.CONFLICT });
    const fresh = await adapter.fetchCase(ctx(), id);
    const refused = await adapter.perform(
      ctx(),
      { type: 'refuse_refund', reason: '商品已签收且完好', reasonCode: null },
      ticketOf(fresh),
    );
    expect(refused.updatedCase?.stage).toBe('refused');
  });

  it('answers a wrong secret with code 25 and a wrong session with code 27, both AUTH', async () => {
    const [id] = await sandbox.generateCases(1);
    await expect(
      adapter.fetchCase(ctx({ ...sandbox.credentials, appSecret: 'wrong' }), id),
    ).rejects.toMatchObject({
      code: AdapterErrorCode.AUTH,
      upstream: expect.objectContaining({ code: '25' }),
    });
    await expect(
      adapter.fetchCase(ctx({ ...sandbox.credentials, sessionKey: 'expired' }), id),
    ).rejects.toMatchObject({
      code: AdapterErrorCode.AUTH,
      upstream: expect.objectContaining({ code: '27' }),
    });
  });

  it('verifies hmac-signed requests too', async () => {
    const [id] = await sandbox.generateCases(1);
    const item = await adapter.fetchCase(ctx({ ...sandbox.credentials, signMethod: 'hmac' }), id);
    expect(item.externalId).toBe(id);
  });

  it('renders injected faults as TOP does: throttle → RATE_LIMITED, server error → TEMPORARY', async () => {
    const [id] = await sandbox.generateCases(1);
    sandbox.injectFault({ kind: 'throttle', times: 1 });
    await expect(adapter.fetchCase(ctx(), id)).rejects.toMatchObject({
      code: AdapterErrorCode.RATE_LIMITED,
      retryAfterMs: 1000,
    });
    sandbox.injectFault({ kind: 'server_error', times: 1 });
    await expect(adapter.fetchCase(ctx(), id)).rejects.toMatchObject({ code: AdapterErrorCode.TEMPORARY });
    await expect(adapter.fetchCase(ctx(), id)).resolves.toMatchObject({ externalId: id });
  });
});
