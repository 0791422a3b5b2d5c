import { randomUUID } from 'node:crypto';
import type { GenericCaseData } from '../../adapters/generic/generic.types';
import { signStandardWebhook } from '../../adapters/shared/standard-webhooks';

/** A canonical case as a custom storefront would push it; override what the test is about. */
export function genericCase(overrides: Partial<GenericCaseData> = {}): GenericCaseData {
  const now = new Date().toISOString();
  return {
    externalId: `C-${randomUUID().slice(0, 8)}`,
    externalOrderId: 'O-1001',
    kind: 'return_refund',
    stage: 'requested',
    reason: '收到的杯子有破损',
    reasonCode: 'damaged',
    requestedAmount: { amount: '129.00', currency: 'CNY' },
    buyer: { externalId: 'b-1', displayName: 't**1', vip: false },
    items: [
      {
        sku: 'CUP-330-WHT',
        title: '陶瓷马克杯 330ml 白色',
        quantity: 1,
        unitPrice: { amount: '129.00', currency: 'CNY' },
      },
    ],
    evidence: [],
    externalCreatedAt: now,
    externalUpdatedAt: now,
    ...overrides,
  };
}

export interface SignedPush {
  body: string;
  headers: Record<string, string>;
}

export function signedGenericPush(
  secret: string,
  data: unknown,
  id = `msg_${randomUUID()}`,
  at = new Date(),
): SignedPush {
  const body = JSON.stringify({ type: 'case.upserted', data });
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signStandardWebhook(secret, id, timestamp, body),
    },
  };
}

type SlaSeverity = 'critical' | 'high' | 'normal' | 'low';

/**
 * A `PUT /v1/sla-policies` body: every severity gets `[firstResponseMinutes, resolutionMinutes]`, a year
 * unless given, so only the clocks a test is about run out while it runs.
 */
export function slaPolicies(minutes: Partial<Record<SlaSeverity, [number, number]>> = {}): {
  policies: Record<SlaSeverity, { firstResponseMinutes: number; resolutionMinutes: number }>;
} {
  const year: [number, number] = [365 * 24 * 60, 365 * 24 * 60];
  const policy = (severity: SlaSeverity) => {
    const [firstResponseMinutes, resolutionMinutes] = minutes[severity] ?? year;
    return { firstResponseMinutes, resolutionMinutes };
  };
  return {
    policies: {
      critical: policy('critical'),
      high: policy('high'),
      normal: policy('normal'),
      low: policy('low'),
    },
  };
}
