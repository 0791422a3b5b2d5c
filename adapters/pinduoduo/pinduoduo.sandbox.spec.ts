import { AdapterErrorCode, type AdapterContext, type NormalizedCase, type UnmappedCase } from '../contract';
import { buildPddParams, PinduoduoClient } from './pinduoduo.client';
import { PDD_METHODS } from './pinduoduo.types';
import { PinduoduoAdapter } from './pinduoduo.adapter';
import { PinduoduoSandbox } from './pinduoduo.sandbox';
import { rejection } from '../shared/testing/nock-guard';
import { sandboxContext, ticketOf, useSandbox } from '../shared/testing/sandbox';

const sandbox = new PinduoduoSandbox();
const adapter = new PinduoduoAdapter();

function context(credentials = sandbox.credentials, now = () => new Date()): AdapterContext {
  return sandboxContext(sandbox, credentials, now);
}

const unmapped: UnmappedCase[] = [];

async function pullAll(ctx: AdapterContext): Promise<Map<string, NormalizedCase>> {
  const seen = new Map<string, NormalizedCase>();
  let cursor: string | null = null;
  for (let guard = 0; guard < 200; guard += 1) {
    const page = await adapter.pull(ctx, cursor);
    for (const found of page.cases) seen.set(found.externalId, found);
    unmapped.push(...(page.unmapped ?? []));
    cursor = page.nextCursor;
    if (!page.hasMore) return seen;
  }
  throw new Error('pull never caught up');
}

useSandbox(sandbox);

