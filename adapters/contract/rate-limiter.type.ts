/**
 * A per-connection budget shared by pulls and push-back across every worker process. Adapters call
 * `acquire` before each upstream request; cost-based platforms (Shopify) report what the platform said.
 */
export interface RateLimiter {
  acquire(cost?: number): Promise<void>;
  report?(status: { available: number; capacity: number; restorePerSecond: number }): Promise<void>;
}

export const UNLIMITED: RateLimiter = { acquire: () => Promise.resolve() };
