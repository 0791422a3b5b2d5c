import {
  AdapterErrorCode,
  type AdapterContext,
  type IncomingPush,
  type NormalizedCase,
  type RateLimiter,
} from '../contract';
import { ShopifyClient, shopifyGid } from './shopify.client';
import { SHOPIFY_OPERATIONS } from './shopify.queries';
import { ShopifyAdapter } from './shopify.adapter';
import { ShopifySandbox } from './shopify.sandbox';
import { guardNock } from '../shared/testing/nock-guard';
import { receiver, useSandbox } from '../shared/testing/sandbox';

/** A one-process leaky bucket that trusts what Shopify reports, as the hub's limiter does. */
function bucketLimiter(): RateLimiter {
  let bucket = { available: 1000, capacity: 1000, restorePerSecond: 50, at: Date.now() };
  const refill = () => {
    const now = Date.now();
    bucket.available = Math.min(
      bucket.capacity,
      bucket.available + ((now - bucket.at) / 1000) * bucket.restorePerSecond,
    );
    bucket.at = now;
  };
  return {
    async acquire(cost = 1) {
      refill();
      if (bucket.available < cost) {
        await new Promise((resolve) =>
          setTimeout(resolve, ((cost - bucket.available) / bucket.restorePerSecond) * 1000),
        );
        refill();
      }
      bucket.available -= cost;
    },
    report(status) {
      bucket = { ...status, at: Date.now() };
      return Promise.resolve();
    },
  };
}

