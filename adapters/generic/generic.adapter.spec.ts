import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdapterError, UNLIMITED, WebhookSignatureError, type AdapterConnection } from '../contract';
import { GenericAdapter } from './generic.adapter';

const fixture = readFileSync(join(__dirname, '__fixtures__', 'case-upserted.json'));
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const connection: AdapterConnection = {
  id: 'c1',
  tenantId: 't1',
  platform: 'generic',
  shopId: 'own',
  apiBaseUrl: '',
  credentials: { webhookSecret: SECRET },
};
const AT = new Date(1_763_884_800_000);
// Computed once with: (printf 'msg_1.1763884800.'; cat __fixtures__/case-upserted.json) |
//   openssl dgst -sha256 -mac HMAC -macopt hexkey:<hex of the base64-decoded secret> -binary | base64
const SIGNATURE = 'v1,o1wvg5iefZEZWHrsmdU28y4nYCYjSD54RoBMnXkMjts=';

describe('GenericAdapter', () => {
  const adapter = new GenericAdapter();
  const push = (signature: string, body: Buffer = fixture) => ({
    rawBody: body,
    headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': '1763884800', 'webhook-signature': signature },
    query: {},
  });

  it('verifies a push by its signature and keys it on webhook-id', () => {
    const verified = adapter.verifyWebhook(push(SIGNATURE), connection, AT);
    expect(verified.events).toEqual([
      {
        dedupeKey: 'msg_1',
        eventType: 'case.upserted',
        externalId: '7091800003790954036',
        payload: fixture.toString('utf8'),
      },
    ]);
  });

  it('rejects a push whose body was changed after signing', () => {
    const tampered = Buffer.from(fixture.toString('utf8').replace('129.00', '999.00'));
    expect(() => adapter.verifyWebhook(push(SIGNATURE, tampered), connection, AT)).toThrow(
      WebhookSignatureError,
    );
  });

  it('normalises the case: the 19-digit id exactly, money in minor units, dates as dates', async () => {
    const [event] = adapter.verifyWebhook(push(SIGNATURE), connection, AT).events;
    const item = await adapter.resolveEvent({ connection, limiter: UNLIMITED, now: () => AT }, event);
    expect(item).toMatchObject({
      externalId: '7091800003790954036',
      externalOrderId: '5123456789012345678',
      kind: 'return_refund',
      stage: 'awaiting_return',
      requestedAmount: { amountMinor: 12900, currency: 'CNY' },
      refundedAmount: null,
      buyer: { externalId: 'b-1', displayName: 't**1', vip: true },
      items: [{ sku: 'CUP-330-WHT', quantity: 2, unitPrice: { amountMinor: 6450, currency: 'CNY' } }],
      platformDeadlineAt: new Date('2026-11-30T10:00:00Z'),
      externalUpdatedAt: new Date('2026-11-23T09:00:00Z'),
    });
  });

  it('explains what is wrong with a payload it cannot normalise', async () => {
    const context = { connection, limiter: UNLIMITED, now: () => AT };
    const event = (data: unknown) => ({
      dedupeKey: 'x',
      eventType: 'case.upserted',
      externalId: null,
      payload: JSON.stringify({ type: 'case.upserted', data }),
    });
    await expect(
      adapter.resolveEvent(context, event({ externalId: '1', kind: 'gift', stage: 'requested' })),
    ).rejects.toThrow('data.kind must be one of');
    await expect(
      adapter.resolveEvent(
        context,
        event({
          externalId: '1',
          kind: 'inquiry',
          stage: 'requested',
          externalCreatedAt: 'soon',
          externalUpdatedAt: 'soon',
        }),
      ),
    ).rejects.toThrow('data.externalCreatedAt must be an ISO 8601 date-time');
    await expect(
      adapter.resolveEvent(context, {
        dedupeKey: 'x',
        eventType: 'case.upserted',
        externalId: null,
        payload: 'not json',
      }),
    ).rejects.toBeInstanceOf(AdapterError);
  });

  it('refuses negative amounts as INVALID', async () => {
    const context = { connection, limiter: UNLIMITED, now: () => AT };
    const at = '2026-11-23T09:00:00Z';
    const data = (money: { requestedAmount?: unknown; refundedAmount?: unknown }) => ({
      dedupeKey: 'x',
      eventType: 'case.upserted',
      externalId: null,
      payload: JSON.stringify({
        type: 'case.upserted',
        data: {
          externalId: '1',
          kind: 'refund_only',
          stage: 'requested',
          externalCreatedAt: at,
          externalUpdatedAt: at,
          ...money,
        },
      }),
    });
    await expect(
      adapter.resolveEvent(context, data({ requestedAmount: { amount: '-129.00', currency: 'CNY' } })),
    ).rejects.toMatchObject({ code: 'INVALID', message: 'data.requestedAmount.amount must not be negative' });
    await expect(
      adapter.resolveEvent(context, data({ refundedAmount: { amount: '-0.01', currency: 'USD' } })),
    ).rejects.toMatchObject({ code: 'INVALID' });
    await expect(
      adapter.resolveEvent(context, data({ requestedAmount: { amount: '0.00', currency: 'CNY' } })),
    ).resolves.toMatchObject({ requestedAmount: { amountMinor: 0, currency: 'CNY' } });
  });

  it('declares that it takes no decisions upstream', async () => {
    expect(adapter.capabilities.actions).toEqual([]);
    await expect(adapter.perform()).rejects.toMatchObject({ code: 'UNSUPPORTED' });
  });
});
