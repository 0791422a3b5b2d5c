import type { MarketplaceSandbox } from '../adapters/contract';
import type { GenericSandbox } from '../adapters/generic/generic.sandbox';

/** How often something happens upstream; a case every few seconds across the platforms. */
export const DEMO_TRAFFIC = {
  newCaseEveryMs: 2_500,
  /** One tick in this many moves existing cases along (returns shipped, refunds made, cases closed). */
  advanceEvery: 3,
  /** A burst of cases on one SKU; the demo tenant's incident threshold is this many in one minute. */
  burstEveryMs: 90_000,
  firstBurstAfterMs: 30_000,
  burstSize: 12,
  /** Share of pushes each sandbox sends twice, and share it sends out of order. */
  duplicateRatio: 0.1,
  reorderRatio: 0.1,
} as const;

/** The product whose bursts of complaints make incidents, in Chinese as the storefront lists it. */
const BURST_PRODUCT = {
  sku: 'KETTLE-1.7',
  title: '电热水壶 1.7L',
  unitPrice: { amount: '159.00', currency: 'CNY' },
};
const BURST_REASONS = ['水壶底部漏水，用了一次就坏了', 'Kettle leaks from the base after one use'];

/**
 * Keeps realistic traffic flowing through the sandboxes, as buyers and platforms would: new cases in Chinese
 * and English (some threatening escalation), cases moving on, duplicated and reordered pushes, and now and
 * then a burst on one SKU. Failures are reported and the traffic goes on.
 */
export class DemoTraffic {
  private timers: NodeJS.Timeout[] = [];
  private ticks = 0;
  private busy = 0;

  constructor(
    private readonly sandboxes: MarketplaceSandbox[],
    private readonly generic: GenericSandbox,
    private readonly report: (message: string) => void,
  ) {}

  start(): void {
    for (const sandbox of this.sandboxes) {
      sandbox.injectFault({ kind: 'duplicate_pushes', ratio: DEMO_TRAFFIC.duplicateRatio });
      sandbox.injectFault({ kind: 'reorder_pushes', ratio: DEMO_TRAFFIC.reorderRatio });
    }
    this.timers.push(setInterval(() => this.run(() => this.tick()), DEMO_TRAFFIC.newCaseEveryMs));
    this.timers.push(setTimeout(() => this.run(() => this.burst()), DEMO_TRAFFIC.firstBurstAfterMs));
    this.timers.push(setInterval(() => this.run(() => this.burst()), DEMO_TRAFFIC.burstEveryMs));
  }

  /** A first batch on every platform, so the inbox is not empty while the traffic warms up. */
  async seed(perPlatform: number): Promise<void> {
    await Promise.all(this.sandboxes.map((sandbox) => sandbox.generateCases(perPlatform)));
  }

  /** Stops the timers and waits for what is in flight, so no push lands on a closing hub. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    const deadline = Date.now() + 5_000;
    while (this.busy > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  private run(work: () => Promise<void>): void {
    this.busy++;
    work()
      .catch((error: unknown) => this.report(`traffic: ${(error as Error).message}`))
      .finally(() => {
        this.busy--;
      });
  }

  private async tick(): Promise<void> {
    this.ticks++;
    const sandbox = this.sandboxes[Math.floor(Math.random() * this.sandboxes.length)];
    if (this.ticks % DEMO_TRAFFIC.advanceEvery === 0) {
      await sandbox.advanceCases(1 + Math.floor(Math.random() * 2));
      return;
    }
    await sandbox.generateCases(1);
  }

  private async burst(): Promise<void> {
    const ids = [];
    for (let i = 0; i < DEMO_TRAFFIC.burstSize; i++) {
      const reason = BURST_REASONS[i % BURST_REASONS.length];
      ids.push(
        ...(await this.generic.generateCases(1, {
          kind: 'return_refund',
          reason,
          reasonCode: 'quality',
          items: [{ ...BURST_PRODUCT, quantity: 1 }],
          requestedAmount: BURST_PRODUCT.unitPrice,
        })),
      );
    }
    this.report(`burst: ${ids.length} cases on ${BURST_PRODUCT.sku}`);
  }
}
