import { randomUUID } from 'node:crypto';
import type { MarketplaceSandbox, SandboxPushTarget } from '../contract';
import { HttpSandbox } from '../shared/http-sandbox';
import { generateOrder, pick, SAMPLE_BUYERS, SAMPLE_REASONS } from '../shared/case-generator';
import { minorToDecimal } from '../shared/money';
import { bigId, postPush, SandboxHttpServer, shufflePushes } from '../shared/sandbox-server';
import { generateWebhookSecret, signStandardWebhook } from '../shared/standard-webhooks';
import type { GenericCaseData, GenericPushBody } from './generic.types';

const NEXT_STAGE: Record<string, string | undefined> = {
  requested: 'awaiting_return',
  awaiting_return: 'return_shipped',
  return_shipped: 'return_received',
  return_received: 'refunded',
};

/**
 * A custom storefront: keeps its cases, pushes them to the hub signed with Standard Webhooks, and
 * serves `GET /cases/:id` so a test can compare. Push faults (duplicates, reordering) apply to pushes.
 */
export class GenericSandbox extends HttpSandbox implements MarketplaceSandbox {
  readonly platform = 'generic' as const;
  readonly shopId = 'demo-storefront';
  readonly credentials: Record<string, string>;
  private readonly cases = new Map<string, GenericCaseData>();
  private target: SandboxPushTarget | null = null;
  protected readonly http = new SandboxHttpServer(
    (request) => {
      const match = /^\/cases\/([^/]+)$/.exec(request.path);
      const found = match ? this.cases.get(decodeURIComponent(match[1])) : undefined;
      return found ? { status: 200, body: found } : { status: 404, body: { error: 'not found' } };
    },
    (request) => `${request.method} ${request.path}`,
  );

  constructor(webhookSecret = generateWebhookSecret()) {
    super();
    this.credentials = { webhookSecret };
  }

  setPushTarget(target: SandboxPushTarget | null): void {
    this.target = target;
  }

  /** `overrides` shapes every generated case, e.g. the same SKU for a burst of complaints about one product. */
  async generateCases(count: number, overrides: Partial<GenericCaseData> = {}): Promise<string[]> {
    const created: GenericCaseData[] = [];
    for (let i = 0; i < count; i += 1) {
      const reason = pick(SAMPLE_REASONS);
      const order = generateOrder();
      const now = new Date().toISOString();
      const data: GenericCaseData = {
        externalId: bigId('9'),
        externalOrderId: bigId('5'),
        kind: reason.kind,
        stage: 'requested',
        reason: reason.text,
        reasonCode: reason.code,
        requestedAmount: { amount: minorToDecimal(order.requestedMinor, 'CNY'), currency: 'CNY' },
        buyer: {
          externalId: `b-${randomUUID().slice(0, 8)}`,
          displayName: pick(SAMPLE_BUYERS),
          vip: Math.random() < 0.1,
        },
        items: order.lines.map((line) => ({
          sku: line.sku,
          title: line.title,
          quantity: line.quantity,
          unitPrice: { amount: minorToDecimal(line.priceMinor, 'CNY'), currency: 'CNY' },
        })),
        evidence: reason.code === 'damaged' ? ['https://img.example.com/evidence/damaged-1.jpg'] : [],
        externalCreatedAt: now,
        externalUpdatedAt: now,
        ...overrides,
      };
      this.cases.set(String(data.externalId), data);
      created.push(data);
    }
    await this.push(created);
    return created.map((data) => String(data.externalId));
  }

  async advanceCases(count: number): Promise<string[]> {
    const moved: GenericCaseData[] = [];
    for (const data of this.cases.values()) {
      if (moved.length >= count) break;
      const next = NEXT_STAGE[data.stage];
      if (!next) continue;
      data.stage = next;
      data.externalUpdatedAt = new Date().toISOString();
      if (next === 'refunded') data.refundedAmount = data.requestedAmount;
      moved.push(data);
    }
    await this.push(moved);
    return moved.map((data) => String(data.externalId));
  }

  caseState(externalId: string): GenericCaseData | undefined {
    return this.cases.get(externalId);
  }

  /** Signs and sends one delivery per case snapshot, in order unless faults say otherwise. */
  private async push(snapshots: GenericCaseData[]): Promise<void> {
    const target = this.target;
    if (!target) return;
    const deliveries = snapshots.map((data) => {
      const body: GenericPushBody = { type: 'case.upserted', data: structuredClone(data) };
      return { id: `msg_${randomUUID()}`, body: JSON.stringify(body) };
    });
    for (const delivery of shufflePushes(deliveries, this.http.duplicateRatio, this.http.reorderRatio)) {
      const timestamp = Math.floor(Date.now() / 1000);
      await postPush(target.url, delivery.body, {
        'webhook-id': delivery.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signStandardWebhook(
          this.credentials.webhookSecret,
          delivery.id,
          timestamp,
          delivery.body,
        ),
      });
    }
  }
}
