import { AdapterError, AdapterErrorCode, type AdapterContext, type NormalizedCase } from '../contract';
import { DELIVERY_UNKNOWN_TTL_MS, DeliveryTimes, needsDeliveryTime } from './delivery-times';

const SIGNED = new Date('2026-11-20T08:00:00Z');
let now = new Date('2026-11-23T09:00:00Z');
const ctx = (connectionId = 'c1'): AdapterContext => ({
  connection: {
    id: connectionId,
    tenantId: 't1',
    platform: 'taobao',
    shopId: 's',
    apiBaseUrl: 'https://example.invalid',
    credentials: {},
  },
  limiter: { acquire: () => Promise.resolve() },
  now: () => now,
});

const item = (changes: Partial<NormalizedCase> = {}): NormalizedCase => ({
  externalId: 'r1',
  externalOrderId: 'o1',
  kind: 'refund_only',
  stage: 'requested',
  reason: null,
  reasonCode: null,
  category: null,
  requestedAmount: null,
  refundedAmount: null,
  buyer: null,
  items: [],
  evidence: [],
  platformDeadlineAt: null,
  externalCreatedAt: now,
  externalUpdatedAt: now,
  platformVersion: null,
  raw: {},
  ...changes,
});

describe('DeliveryTimes', () => {
  it('reads only requested refunds and returns with an order and no delivery time yet', () => {
    expect(needsDeliveryTime(item())).toBe(true);
    expect(needsDeliveryTime(item({ kind: 'return_refund' }))).toBe(true);
    expect(needsDeliveryTime(item({ kind: 'exchange' }))).toBe(false);
    expect(needsDeliveryTime(item({ stage: 'refunded' }))).toBe(false);
    expect(needsDeliveryTime(item({ externalOrderId: null }))).toBe(false);
    expect(needsDeliveryTime(item({ deliveredAt: SIGNED }))).toBe(false);
  });

  it('reads an order once per connection, and asks again for one not delivered after a while', async () => {
    const answers: (Date | null)[] = [null, SIGNED, SIGNED];
    const lookup = jest.fn(() => Promise.resolve(answers.shift() ?? null));
    const times = new DeliveryTimes(lookup);
    expect((await times.fillOne(ctx(), item())).deliveredAt ?? null).toBeNull();
    expect((await times.fillOne(ctx(), item({ externalId: 'r2' }))).deliveredAt ?? null).toBeNull();
    expect(lookup).toHaveBeenCalledTimes(1);
    now = new Date(now.getTime() + DELIVERY_UNKNOWN_TTL_MS + 1);
    expect((await times.fill(ctx(), [item(), item()])).map((found) => found.deliveredAt)).toEqual([
      SIGNED,
      SIGNED,
    ]);
    expect(lookup).toHaveBeenCalledTimes(2);
    expect((await times.fillOne(ctx('c2'), item())).deliveredAt).toEqual(SIGNED);
    expect(lookup).toHaveBeenCalledTimes(3);
  });

  it('fails on a throttled or failing read, and leaves the time unknown on any other refusal', async () => {
    for (const code of [AdapterErrorCode.RATE_LIMITED, AdapterErrorCode.TEMPORARY]) {
      const times = new DeliveryTimes(() => Promise.reject(new AdapterError(code, 'no')));
      await expect(times.fillOne(ctx(), item())).rejects.toMatchObject({ code });
    }
    for (const code of [AdapterErrorCode.AUTH, AdapterErrorCode.NOT_FOUND, AdapterErrorCode.INVALID]) {
      const times = new DeliveryTimes(() => Promise.reject(new AdapterError(code, 'no')));
      expect((await times.fillOne(ctx(), item())).deliveredAt ?? null).toBeNull();
    }
  });
});
