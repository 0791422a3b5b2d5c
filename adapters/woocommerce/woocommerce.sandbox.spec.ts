import { AdapterErrorCode, type AdapterContext, type NormalizedCase } from '../contract';
import { WoocommerceAdapter } from './woocommerce.adapter';
import { WoocommerceSandbox } from './woocommerce.sandbox';
import { guardNock } from '../shared/testing/nock-guard';
import { receiver, useSandbox } from '../shared/testing/sandbox';

describe('WoocommerceSandbox with WoocommerceAdapter', () => {
  const sandbox = new WoocommerceSandbox();
  const adapter = new WoocommerceAdapter();
  let hook: Awaited<ReturnType<typeof receiver>>;
  let ctx: AdapterContext;

  guardNock({ allowLoopback: true });
  useSandbox(sandbox);

  beforeAll(async () => {
    hook = await receiver();
    sandbox.setPushTarget({ url: hook.url });
    ctx = {
      connection: {
        id: 'conn-woo-sandbox',
        tenantId: 't-1',
        platform: 'woocommerce',
        shopId: sandbox.shopId,
        apiBaseUrl: sandbox.url,
        credentials: sandbox.credentials,
      },
      limiter: { acquire: () => Promise.resolve() },
      now: () => new Date(Date.now() + 2000),
    };
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => hook.server.close(() => resolve()));
  });

  it('pings first, then pushes signed order.updated webhooks that resolve to the generated cases', async () => {
    const ids = await sandbox.generateCases(3);
    expect(hook.pushes[0].rawBody.toString()).toBe('webhook_id=7');
    expect(hook.pushes[0].headers['x-wc-webhook-signature']).toBeUndefined();
    const resolved: NormalizedCase[] = [];
    for (const push of hook.pushes) {
      for (const event of adapter.verifyWebhook(push, ctx.connection, new Date()).events) {
        expect(event.eventType).toBe('order.updated');
        const result = await adapter.resolveEvent(ctx, event);
        if (result) resolved.push(result);
      }
    }
    expect(resolved.map((c) => c.externalId)).toEqual(ids);
    expect(resolved.every((c) => (c.refundedAmount?.amountMinor ?? 0) > 0 && c.items.length > 0)).toBe(true);
    // Completed orders carry their completion date, read as the delivery time.
    expect(resolved.every((c) => c.deliveredAt instanceof Date)).toBe(true);
  });

  it('pulls every refunded order across pages', async () => {
    await sandbox.generateCases(230);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    for (;;) {
      const page = await adapter.pull(ctx, cursor);
      page.cases.forEach((c) => seen.add(c.externalId));
      cursor = page.nextCursor;
      pages += 1;
      if (!page.hasMore || pages > 10) break;
    }
    expect(seen.size).toBe(233);
    expect(pages).toBe(3);
    expect(sandbox.calls().filter((call) => call.apiMethod === 'GET /orders').length).toBe(3);
  });

  it('refunds the rest once, rejects an over-refund and leaves a customer note', async () => {
    // A quarter of generated orders are refunded only in part; take one of those.
    let id = '';
    while (!id || sandbox.caseState(id)?.status === 'refunded') [id] = await sandbox.generateCases(1);
    const ticket = await adapter.fetchCase(ctx, id);
    const before = sandbox.caseState(id);
    const outcome = await adapter.perform(ctx, { type: 'approve_refund', amount: null }, ticket);
    expect(outcome.updatedCase?.stage).toBe('refunded');
    expect(sandbox.caseState(id)?.status).toBe('refunded');
    expect(sandbox.caseState(id)?.refunds).toHaveLength((before?.refunds.length ?? 0) + 1);
    expect(outcome.updatedCase?.refundedAmount?.amountMinor).toBe(Math.round(Number(before?.total) * 100));

    // The same decision retried (same ticket snapshot) finds its refund instead of paying twice.
    const retry = await adapter.perform(ctx, { type: 'approve_refund', amount: null }, ticket);
    expect(retry.response).toMatchObject({ id: Number(sandbox.caseState(id)?.refunds[0].id) });
    expect(sandbox.caseState(id)?.refunds).toHaveLength((before?.refunds.length ?? 0) + 1);

    const after = await adapter.fetchCase(ctx, id);
    await expect(
      adapter.perform(ctx, { type: 'approve_refund', amount: { amountMinor: 100, currency: 'CNY' } }, after),
    ).rejects.toMatchObject({ code: AdapterErrorCode.INVALID });

    await adapter.perform(ctx, { type: 'send_message', text: '退款已原路退回，请注意查收' }, after);
    expect(sandbox.caseState(id)?.notes).toEqual([
      expect.objectContaining({ note: '退款已原路退回，请注意查收', customer_note: true }),
    ]);
  });

  it('advances partly refunded orders to refunded and pushes them', async () => {
    hook.pushes.length = 0;
    const moved = await sandbox.advanceCases(5);
    for (const id of moved) expect(sandbox.caseState(id)?.status).toBe('refunded');
    expect(hook.pushes.length).toBe(moved.length);
  });

  it('answers wrong keys with 401 (AUTH), and injected faults as 429 and 5xx', async () => {
    const wrong = {
      ...ctx,
      connection: { ...ctx.connection, credentials: { ...sandbox.credentials, consumerSecret: 'cs_wrong' } },
    };
    await expect(adapter.pull(wrong, null)).rejects.toMatchObject({ code: AdapterErrorCode.AUTH });
    sandbox.injectFault({ kind: 'throttle', times: 1 });
    await expect(adapter.pull(ctx, null)).rejects.toMatchObject({
      code: AdapterErrorCode.RATE_LIMITED,
      retryAfterMs: 2000,
    });
    sandbox.injectFault({ kind: 'server_error', times: 1 });
    await expect(adapter.pull(ctx, null)).rejects.toMatchObject({ code: AdapterErrorCode.TEMPORARY });
    await expect(adapter.pull(ctx, null)).resolves.toBeDefined();
  });
});
