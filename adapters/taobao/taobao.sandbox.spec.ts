import { AdapterErrorCode, UNLIMITED, type AdapterContext, type NormalizedCase } from '../contract';
import { TaobaoAdapter } from './taobao.adapter';
import { TaobaoClient } from './taobao.client';
import { SANDBOX_SMS_THRESHOLD_FEN, TaobaoSandbox } from './taobao.sandbox';
import { TOP_METHODS } from './taobao.types';
import { ticketOf, useSandbox } from '../shared/testing/sandbox';
import { rejection } from '../shared/testing/nock-guard';

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
    const consumed = await adapter.consumeAppMessages(ctx());
    await consumed.confirm();
    return consumed.messages.map((message) => message.event);
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

  it('reads the sign-for time of a requested refund from the trace, and the trace call is checked', async () => {
    const [signed, waiting] = await sandbox.generateCases(2);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 3 * 24 * 3600 * 1000);
    for (const [id, when] of [
      [signed, at],
      [waiting, null],
    ] as const) {
      Object.assign(sandbox.caseState(id) ?? {}, { dispute_type: 'REFUND', has_good_return: false });
      sandbox.signFor(id, when);
    }
    expect((await adapter.fetchCase(ctx(), signed)).deliveredAt).toEqual(at);
    expect((await adapter.fetchCase(ctx(), waiting)).deliveredAt ?? null).toBeNull();
    await expect(
      new TaobaoClient(ctx()).call(TOP_METHODS.logisticsTraceSearch, { tid: 'T-1' }),
    ).rejects.toMatchObject({ code: AdapterErrorCode.INVALID });
    await expect(new TaobaoClient(ctx()).call(TOP_METHODS.logisticsTraceSearch, {})).rejects.toMatchObject({
      code: AdapterErrorCode.INVALID,
    });
  });

  it('delivers TMC messages until they are confirmed', async () => {
    await drain();
    const [id] = await sandbox.generateCases(1);
    const first = await adapter.consumeAppMessages(ctx());
    expect(first.messages.map((message) => message.event.externalId)).toEqual([id]);
    const again = await adapter.consumeAppMessages(ctx());
    expect(again.messages.map((message) => message.event.dedupeKey)).toEqual(
      first.messages.map((message) => message.event.dedupeKey),
    );
    await again.confirm();
    expect(sandbox.pendingMessageIds()).toEqual([]);
    const resolved = await adapter.resolveEvent(ctx(), first.messages[0].event);
    expect(resolved).toMatchObject({ externalId: id, stage: 'requested' });
  });

  it('serves several sellers of one app: one TMC queue naming each seller, sessions that read only their own refunds', async () => {
    await drain();
    const other = sandbox.addShop('第二家小店');
    const own = await sandbox.generateCases(1);
    const theirs = sandbox.generateCasesFor(other.shopId, 2);
    // TMC takes no session: the app's key and secret drain every seller's messages.
    const { sessionKey: _session, ...appOnly } = sandbox.credentials;
    const consumed = await adapter.consumeAppMessages(ctx(appOnly));
    const byShop = new Map<string, string[]>();
    for (const message of consumed.messages) {
      const nick = message.shopKeys[1];
      byShop.set(nick, [...(byShop.get(nick) ?? []), message.event.externalId ?? '']);
    }
    expect(byShop.get(sandbox.shopId)).toEqual(own);
    expect(byShop.get(other.shopId)?.sort()).toEqual([...theirs].sort());
    expect(consumed.messages.find((message) => message.shopKeys[1] === other.shopId)?.shopKeys[0]).toBe(
      other.userId,
    );
    await consumed.confirm();
    // A seller's session reads its own refunds, never another seller's.
    await expect(adapter.fetchCase(ctx(other.credentials), theirs[0])).resolves.toMatchObject({
      externalId: theirs[0],
    });
    expect((await rejection(adapter.fetchCase(ctx(), theirs[0]))).code).toBe(AdapterErrorCode.NOT_FOUND);
    // Without a session, a seller's API is refused.
    expect((await rejection(adapter.fetchCase(ctx(appOnly), own[0]))).code).toBe(AdapterErrorCode.AUTH);
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
      code: AdapterErrorCode.CONFLICT,
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

  it('refuses the calls the shared reference described, and takes the corrected ones (Tmall)', async () => {
    const [id] = await sandbox.generateCases(1);
    const item = await adapter.fetchCase(ctx(), id);
    const raw = item.raw as { refund_phase: string };
    const client = new TaobaoClient(ctx());
    const lock = {
      refund_id: id,
      refund_phase: raw.refund_phase,
      refund_version: String(item.platformVersion),
    };
    // A text-only message: image is required.
    await expect(
      client.call(TOP_METHODS.refundMessageAdd, { refund_id: id, content: '您好，请补充商品破损照片' }),
    ).rejects.toMatchObject({
      upstream: { message: expect.stringContaining('isv.missing-parameter:image') },
    });
    // A Tmall refusal without refuse_proof.
    await expect(
      client.call(TOP_METHODS.refundRefuse, { ...lock, refuse_message: '商品已签收且完好' }),
    ).rejects.toMatchObject({ upstream: { message: expect.stringContaining('refuse_proof') } });
    // A Tmall agree of a refund nobody reviewed.
    const info = `${id}|${item.requestedAmount!.amountMinor}|${item.platformVersion}|${raw.refund_phase}`;
    const unreviewed = await client.call<{ succ: boolean; message: string }>(TOP_METHODS.refundsAgree, {
      refund_infos: info,
    });
    expect(unreviewed).toMatchObject({ succ: false, message: expect.stringContaining('未审核') });
    // The adapter reviews first, then agrees.
    const agreed = await adapter.perform(ctx(), { type: 'approve_refund', amount: null }, ticketOf(item));
    expect(agreed.updatedCase?.stage).toBe('refunded');
    const methods = sandbox.calls().map((call) => call.apiMethod);
    expect(methods.slice(-3)).toEqual([
      'taobao.rp.refund.review',
      'taobao.rp.refunds.agree',
      'taobao.refund.get',
    ]);
    // The adapter does not try a refusal it cannot make.
    const [other] = await sandbox.generateCases(1);
    await expect(
      adapter.perform(
        ctx(),
        { type: 'refuse_refund', reason: '商品已签收且完好', reasonCode: null },
        ticketOf(await adapter.fetchCase(ctx(), other)),
      ),
    ).rejects.toMatchObject({ code: AdapterErrorCode.UNSUPPORTED });
  });

  it('refuses a Tmall return agree without remark, and takes the one the adapter sends', async () => {
    let item: NormalizedCase | null = null;
    for (let tries = 0; tries < 40 && item?.kind !== 'return_refund'; tries += 1) {
      const [id] = await sandbox.generateCases(1);
      item = await adapter.fetchCase(ctx(), id);
    }
    const raw = item!.raw as { refund_phase: string };
    const form = {
      refund_id: item!.externalId,
      refund_phase: raw.refund_phase,
      refund_version: String(item!.platformVersion),
      seller_address_id: '88001',
    };
    await expect(new TaobaoClient(ctx()).call(TOP_METHODS.returnGoodsAgree, form)).rejects.toMatchObject({
      upstream: { message: expect.stringContaining('isv.missing-parameter:remark') },
    });
    const approved = await adapter.perform(
      ctx(),
      {
        type: 'approve_return',
        returnAddress: {
          name: '张三',
          phone: '13800000000',
          address: '文一西路969号',
          externalAddressId: '88001',
        },
      },
      ticketOf(item!),
    );
    expect(approved.updatedCase?.stage).toBe('awaiting_return');
  });

  it('holds a large agree for the SMS code texted to the seller, and completes it with the code', async () => {
    const [id] = await sandbox.generateCases(1);
    sandbox.modifyRefund(id, { refundFen: SANDBOX_SMS_THRESHOLD_FEN + 100 });
    const item = await adapter.fetchCase(ctx(), id);
    const approve = { type: 'approve_refund', amount: null } as const;
    await expect(adapter.perform(ctx(), approve, ticketOf(item))).rejects.toMatchObject({
      code: AdapterErrorCode.VERIFICATION_REQUIRED,
      message: expect.stringContaining('短信验证码'),
    });
    const code = sandbox.smsCodeFor(id)!;
    await expect(
      adapter.perform(ctx(), approve, ticketOf(item), { idempotencyKey: 'a', verificationCode: '000000' }),
    ).rejects.toMatchObject({ code: AdapterErrorCode.VERIFICATION_REQUIRED });
    const done = await adapter.perform(ctx(), approve, ticketOf(item), {
      idempotencyKey: 'a',
      verificationCode: code,
    });
    expect(done.updatedCase).toMatchObject({ stage: 'refunded' });
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

describe('TaobaoAdapter against a Taobao (C shop) sandbox', () => {
  const sandbox = new TaobaoSandbox('taobao');
  const adapter = new TaobaoAdapter();
  const ctx = (): AdapterContext => ({
    connection: {
      id: 'c2',
      tenantId: 't1',
      platform: 'taobao',
      shopId: sandbox.shopId,
      apiBaseUrl: sandbox.url,
      credentials: sandbox.credentials,
    },
    limiter: UNLIMITED,
    now: () => new Date(),
  });

  useSandbox(sandbox);

  it('refuses a shipped refund with the message alone, no Tmall phase or version', async () => {
    const [id] = await sandbox.generateCases(1);
    sandbox.modifyRefund(id, { reason: '质量问题' });
    const refusal = { type: 'refuse_refund', reason: '商品已签收且完好', reasonCode: null } as const;
    const refused = await adapter.perform(ctx(), refusal, ticketOf(await adapter.fetchCase(ctx(), id)));
    expect(refused.updatedCase?.stage).toBe('refused');
    const form = new URLSearchParams(
      sandbox
        .calls()
        .filter((call) => call.apiMethod === 'taobao.refund.refuse')
        .pop()?.body,
    );
    expect([form.get('refund_phase'), form.get('refund_version')]).toEqual([null, null]);
  });

  it('refuses a refusal before shipment and one of a seven-day no-reason return, without a call', async () => {
    const [early, noReason] = await sandbox.generateCases(2);
    sandbox.modifyRefund(early, { orderStatus: 'WAIT_SELLER_SEND_GOODS' });
    sandbox.modifyRefund(noReason, { reason: '七天无理由退换货' });
    const refusal = { type: 'refuse_refund', reason: '商品已签收且完好', reasonCode: null } as const;
    const before = sandbox.calls().length;
    for (const id of [early, noReason]) {
      const item = await adapter.fetchCase(ctx(), id);
      await expect(adapter.perform(ctx(), refusal, ticketOf(item))).rejects.toMatchObject({
        code: AdapterErrorCode.INVALID,
      });
    }
    const methods = sandbox
      .calls()
      .slice(before)
      .map((call) => call.apiMethod)
      .filter((method) => method !== 'taobao.logistics.trace.search');
    expect(methods).toEqual(['taobao.refund.get', 'taobao.refund.get']);
    // The platform itself refuses the same calls.
    await expect(
      new TaobaoClient(ctx()).call(TOP_METHODS.refundRefuse, {
        refund_id: early,
        refuse_message: '商品完好',
      }),
    ).rejects.toMatchObject({ upstream: { message: expect.stringContaining('未发货') } });
  });

  it('refuses a Taobao return agree without post, and agrees one with the postcode', async () => {
    let item: NormalizedCase | null = null;
    for (let tries = 0; tries < 40 && item?.kind !== 'return_refund'; tries += 1) {
      const [id] = await sandbox.generateCases(1);
      item = await adapter.fetchCase(ctx(), id);
    }
    const address = {
      name: '张三',
      phone: '13800000000',
      address: '文一西路969号',
      externalAddressId: '88001',
    };
    await expect(
      new TaobaoClient(ctx()).call(TOP_METHODS.returnGoodsAgree, {
        refund_id: item!.externalId,
        seller_address_id: '88001',
        name: '张三',
        address: '文一西路969号',
        tel: '13800000000',
        mobile: '13800000000',
      }),
    ).rejects.toMatchObject({ upstream: { message: expect.stringContaining('isv.missing-parameter:post') } });
    const approved = await adapter.perform(
      ctx(),
      { type: 'approve_return', returnAddress: { ...address, postcode: '311121' } },
      ticketOf(item!),
    );
    expect(approved.updatedCase?.stage).toBe('awaiting_return');
  });
});
