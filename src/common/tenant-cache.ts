/**
 * Per-tenant settings kept in memory for a short time, so the ingest path reads them from the database
 * about once per TTL. Concurrent misses share one load; a failed load is not kept.
 */
export class TenantCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly load: (tenantId: string) => Promise<T>,
    private readonly now: () => number = Date.now,
  ) {}

  get(tenantId: string): Promise<T> {
    const entry = this.entries.get(tenantId);
    if (entry && entry.expiresAt > this.now()) return entry.value;
    const value = this.load(tenantId);
    const fresh = { value, expiresAt: this.now() + this.ttlMs };
    this.entries.set(tenantId, fresh);
    value.catch(() => {
      if (this.entries.get(tenantId) === fresh) this.entries.delete(tenantId);
    });
    return value;
  }

  /** After a write in this process; other processes see it once their entry expires. */
  invalidate(tenantId: string): void {
    this.entries.delete(tenantId);
  }
}
