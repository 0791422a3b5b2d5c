import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { OutboxReader, type StreamRow } from './outbox-reader.repository';

/** How often the outbox is read while someone listens: the floor of the delay from a change to a browser. */
export const STREAM_POLL_INTERVAL_MS = 250;
/** A sequence number skipped by the reader waits this long for its transaction to commit, then counts as rolled back. */
export const STREAM_GAP_WAIT_MS = 10_000;
/** A client resuming further back than this many events is told to reload instead of replaying them all. */
export const STREAM_CATCH_UP_LIMIT = 2_000;
const PAGE = 500;
const MAX_TRACKED_GAPS = 2_000;

/** What one listener receives: the outbox event as the outbound webhooks carry it. */
export interface StreamEvent {
  seq: string;
  type: string;
  envelope: { id: string; type: string; timestamp: Date; data: Record<string, unknown> };
}

export interface StreamListener {
  tenantId: string;
  deliver(event: StreamEvent): void;
  /** The client is too far behind to replay; it should reload what it shows. */
  resync(): void;
  close(): void;
}

const toEvent = (row: StreamRow): StreamEvent => ({
  seq: row.seq,
  type: row.type,
  envelope: { id: row.id, type: row.type, timestamp: row.createdAt, data: row.payload ?? {} },
});

class Subscription {
  private ready = false;
  private readonly queued: StreamEvent[] = [];
  /** Catch-up and live reading can both see an event that committed late; each is sent once. */
  private readonly sent = new Set<string>();

  constructor(readonly listener: StreamListener) {}

  push(event: StreamEvent): void {
    if (!this.ready) {
      this.queued.push(event);
      return;
    }
    this.send(event);
  }

  /** Catch-up events go out before the ones queued meanwhile. */
  replay(event: StreamEvent): void {
    this.send(event);
  }

  private send(event: StreamEvent): void {
    if (this.sent.has(event.seq)) return;
    this.sent.add(event.seq);
    if (this.sent.size > MAX_TRACKED_GAPS * 2) {
      const oldest = this.sent.values().next().value;
      if (oldest !== undefined) this.sent.delete(oldest);
    }
    this.listener.deliver(event);
  }

  open(): void {
    this.ready = true;
    for (const event of this.queued.splice(0)) this.push(event);
  }
}

/**
 * Fans the outbox out to the browsers connected to this process. One reader per process follows the
 * outbox by sequence number whatever the number of listeners, and only while there are some. It runs
 * on a timer in the process holding the connections, not as a queue job: the sockets live here.
 */
@Injectable()
export class StreamService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(StreamService.name);
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  private watermark: string | null = null;
  private readonly gaps = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly outbox: OutboxReader) {}

  /** Starts sending the listener its tenant's events; after `lastEventId` first, when it resumes. */
  async subscribe(listener: StreamListener, lastEventId: string | null): Promise<() => void> {
    if (this.watermark === null) this.watermark = await this.outbox.latestSeq();
    const subscription = new Subscription(listener);
    const forTenant = this.subscriptions.get(listener.tenantId) ?? new Set<Subscription>();
    forTenant.add(subscription);
    this.subscriptions.set(listener.tenantId, forTenant);
    this.schedule();
    const unsubscribe = () => {
      forTenant.delete(subscription);
      if (forTenant.size === 0) this.subscriptions.delete(listener.tenantId);
    };
    try {
      if (lastEventId !== null) await this.catchUp(subscription, lastEventId, this.watermark);
      subscription.open();
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return unsubscribe;
  }

  listenerCount(): number {
    let count = 0;
    for (const set of this.subscriptions.values()) count += set.size;
    return count;
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const set of this.subscriptions.values()) for (const { listener } of set) listener.close();
    this.subscriptions.clear();
  }

  private async catchUp(subscription: Subscription, after: string, until: string): Promise<void> {
    let cursor = after;
    let replayed = 0;
    for (;;) {
      const rows = await this.outbox.forTenant(subscription.listener.tenantId, cursor, until, PAGE);
      for (const row of rows) subscription.replay(toEvent(row));
      replayed += rows.length;
      if (rows.length < PAGE) return;
      cursor = rows[rows.length - 1].seq;
      if (replayed >= STREAM_CATCH_UP_LIMIT) {
        subscription.listener.resync();
        return;
      }
    }
  }

  private schedule(): void {
    if (this.timer || this.subscriptions.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.poll()
        .catch((error: unknown) =>
          this.logger.warn(`reading the outbox for the event stream failed, retrying: ${String(error)}`),
        )
        .finally(() => {
          if (this.subscriptions.size === 0) {
            // Nobody listens: the next listener starts from the outbox as it is then.
            this.watermark = null;
            this.gaps.clear();
          } else {
            this.schedule();
          }
        });
    }, STREAM_POLL_INTERVAL_MS);
  }

  private async poll(): Promise<void> {
    if (this.watermark === null) return;
    const now = Date.now();
    for (const [seq, since] of this.gaps) if (now - since > STREAM_GAP_WAIT_MS) this.gaps.delete(seq);
    const rows = await this.outbox.after(
      this.watermark,
      [...this.gaps.keys()],
      [...this.subscriptions.keys()],
      PAGE,
    );
    let expected = BigInt(this.watermark) + 1n;
    for (const row of rows) {
      const seq = BigInt(row.seq);
      if (this.gaps.delete(row.seq) === false && seq >= expected) {
        // Numbers skipped here belong to transactions still open (or rolled back): look for them again.
        for (let missing = expected; missing < seq && this.gaps.size < MAX_TRACKED_GAPS; missing++) {
          this.gaps.set(missing.toString(), now);
        }
        expected = seq + 1n;
        this.watermark = row.seq;
      }
      const listeners = this.subscriptions.get(row.tenantId);
      if (!listeners) continue;
      const event = toEvent(row);
      for (const subscription of listeners) subscription.push(event);
    }
  }
}
