import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AdapterErrorCode,
  WebhookSignatureError,
  type AdapterContext,
  type NormalizedCase,
} from '../contract';
import { DouyinAdapter } from './douyin.adapter';
import { DouyinClient } from './douyin.client';
import { DOUYIN_PATHS } from './douyin.types';
import { DouyinSandbox } from './douyin.sandbox';
import { rejection } from '../shared/testing/nock-guard';
import { ticketOf, useSandbox } from '../shared/testing/sandbox';

const sandbox = new DouyinSandbox();
const adapter = new DouyinAdapter();
const received: { headers: IncomingHttpHeaders; body: Buffer }[] = [];
let receiver: Server;

function context(credentials = sandbox.credentials): AdapterContext {
  return {
    connection: {
      id: 'conn-dy',
      tenantId: 'tenant-1',
      platform: 'douyin',
      shopId: sandbox.shopId,
      apiBaseUrl: sandbox.url,
      credentials,
    },
    limiter: { acquire: () => Promise.resolve() },
    now: () => new Date(),
  };
}

async function pullAll(): Promise<Map<string, NormalizedCase>> {
  const seen = new Map<string, NormalizedCase>();
  let cursor: string | null = null;
  for (let guard = 0; guard < 50; guard += 1) {
    const page = await adapter.pull(context(), cursor);
    for (const found of page.cases) seen.set(found.externalId, found);
    cursor = page.nextCursor;
    if (!page.hasMore) return seen;
  }
  throw new Error('pull never caught up');
}

function verifiedEvents() {
  return received.flatMap(
    (push) =>
      adapter.verifyWebhook({ rawBody: push.body, headers: push.headers, query: {} }, context().connection)
        .events,
  );
}