describe('ShopifySandbox with ShopifyAdapter', () => {
  const sandbox = new ShopifySandbox();
  const adapter = new ShopifyAdapter();
  let hook: Awaited<ReturnType<typeof receiver>>;
  let ctx: AdapterContext;

  guardNock({ allowLoopback: true });
  useSandbox(sandbox);

  beforeAll(async () => {
    hook = await receiver();
    sandbox.setPushTarget({ url: hook.url });
    ctx = {
      connection: {
        id: 'conn-sandbox',
        tenantId: 't-1',
        platform: 'shopify',
        shopId: sandbox.shopId,
        apiBaseUrl: sandbox.url,
        credentials: sandbox.credentials,
      },
      limiter: bucketLimiter(),
      now: () => new Date(Date.now() + 1000),
    };
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => hook.server.close(() => resolve()));
  });

  it('pushes signed returns/request webhooks that verify and resolve to the generated returns', async () => {
    const ids = await sandbox.generateCases(4);
    expect(ids.every((id) => /^\d{19}$/.test(id))).toBe(true);
    expect(hook.pushes).toHaveLength(4);
    const resolved: NormalizedCase[] = [];
    for (const push of hook.pushes) {
      expect(push.headers['x-shopify-topic']).toBe('returns/request');
      const { events } = adapter.verifyWebhook(push, ctx.connection, new Date());
      expect(events[0].payload).toMatch(/"id":\d{19},/);
      const result = await adapter.resolveEvent(ctx, events[0]);
      if (result) resolved.push(result);
    }
    expect(resolved.map((c) => c.externalId).sort()).toEqual([...ids].sort());
    expect(resolved.every((c) => c.stage === 'requested' && c.items.length > 0 && c.requestedAmount)).toBe(
      true,
    );
  });

  it('pulls every return page by page', async () => {
    await sandbox.generateCases(21);
    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await adapter.pull(ctx, cursor);
      page.cases.forEach((c) => seen.add(c.externalId));
      cursor = page.nextCursor;
      pages += 1;
      if (!page.hasMore) break;
    } while (pages < 10);
    expect(seen.size).toBe(25);
    expect(pages).toBe(3);
    expect(sandbox.calls().some((call) => call.apiMethod === 'PullOrders')).toBe(true);
  });

  it('approves, declines, closes and refunds returns with the platform’s state rules', async () => {
    const [approveId, declineId] = await sandbox.generateCases(2);
    const ticketFor = async (id: string) => {
      const current = await adapter.fetchCase(ctx, id);
      return { ...current, platformVersion: current.platformVersion };
    };

    const approved = await adapter.perform(
      ctx,
      { type: 'approve_return', returnAddress: null },
      await ticketFor(approveId),
    );
    expect(approved.updatedCase?.stage).toBe('awaiting_return');
    expect(sandbox.caseState(approveId)?.return.status).toBe('OPEN');
    await expect(
      adapter.perform(ctx, { type: 'approve_return', returnAddress: null }, await ticketFor(approveId)),
    ).rejects.toMatchObject({ code: AdapterErrorCode.CONFLICT });

    const declined = await adapter.perform(
      ctx,
      { type: 'refuse_return', reason: '', reasonCode: 'FINAL_SALE' },
      await ticketFor(declineId),
    );
    expect(declined.updatedCase?.stage).toBe('refused');
    expect(sandbox.caseState(declineId)?.return.decline).toEqual({ reason: 'FINAL_SALE', note: null });

    // The refundCreate call the adapter used to make books the money on the order, not on the Return.
    const before = await ticketFor(approveId);
    const order = sandbox.caseState(approveId)!.order;
    await new ShopifyClient(ctx).mutate(SHOPIFY_OPERATIONS.createRefund, 'refundCreate', {
      input: {
        orderId: shopifyGid('Order', order.id),
        transactions: [
          { parentId: shopifyGid('OrderTransaction', order.transactionId), kind: 'REFUND', amount: '1.00' },
        ],
      },
      idempotencyKey: 'old-way',
    });
    expect((await ticketFor(approveId)).refundedAmount).toEqual(before.refundedAmount);

    // returnProcess refunds on the Return, and a deliberate second refund is a second refund.
    const first = await adapter.perform(
      ctx,
      { type: 'approve_refund', amount: { amountMinor: 100, currency: 'USD' } },
      await ticketFor(approveId),
    );
    expect(first.updatedCase?.refundedAmount).toEqual({ amountMinor: 100, currency: 'USD' });
    const second = await adapter.perform(
      ctx,
      { type: 'approve_refund', amount: { amountMinor: 100, currency: 'USD' } },
      await ticketFor(approveId),
    );
    expect(second.updatedCase?.refundedAmount).toEqual({ amountMinor: 200, currency: 'USD' });
    await expect(
      adapter.perform(
        ctx,
        { type: 'approve_refund', amount: { amountMinor: 99_999_900, currency: 'USD' } },
        await ticketFor(approveId),
      ),
    ).rejects.toMatchObject({ code: AdapterErrorCode.INVALID });

    // Processing without money is "the items are back".
    const received = await adapter.perform(
      ctx,
      { type: 'confirm_return_received' },
      await ticketFor(approveId),
    );
    expect(received.updatedCase?.stage).toBe('return_received');
    expect(sandbox.caseState(approveId)?.return.lines.every((line) => line.processed === line.quantity)).toBe(
      true,
    );
    await expect(
      adapter.perform(ctx, { type: 'confirm_return_received' }, await ticketFor(approveId)),
    ).rejects.toMatchObject({ code: AdapterErrorCode.INVALID });
  });

  it('moves cases along and pushes refunds/create with the return, duplicates sharing an event id', async () => {
    const [id] = await sandbox.generateCases(1);
    sandbox.injectFault({ kind: 'duplicate_pushes', ratio: 1 });
    hook.pushes.length = 0;
    await sandbox.advanceCases(1000);
    await sandbox.advanceCases(1000);
    sandbox.clearFaults();
    const eventIds = hook.pushes.map((push) => push.headers['x-shopify-event-id']);
    expect(new Set(eventIds).size).toBe(eventIds.length / 2);
    const refundPush = hook.pushes.find(
      (push) => push.headers['x-shopify-topic'] === 'refunds/create' && push.rawBody.toString().includes(id),
    );
    expect(refundPush).toBeDefined();
    const [event] = adapter.verifyWebhook(refundPush as IncomingPush, ctx.connection, new Date()).events;
    const resolved = await adapter.resolveEvent(ctx, event);
    expect(resolved?.stage).toBe('refunded');
    expect(resolved?.refundedAmount?.amountMinor).toBeGreaterThan(0);
  });

  it('answers a wrong token with 401 (AUTH), and injected faults as THROTTLED and 5xx', async () => {
    const wrong = {
      ...ctx,
      connection: { ...ctx.connection, credentials: { ...sandbox.credentials, accessToken: 'shpat_wrong' } },
    };
    await expect(adapter.pull(wrong, null)).rejects.toMatchObject({ code: AdapterErrorCode.AUTH });

    // Faults are rendered regardless of the budget, so these calls skip the waiting limiter.
    const direct = { ...ctx, limiter: { acquire: () => Promise.resolve() } };
    sandbox.injectFault({ kind: 'throttle', times: 1 });
    const throttled = await adapter.pull(direct, null).catch((error: unknown) => error);
    expect(throttled).toMatchObject({ code: AdapterErrorCode.RATE_LIMITED });
    expect((throttled as { retryAfterMs?: number }).retryAfterMs).toBeGreaterThan(0);

    sandbox.injectFault({ kind: 'server_error', times: 1 });
    await expect(adapter.pull(direct, null)).rejects.toMatchObject({ code: AdapterErrorCode.TEMPORARY });
    await expect(adapter.pull(direct, null)).resolves.toBeDefined();
  });
});
