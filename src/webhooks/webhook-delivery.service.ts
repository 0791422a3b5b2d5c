import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { signStandardWebhook } from '../../adapters/shared/standard-webhooks';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { recordWebhookDelivery } from '../operations/hub-metrics';
import { OutboxService } from './outbox.service';
import { DeliveryHttpClient } from './delivery-http-client';
import { assertPublicUrl, webhookUrlPolicy } from './url-guard';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSubscription } from './webhook-subscription.entity';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';

/** The Standard Webhooks retry schedule: after the first try, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
/** A subscription that has failed without a single success for this long is switched off. */
export const DISABLE_AFTER_MS = 5 * 24 * 60 * 60 * 1000;

interface OutboxRow {
  id: string;
  tenant_id: string;
  type: string;
  ticket_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
}

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  retryAfterMs?: number;
  durationMs: number;
}

@Injectable()
export class WebhookDeliveryService {
  private readonly logger = new Logger(WebhookDeliveryService.name);
  private readonly http: DeliveryHttpClient;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly subscriptions: WebhookSubscriptionsService,
    private readonly outbox: OutboxService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.http = new DeliveryHttpClient({ allowPrivateUrls: config.allowPrivateUrls });
  }

  /**
   * Turns undispatched outbox events into one delivery per matching subscription, in one transaction;
   * returns the deliveries to send. Rows are claimed with SKIP LOCKED, so several workers can run it.
   */
  async dispatch(batch = 500): Promise<string[]> {
    return this.dataSource.transaction(async (manager) => {
      const events = (await manager.query(
        `SELECT id, tenant_id, type, ticket_id, payload, created_at FROM outbox_events
         WHERE dispatched_at IS NULL ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batch],
      )) as OutboxRow[];
      if (events.length === 0) return [];
      const tenants = [...new Set(events.map((event) => event.tenant_id))];
      const subscriptions = (await manager.query(
        `SELECT id, tenant_id, events FROM webhook_subscriptions WHERE tenant_id = ANY($1) AND enabled AND deleted_at IS NULL`,
        [tenants],
      )) as { id: string; tenant_id: string; events: string[] }[];
      const values: unknown[] = [];
      const rows: string[] = [];
      for (const event of events) {
        for (const subscription of subscriptions) {
          if (subscription.tenant_id !== event.tenant_id || !subscription.events.includes(event.type))
            continue;
          const base = values.length;
          const envelope = {
            id: event.id,
            type: event.type,
            timestamp: event.created_at,
            data: event.payload,
          };
          values.push(
            event.tenant_id,
            subscription.id,
            event.id,
            event.type,
            JSON.stringify(envelope),
            event.created_at,
          );
          rows.push(
            `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::jsonb, $${base + 6})`,
          );
        }
      }
      let deliveryIds: string[] = [];
      if (rows.length > 0) {
        const inserted = (await manager.query(
          `INSERT INTO webhook_deliveries (tenant_id, subscription_id, event_id, event_type, payload, event_created_at)
           VALUES ${rows.join(', ')} ON CONFLICT (subscription_id, event_id) DO NOTHING RETURNING id`,
          values,
        )) as { id: string }[];
        deliveryIds = inserted.map((row) => row.id);
      }
      await manager.query(`UPDATE outbox_events SET dispatched_at = now() WHERE id = ANY($1)`, [
        events.map((event) => event.id),
      ]);
      return deliveryIds;
    });
  }

  /** One attempt of one delivery; schedules the next attempt itself. Idempotent: a finished delivery is skipped. */
  async deliver(deliveryId: string): Promise<void> {
    const delivery = await this.dataSource.getRepository(WebhookDelivery).findOneBy({ id: deliveryId });
    if (!delivery || delivery.status === 'succeeded' || delivery.status === 'failed') return;
    const subscription = await this.dataSource
      .getRepository(WebhookSubscription)
      .findOneBy({ id: delivery.subscriptionId });
    if (!subscription || subscription.deletedAt || !subscription.enabled) {
      await this.record(
        delivery,
        'failed',
        { ok: false, statusCode: null, error: 'the subscription is disabled', durationMs: 0 },
        null,
        false,
      );
      return;
    }
    const result = await this.attempt(subscription, delivery);
    if (result.ok) {
      await this.record(delivery, 'succeeded', result, null, true);
      recordWebhookDelivery('succeeded', delivery.eventCreatedAt);
      if (subscription.failingSince) {
        await this.dataSource.query(`UPDATE webhook_subscriptions SET failing_since = NULL WHERE id = $1`, [
          subscription.id,
        ]);
      }
      return;
    }
    const attempts = delivery.attempts + 1;
    const scheduled = RETRY_SCHEDULE_MS[attempts - 1];
    if (scheduled === undefined) {
      await this.record(delivery, 'failed', result, null, true);
      recordWebhookDelivery('failed');
    } else {
      const delay = Math.max(scheduled, result.retryAfterMs ?? 0);
      await this.record(delivery, 'retrying', result, new Date(Date.now() + delay), true);
      recordWebhookDelivery('retrying');
      await this.subscriptions.enqueue(delivery.id, delay, attempts);
    }
    await this.noteFailure(subscription);
  }

  /** Deliveries due but without a job (Redis lost it, or the process died between commit and enqueue). */
  async sweep(graceMs: number): Promise<number> {
    const rows = (await this.dataSource.query(
      `SELECT id, attempts FROM webhook_deliveries WHERE status IN ('pending', 'retrying') AND next_attempt_at < now() - make_interval(secs => $1)
       ORDER BY next_attempt_at LIMIT 500`,
      [graceMs / 1000],
    )) as { id: string; attempts: number }[];
    for (const row of rows) await this.subscriptions.enqueue(row.id, 0, `sweep:${row.attempts}`);
    return rows.length;
  }

  private async attempt(
    subscription: WebhookSubscription,
    delivery: WebhookDelivery,
  ): Promise<AttemptResult> {
    const body = JSON.stringify(delivery.payload);
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = this.subscriptions
      .signingSecrets(subscription)
      .map((secret) => signStandardWebhook(secret, delivery.eventId, timestamp, body))
      .join(' ');
    const started = performance.now();
    try {
      await assertPublicUrl(subscription.url, webhookUrlPolicy(this.config));
      const answer = await this.http.post(subscription.url, body, {
        'content-type': 'application/json',
        'user-agent': 'marketplace-after-sales-hub/1',
        'webhook-id': delivery.eventId,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      });
      const durationMs = Math.round(performance.now() - started);
      const ok = answer.statusCode >= 200 && answer.statusCode < 300;
      return {
        ok,
        statusCode: answer.statusCode,
        error: ok ? null : `the receiver answered ${answer.statusCode}`,
        retryAfterMs: answer.retryAfterMs,
        durationMs,
      };
    } catch (error) {
      return {
        ok: false,
        statusCode: null,
        error: (error as Error).message,
        durationMs: Math.round(performance.now() - started),
      };
    }
  }

  private async record(
    delivery: WebhookDelivery,
    status: WebhookDelivery['status'],
    result: AttemptResult,
    next: Date | null,
    attempted: boolean,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = $2, attempts = attempts + $3, last_status_code = $4, last_error = $5,
         last_duration_ms = $6, next_attempt_at = coalesce($7, next_attempt_at),
         delivered_at = CASE WHEN $2 = 'succeeded' THEN now() ELSE delivered_at END
       WHERE id = $1`,
      [delivery.id, status, attempted ? 1 : 0, result.statusCode, result.error, result.durationMs, next],
    );
  }

  private async noteFailure(subscription: WebhookSubscription): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `UPDATE webhook_subscriptions SET failing_since = coalesce(failing_since, now()),
           enabled = CASE WHEN failing_since < now() - make_interval(secs => $2) THEN false ELSE enabled END,
           disabled_reason = CASE WHEN failing_since < now() - make_interval(secs => $2) THEN 'failing for 5 days' ELSE disabled_reason END
         WHERE id = $1 AND enabled
         RETURNING enabled`,
        [subscription.id, DISABLE_AFTER_MS / 1000],
      )) as [{ enabled: boolean }[], number];
      if (rows[0][0]?.enabled === false) {
        this.logger.warn(`webhook subscription ${subscription.id} disabled after failing for 5 days`);
        await this.outbox.emit(
          [
            {
              tenantId: subscription.tenantId,
              type: 'webhook_subscription.disabled',
              data: { subscriptionId: subscription.id, url: subscription.url },
            },
          ],
          manager,
        );
      }
    });
  }
}
