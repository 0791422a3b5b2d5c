import {
  AdapterError,
  AdapterErrorCode,
  type AdapterContext,
  type NormalizedCase,
  type TicketKind,
} from '../contract';

/**
 * Kinds whose delivery time is worth one extra read: the fast-refund policy decides only on requested cases of
 * the kinds it lists (refund only by default, returns when a tenant adds them), and counts its window from it.
 */
export const DELIVERY_LOOKUP_KINDS: readonly TicketKind[] = ['refund_only', 'return_refund'];

/** How long a read delivery time is reused per order: a signed-for parcel stays signed for. */
export const DELIVERY_KNOWN_TTL_MS = 24 * 60 * 60 * 1000;
/** How long "not delivered yet" is reused per order before the platform is asked again. */
export const DELIVERY_UNKNOWN_TTL_MS = 10 * 60 * 1000;
/** Orders remembered per process; the oldest are forgotten first. */
export const DELIVERY_CACHE_ENTRIES = 10_000;

/** Whether the auto-refund policy could need this case's delivery time and the case does not carry it. */
export function needsDeliveryTime(item: NormalizedCase): boolean {
  return (
    item.stage === 'requested' &&
    DELIVERY_LOOKUP_KINDS.includes(item.kind) &&
    !item.deliveredAt &&
    !!item.externalOrderId
  );
}

/** Reads an order's delivery (sign-for) time upstream; null when the platform has none for it (yet). */
export type DeliveryLookup = (ctx: AdapterContext, item: NormalizedCase) => Promise<Date | null>;

/**
 * Fills `deliveredAt` of the cases that need it with one read per order, through the adapter's client (and so its
 * rate limiter), remembered per connection and order. A throttled or failing read fails the call, so the case is
 * retried rather than decided without its delivery time; any other refusal (no permission for the extra API, an
 * order the platform no longer serves) leaves the time unknown, and the policy's `whenDeliveryUnknown` applies.
 */
export class DeliveryTimes {
  private readonly cache = new Map<string, { value: Date | null; until: number }>();

  constructor(
    private readonly lookup: DeliveryLookup,
    /** Orders with the same key share one read (Douyin keys by the sub-order a case is about). */
    private readonly keyOf: (item: NormalizedCase) => string | null = (item) => item.externalOrderId,
  ) {}

  async fill(ctx: AdapterContext, cases: NormalizedCase[]): Promise<NormalizedCase[]> {
    const filled: NormalizedCase[] = [];
    for (const item of cases) filled.push(await this.fillOne(ctx, item));
    return filled;
  }

  async fillOne(ctx: AdapterContext, item: NormalizedCase): Promise<NormalizedCase> {
    const orderKey = needsDeliveryTime(item) ? this.keyOf(item) : null;
    if (!orderKey) return item;
    const key = `${ctx.connection.id}:${orderKey}`;
    const now = ctx.now().getTime();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.value ? { ...item, deliveredAt: cached.value } : item;
    let value: Date | null;
    try {
      value = await this.lookup(ctx, item);
    } catch (error) {
      if (
        error instanceof AdapterError &&
        (error.code === AdapterErrorCode.RATE_LIMITED || error.code === AdapterErrorCode.TEMPORARY)
      ) {
        throw error;
      }
      value = null;
    }
    this.remember(key, value, now);
    return value ? { ...item, deliveredAt: value } : item;
  }

  private remember(key: string, value: Date | null, now: number): void {
    this.cache.delete(key);
    this.cache.set(key, {
      value,
      until: now + (value ? DELIVERY_KNOWN_TTL_MS : DELIVERY_UNKNOWN_TTL_MS),
    });
    while (this.cache.size > DELIVERY_CACHE_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }
}