describe('PinduoduoSandbox with PinduoduoAdapter', () => {
  let cases: Map<string, NormalizedCase>;

  beforeAll(async () => {
    await sandbox.generateCases(12);
    cases = await pullAll(context());
  });

  it('pulls every generated case through 30-minute windows, ids intact', () => {
    expect(cases.size).toBe(12);
    for (const [id, found] of cases) {
      expect(id).toMatch(/^7\d{18}$/);
      expect(sandbox.caseState(id)).toMatchObject({ id });
      expect(found.requestedAmount?.currency).toBe('CNY');
    }
    const windows = sandbox
      .calls()
      .filter((call) => call.apiMethod === 'pdd.refund.list.increment.get')
      .map((call) => new URLSearchParams(call.body))
      .map((form) => Number(form.get('end_updated_at')) - Number(form.get('start_updated_at')));
    expect(Math.max(...windows)).toBeLessThanOrEqual(30 * 60);
  });

  it('fetches one case by order number and id', async () => {
    const [first] = cases.values();
    const fetched = await adapter.fetchCase(context(), first.externalId, first.externalOrderId);
    expect(fetched).toMatchObject({
      externalId: first.externalId,
      kind: first.kind,
      requestedAmount: first.requestedAmount,
    });
  });

  it('agrees a refund once, and the platform refuses a second agree', async () => {
    const refundOnly = [...cases.values()].find(
      (found) => found.kind === 'refund_only' || found.kind === 'exchange',
    );
    if (!refundOnly) throw new Error('generator produced no refund-only case');
    const outcome = await adapter.perform(
      context(),
      { type: 'approve_refund', amount: null },
      ticketOf(refundOnly),
    );
    expect(outcome.updatedCase?.stage).toBe('refunding');
    expect(sandbox.caseState(refundOnly.externalId)).toMatchObject({ after_sales_status: 4 });
    const again = await rejection(
      adapter.perform(context(), { type: 'approve_refund', amount: null }, ticketOf(refundOnly)),
    );
    expect(again.code).toBe(AdapterErrorCode.INVALID);
    await sandbox.advanceCases(50);
    expect(sandbox.caseState(refundOnly.externalId)).toMatchObject({ after_sales_status: 10 });
  });

  it('agrees a return with the address looked up, then sees the parcel come back', async () => {
    await sandbox.generateCases(20);
    const fresh = await pullAll(context());
    const returnCase = [...fresh.values()].find(
      (found) => found.kind === 'return_refund' && found.stage === 'requested',
    );
    if (!returnCase) throw new Error('generator produced no return case');
    const outcome = await adapter.perform(
      context(),
      { type: 'approve_return', returnAddress: null },
      ticketOf(returnCase),
    );
    expect(outcome.updatedCase?.stage).toBe('awaiting_return');
    expect(sandbox.calls().some((call) => call.apiMethod === 'pdd.refund.address.list.get')).toBe(true);
    await sandbox.advanceCases(50);
    const shipped = await adapter.fetchCase(context(), returnCase.externalId, returnCase.externalOrderId);
    expect(shipped.stage).toBe('return_shipped');
    const refunded = await adapter.perform(
      context(),
      { type: 'approve_refund', amount: null },
      ticketOf(shipped),
    );
    expect(refunded.updatedCase?.stage).toBe('refunding');
  });

  it('answers the detail with its fields at the top level, and a wrapped answer would not be read', async () => {
    const [id] = [...cases.keys()];
    const found = cases.get(id)!;
    const params = buildPddParams(
      PDD_METHODS.refundInformation,
      { after_sales_id: id, order_sn: found.externalOrderId ?? '' },
      sandbox.credentials,
      new Date(),
    );
    const response = await fetch(sandbox.url, { method: 'POST', body: new URLSearchParams(params) });
    const answer = (await response.json()) as Record<string, unknown>;
    expect(answer).toMatchObject({ order_sn: found.externalOrderId, after_sales_status: expect.any(Number) });
    expect(answer).not.toHaveProperty('refund_information_get_response');
  });

  it('answers a wrong signature with 20004 and a wrong client id with 10016, both AUTH', async () => {
    const error = await rejection(
      adapter.pull(context({ ...sandbox.credentials, clientSecret: 'wrong' }), null),
    );
    expect(error).toMatchObject({ code: AdapterErrorCode.AUTH, upstream: { code: '20004' } });
    const client = await rejection(
      adapter.pull(context({ ...sandbox.credentials, clientId: 'other' }), null),
    );
    expect(client).toMatchObject({ code: AdapterErrorCode.AUTH, upstream: { code: '10016' } });
  });

  it('refuses a timestamp more than ten minutes off, and accepts one nine minutes off', async () => {
    const skewed = (seconds: number) =>
      context(sandbox.credentials, () => new Date(Date.now() - seconds * 1000));
    const error = await rejection(adapter.pull(skewed(11 * 60), null));
    expect(error).toMatchObject({ code: AdapterErrorCode.INVALID, upstream: { code: '10001' } });
    await expect(adapter.pull(skewed(9 * 60), null)).resolves.toMatchObject({ hasMore: true });
  });

  it('keeps a case with an unknown status aside and pulls the rest of the page', async () => {
    const ids = await sandbox.generateCases(3);
    sandbox.setStatus(ids[1], 99);
    unmapped.length = 0;
    // The change is stamped a second ahead when it lands in the second the case was made.
    const pulled = await pullAll(context(sandbox.credentials, () => new Date(Date.now() + 2000)));
    expect([ids[0], ids[1], ids[2]].map((id) => pulled.has(id))).toEqual([true, false, true]);
    const kept = unmapped.find((item) => item.event.externalId === ids[1]);
    expect(kept?.error).toBe('unknown Pinduoduo after_sales_status 99');
    sandbox.setStatus(ids[1], 10);
    await expect(adapter.resolveEvent(context(), kept!.event)).resolves.toMatchObject({
      externalId: ids[1],
      stage: 'refunded',
    });
  });

  it('serves the order receive_time a requested case is read with, and refuses an order read without order_sn', async () => {
    const [received, waiting] = await sandbox.generateCases(2);
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 2 * 86_400_000);
    sandbox.receiveOrder(received, at);
    sandbox.receiveOrder(waiting, null);
    const orderOf = (id: string) => (sandbox.caseState(id) as { order_sn: string }).order_sn;
    expect((await adapter.fetchCase(context(), received, orderOf(received))).deliveredAt).toEqual(at);
    expect((await adapter.fetchCase(context(), waiting, orderOf(waiting))).deliveredAt ?? null).toBeNull();
    await expect(new PinduoduoClient(context()).call(PDD_METHODS.orderInformation, {})).rejects.toMatchObject(
      { code: AdapterErrorCode.INVALID },
    );
  });

  it('answers an unknown token with 10019, mapped to AUTH', async () => {
    const error = await rejection(
      adapter.pull(context({ ...sandbox.credentials, accessToken: 'stale' }), null),
    );
    expect(error).toMatchObject({ code: AdapterErrorCode.AUTH, upstream: { code: '10019' } });
  });

  it('renders an injected throttle as error 52101 (RATE_LIMITED) and a server error as TEMPORARY', async () => {
    sandbox.injectFault({ kind: 'throttle', times: 1 });
    const throttled = await rejection(adapter.pull(context(), null));
    expect(throttled).toMatchObject({ code: AdapterErrorCode.RATE_LIMITED, upstream: { code: '52101' } });
    sandbox.injectFault({ kind: 'server_error', times: 1 });
    expect((await rejection(adapter.pull(context(), null))).code).toBe(AdapterErrorCode.TEMPORARY);
  });
});
