import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import { generateWebhookSecret } from '../../adapters/shared/standard-webhooks';
import type { AppConfig } from '../../config/env.config';
import { decodeCursor, encodeCursor, type Page } from '../common/cursor';
import { DomainError, ErrorCode, notFound } from '../common/domain-error';
import type { PageQuery } from '../common/dto/page.query';
import { keysetPage } from '../common/keyset-page';
import { APP_CONFIG } from '../config.module';
import { CredentialsCipher } from '../connections/credentials-cipher';
import { JobName, QueueName } from '../queue/queue.constants';
import type { CreateSubscriptionDto } from './dto/create-subscription.dto';
import type { ListDeliveriesQuery } from './dto/list-deliveries.query';
import type { RecoverDeliveriesDto } from './dto/recover-deliveries.dto';
import type { UpdateSubscriptionDto } from './dto/update-subscription.dto';
import { assertPublicUrl, BlockedUrlError, webhookUrlPolicy } from './url-guard';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSubscription } from './webhook-subscription.entity';
import {
  toDeliveryView,
  toSubscriptionView,
  type DeliveryView,
  type SubscriptionView,
} from './webhook-views';

export interface DeliverWebhookJob {
  deliveryId: string;
}

/** How long the previous secret keeps signing after a rotation. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000;

@Injectable()
export class WebhookSubscriptionsService {
  readonly cipher: CredentialsCipher;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Webhooks) private readonly queue: Queue<DeliverWebhookJob>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipher = new CredentialsCipher(config.masterKey);
  }

  private get repository() {
    return this.dataSource.getRepository(WebhookSubscription);
  }

  async create(
    tenantId: string,
    input: CreateSubscriptionDto,
  ): Promise<SubscriptionView & { secret: string }> {
    await this.checkUrl(input.url);
    const id = randomUUID();
    const secret = generateWebhookSecret();
    await this.repository
      .createQueryBuilder()
      .insert()
      .values({
        id,
        tenantId,
        url: input.url,
        events: [...new Set(input.events)],
        description: input.description ?? null,
        enabled: true,
        secretEncrypted: this.cipher.encrypt({ secret }, id),
      })
      .execute();
    return { ...(await this.get(tenantId, id)), secret };
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<SubscriptionView>> {
    const builder = this.repository
      .createQueryBuilder('s')
      .where('s.tenant_id = :tenantId AND s.deleted_at IS NULL', { tenantId });
    return keysetPage(builder, 's.created_at', 'ASC', query, toSubscriptionView);
  }

  async get(tenantId: string, id: string): Promise<SubscriptionView> {
    return toSubscriptionView(await this.find(tenantId, id));
  }

  async update(tenantId: string, id: string, input: UpdateSubscriptionDto): Promise<SubscriptionView> {
    await this.find(tenantId, id);
    if (input.url !== undefined) await this.checkUrl(input.url);
    const changes: Partial<WebhookSubscription> = {};
    if (input.url !== undefined) changes.url = input.url;
    if (input.events !== undefined) changes.events = [...new Set(input.events)];
    if (input.description !== undefined) changes.description = input.description;
    if (input.enabled !== undefined) {
      changes.enabled = input.enabled;
      if (input.enabled) Object.assign(changes, { failingSince: null, disabledReason: null });
    }
    if (Object.keys(changes).length > 0)
      await this.repository.update({ id, tenantId }, { ...changes, updatedAt: new Date() });
    return this.get(tenantId, id);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.find(tenantId, id);
    await this.repository.update({ id, tenantId }, { deletedAt: new Date(), enabled: false });
  }

  /** A new secret, shown once; the old one keeps signing alongside it for 24 hours. */
  async rotateSecret(
    tenantId: string,
    id: string,
  ): Promise<SubscriptionView & { secret: string; previousSecretExpiresAt: Date }> {
    const row = await this.find(tenantId, id);
    const secret = generateWebhookSecret();
    const previousSecretExpiresAt = new Date(Date.now() + SECRET_OVERLAP_MS);
    await this.repository.update(
      { id, tenantId },
      {
        secretEncrypted: this.cipher.encrypt({ secret }, id),
        previousSecretEncrypted: row.secretEncrypted,
        previousSecretExpiresAt,
        updatedAt: new Date(),
      },
    );
    return { ...(await this.get(tenantId, id)), secret, previousSecretExpiresAt };
  }

  /** The secrets to sign with now: the current one, and the previous one during its overlap. */
  signingSecrets(row: WebhookSubscription, now = new Date()): string[] {
    const secrets = [this.cipher.decrypt(row.secretEncrypted, row.id).secret];
    if (row.previousSecretEncrypted && row.previousSecretExpiresAt && row.previousSecretExpiresAt > now) {
      secrets.push(this.cipher.decrypt(row.previousSecretEncrypted, row.id).secret);
    }
    return secrets;
  }

  async deliveries(tenantId: string, id: string, query: ListDeliveriesQuery): Promise<Page<DeliveryView>> {
    await this.find(tenantId, id);
    const limit = query.limit ?? 50;
    const builder = this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.subscription_id = :id AND d.tenant_id = :tenantId', { id, tenantId });
    if (query.status) builder.andWhere('d.status = :status', { status: query.status });
    if (query.cursor) {
      const [createdAt, lastId] = decodeCursor(query.cursor, ['timestamp', 'uuid']);
      builder.andWhere('(d.created_at, d.id) < (:createdAt, :lastId)', { createdAt, lastId });
    }
    const rows = await builder
      .orderBy('d.created_at', 'DESC')
      .addOrderBy('d.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(toDeliveryView),
      nextCursor: rows.length > limit && last ? encodeCursor([last.createdAt.toISOString(), last.id]) : null,
    };
  }

  /** Sends one delivery again now, with a fresh retry schedule. */
  async retryDelivery(tenantId: string, id: string, deliveryId: string): Promise<DeliveryView> {
    await this.find(tenantId, id);
    const updated = (await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now()
       WHERE id = $1 AND subscription_id = $2 AND tenant_id = $3 RETURNING id`,
      [deliveryId, id, tenantId],
    )) as [unknown[], number];
    if (updated[1] === 0) throw notFound('delivery');
    await this.enqueue(deliveryId, 0, `manual:${Date.now()}`);
    return toDeliveryView(
      await this.dataSource.getRepository(WebhookDelivery).findOneByOrFail({ id: deliveryId }),
    );
  }

  /** Sends again every failed delivery of events created in the range, e.g. after the receiver's outage. */
  async recover(tenantId: string, id: string, input: RecoverDeliveriesDto): Promise<{ requeued: number }> {
    await this.find(tenantId, id);
    const rows = (await this.dataSource.query(
      `UPDATE webhook_deliveries SET status = 'pending', attempts = 0, next_attempt_at = now()
       WHERE subscription_id = $1 AND tenant_id = $2 AND status = 'failed' AND event_created_at >= $3 AND event_created_at < $4
       RETURNING id`,
      [id, tenantId, input.since, input.until ?? new Date().toISOString()],
    )) as [{ id: string }[], number];
    const stamp = `recover:${Date.now()}`;
    for (const row of rows[0]) await this.enqueue(row.id, 0, stamp);
    return { requeued: rows[0].length };
  }

  async enqueue(deliveryId: string, delayMs: number, attemptTag: string | number): Promise<void> {
    await this.queue.add(
      JobName.DeliverWebhook,
      { deliveryId },
      { jobId: `delivery:${deliveryId}:${attemptTag}`, delay: delayMs, attempts: 1 },
    );
  }

  private async find(tenantId: string, id: string): Promise<WebhookSubscription> {
    const row = await this.repository.findOne({ where: { id, tenantId, deletedAt: IsNull() } });
    if (!row) throw notFound('webhook subscription');
    return row;
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await assertPublicUrl(url, webhookUrlPolicy(this.config));
    } catch (error) {
      if (error instanceof BlockedUrlError) {
        throw new DomainError(ErrorCode.UNPROCESSABLE, `url refused: ${error.message}`, [
          { field: 'url', problems: [error.message] },
        ]);
      }
      throw error;
    }
  }
}