useSandbox(sandbox);

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"msg":"success"}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  sandbox.setPushTarget({
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/v1/webhooks/douyin/conn-dy`,
  });
});
afterAll(async () => {
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe('DouyinSandbox with DouyinAdapter', () => {
  let generated: string[];

  beforeAll(async () => {
    generated = await sandbox.generateCases(9);
  });

  it('pushes signed JSON arrays that verify and resolve to the cases, ids intact', async () => {
    const events = verifiedEvents();
    expect(events.map((event) => event.externalId).sort()).toEqual([...generated].sort());
    expect(events.every((event) => event.eventType === 'RefundCreated')).toBe(true);
    expect(received.some((push) => (JSON.parse(push.body.toString('utf8')) as unknown[]).length > 1)).toBe(
      true,
    );
    const resolved = await adapter.resolveEvent(context(), events[0]);
    expect(resolved?.externalId).toBe(events[0].externalId);
    expect(resolved?.stage).toBe('requested');
  });

  it('rejects a push signed with another secret', () => {
    const [push] = received;
    expect(() =>
      adapter.verifyWebhook(
        { rawBody: push.body, headers: push.headers, query: {} },
        { ...context().connection, credentials: { ...sandbox.credentials, appSecret: 'other' } },
      ),
    ).toThrow(WebhookSignatureError);
  });

  it('serves several shops of one app: one push target naming each shop_id, tokens that read only their own', async () => {
    const other = sandbox.addShop('5550002');
    const before = received.length;
    const theirs = await sandbox.generateCasesFor(other.shopId, 2);
    const messages = received
      .slice(before)
      .flatMap(
        (push) =>
          adapter.verifyAppPush(
            { rawBody: push.body, headers: push.headers, query: {} },
            { appKey: sandbox.credentials.appKey, credentials: sandbox.credentials },
          ).messages,
      );
    expect(messages.map((message) => message.event.externalId).sort()).toEqual([...theirs].sort());
    expect(messages.every((message) => message.shopKeys.join() === other.shopId)).toBe(true);
    await expect(adapter.fetchCase(context(other.credentials), theirs[0])).resolves.toMatchObject({
      externalId: theirs[0],
    });
    // Another shop's after-sale is an invalid id to this token, as a made-up one is.
    expect((await rejection(adapter.fetchCase(context(), theirs[0]))).code).toBe(AdapterErrorCode.INVALID);
    const own = await pullAll();
    expect(theirs.some((id) => own.has(id))).toBe(false);
  });

  it('pulls every case and fetches one', async () => {
    const cases = await pullAll();
    expect([...cases.keys()].sort()).toEqual([...generated].sort());
    const fetched = await adapter.fetchCase(context(), generated[0]);
    expect(fetched.externalId).toBe(generated[0]);
    expect(fetched.requestedAmount).toEqual(cases.get(generated[0])?.requestedAmount);
  });

  it('serves the sub-order delivery time a requested case is read with, and refuses an order read without id', async () => {
    const [delivered, waiting] = await sandbox.generateCases(2);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * 86_400_000);
    sandbox.deliverOrder(delivered, at);
    sandbox.deliverOrder(waiting, null);
    expect((await adapter.fetchCase(context(), delivered)).deliveredAt).toEqual(at);
    expect((await adapter.fetchCase(context(), waiting)).deliveredAt ?? null).toBeNull();
    await expect(new DouyinClient(context()).call(DOUYIN_PATHS.orderDetail, {})).rejects.toMatchObject({
      code: AdapterErrorCode.INVALID,
    });
  });

  it('applies every supported action and enforces the update_time lock', async () => {
    await sandbox.generateCases(20);
    const cases = [...(await pullAll()).values()];
    const refundOnly = cases.filter((found) => found.kind === 'refund_only' && found.stage === 'requested');
    const returns = cases.filter((found) => found.kind === 'return_refund' && found.stage === 'requested');
    if (refundOnly.length < 2 || returns.length < 2) throw new Error('generator produced too few cases');

    const agreed = await adapter.perform(
      context(),
      { type: 'approve_refund', amount: null },
      ticketOf(refundOnly[0]),
    );
    expect(agreed.updatedCase?.stage).toBe('refunded');
    expect(sandbox.caseState(refundOnly[0].externalId)).toMatchObject({
      aftersale_status: 12,
      refund_status: 3,
    });
    const twice = await rejection(
      adapter.perform(context(), { type: 'approve_refund', amount: null }, ticketOf(agreed.updatedCase!)),
    );
    // 50002 isv.business-failed:20309541 "售后状态错误": the case moved on; the hub re-reads it.
    expect(twice.code).toBe(AdapterErrorCode.CONFLICT);

    const refused = await adapter.perform(
      context(),
      { type: 'refuse_refund', reason: '商品已签收且无质量问题', reasonCode: '23' },
      ticketOf(refundOnly[1]),
    );
    expect(refused.updatedCase?.stage).toBe('refused');

    const returnRefused = await adapter.perform(
      context(),
      { type: 'refuse_return', reason: '商品已影响二次销售', reasonCode: '12' },
      ticketOf(returns[1]),
    );
    expect(returnRefused.updatedCase?.stage).toBe('refused');
    expect(sandbox.caseState(returns[1].externalId)).toMatchObject({ aftersale_status: 27 });

    const stale = await rejection(
      adapter.perform(
        context(),
        {
          type: 'approve_return',
          returnAddress: { name: '张三', phone: '13800138000', address: '娄山关路 523 号' },
        },
        { ...ticketOf(returns[0]), platformVersion: String(Number(returns[0].platformVersion) - 1) },
      ),
    );
    expect(stale.code).toBe(AdapterErrorCode.CONFLICT);

    const approved = await adapter.perform(
      context(),
      {
        type: 'approve_return',
        returnAddress: { name: '张三', phone: '13800138000', address: '娄山关路 523 号' },
      },
      ticketOf(returns[0]),
    );
    expect(approved.updatedCase?.stage).toBe('awaiting_return');

    received.length = 0;
    expect(await sandbox.advanceCases(10)).toContain(returns[0].externalId);
    const shippedEvent = verifiedEvents().find((event) => event.externalId === returns[0].externalId);
    expect(shippedEvent?.eventType).toBe('RefundBuyerReturnGoods');
    const shipped = await adapter.resolveEvent(context(), shippedEvent!);
    expect(shipped?.stage).toBe('return_shipped');
    const refunded = await adapter.perform(
      context(),
      { type: 'approve_refund', amount: null },
      ticketOf(shipped!),
    );
    expect(refunded.updatedCase?.stage).toBe('refunded');
  });

  it('duplicates pushes when told to, with the same msg_id so the hub can dedupe', async () => {
    received.length = 0;
    sandbox.injectFault({ kind: 'duplicate_pushes', ratio: 1 });
    await sandbox.generateCases(2);
    const keys = verifiedEvents().map((event) => event.dedupeKey);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(2);
  });

  it('answers a wrong signature and an unknown token with its own errors, mapped to AUTH', async () => {
    const badSign = await rejection(
      adapter.pull(context({ ...sandbox.credentials, appSecret: 'wrong' }), null),
    );
    expect(badSign).toMatchObject({
      code: AdapterErrorCode.AUTH,
      upstream: { code: '40003/isv.signature-invalid' },
    });
    const expired = await rejection(
      adapter.pull(context({ ...sandbox.credentials, accessToken: 'old' }), null),
    );
    expect(expired).toMatchObject({
      code: AdapterErrorCode.AUTH,
      upstream: { code: '40003/isv.access-token-expired' },
    });
  });

  it('fails a whole operate request for one bad item, applying none, as the docs say', async () => {
    await sandbox.generateCases(20);
    const cases = [...(await pullAll()).values()];
    const waiting = cases.filter((found) => found.kind === 'refund_only' && found.stage === 'requested');
    if (waiting.length < 2) throw new Error('generator produced too few cases');
    // The second one is agreed first, so agreeing it again cannot be applied.
    await adapter.perform(context(), { type: 'approve_refund', amount: null }, ticketOf(waiting[1]));
    const done = waiting[1];
    const error = await rejection(
      new DouyinClient(context()).call(DOUYIN_PATHS.operate, {
        type: 201,
        items: [{ aftersale_id: waiting[0].externalId }, { aftersale_id: done.externalId }],
      }),
    );
    expect(error).toMatchObject({
      code: AdapterErrorCode.CONFLICT,
      upstream: { code: '50002/isv.business-failed:20309541' },
    });
    expect((await adapter.fetchCase(context(), waiting[0].externalId)).stage).toBe('requested');
  });

  it('refuses the retired after_sale_address_detail, and takes receiver_address_id', async () => {
    await sandbox.generateCases(20);
    const found = [...(await pullAll()).values()].find(
      (item) => item.kind === 'return_refund' && item.stage === 'requested',
    );
    if (!found) throw new Error('generator produced no return');
    const old = await rejection(
      new DouyinClient(context()).call(DOUYIN_PATHS.operate, {
        type: 101,
        items: [
          {
            aftersale_id: found.externalId,
            logistics: {
              after_sale_address_detail: {
                detail: '娄山关路 523 号',
                user_name: '张三',
                mobile: '13800138000',
              },
            },
          },
        ],
      }),
    );
    expect(old).toMatchObject({ code: AdapterErrorCode.INVALID });
    const approved = await adapter.perform(
      context(),
      { type: 'approve_return', returnAddress: null },
      ticketOf(found),
    );
    expect(approved.updatedCase?.stage).toBe('awaiting_return');
  });

  it('sends x-open-no-old-err-code on every call, and a timestamp more than ten minutes off is refused', async () => {
    const calls = sandbox.calls().filter((call) => call.apiMethod?.startsWith('afterSale.'));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((call) => call.headers['x-open-no-old-err-code'] === '1')).toBe(true);
    const skewed = { ...context(), now: () => new Date(Date.now() - 11 * 60 * 1000) };
    await expect(adapter.pull(skewed, null)).rejects.toMatchObject({
      code: AdapterErrorCode.INVALID,
      upstream: { code: '40004/isv.parameter-invalid:timestamp' },
    });
    const close = { ...context(), now: () => new Date(Date.now() - 9 * 60 * 1000) };
    await expect(adapter.pull(close, null)).resolves.toMatchObject({ nextCursor: expect.any(String) });
  });

  it('renders injected faults: throttle → RATE_LIMITED, server error → TEMPORARY', async () => {
    sandbox.injectFault({ kind: 'throttle', times: 1 });
    expect((await rejection(adapter.fetchCase(context(), generated[0]))).code).toBe(
      AdapterErrorCode.RATE_LIMITED,
    );
    sandbox.injectFault({ kind: 'server_error', times: 1 });
    expect((await rejection(adapter.fetchCase(context(), generated[0]))).code).toBe(
      AdapterErrorCode.TEMPORARY,
    );
    expect((await adapter.fetchCase(context(), generated[0])).externalId).toBe(generated[0]);
  });
});
