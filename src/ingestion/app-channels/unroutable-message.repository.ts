import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppMessage, Platform } from '../../../adapters/contract';
import type { Page } from '../../common/cursor';
import type { PageQuery } from '../../common/dto/page.query';
import { storableText } from '../../common/input-text';
import { keysetPage } from '../../common/keyset-page';
import { storableKey } from '../inbound-event.repository';
import { UnroutableMessage } from './unroutable-message.entity';

/** The app a channel message came through: platform, app key, and the fingerprint of the secret that read it. */
export interface AppRef {
  platform: Platform;
  appKey: string;
  fingerprint: string;
}

/** Owner of `unroutable_messages`. */
@Injectable()
export class UnroutableMessageRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One statement whatever the number; a message seen before (the platform redelivered it) falls away. */
  async store(app: AppRef, messages: AppMessage[]): Promise<number> {
    if (messages.length === 0) return 0;
    const inserted = (await this.dataSource.query(
      `INSERT INTO unroutable_messages
         (platform, app_key, app_fingerprint, shop_keys, dedupe_key, event_type, external_id, payload)
       SELECT $1, $2, $3, ARRAY(SELECT jsonb_array_elements_text(x.shop_keys::jsonb)), x.dedupe_key, x.event_type,
              x.external_id, x.payload
       FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
         AS x(shop_keys, dedupe_key, event_type, external_id, payload)
       ON CONFLICT (platform, app_key, dedupe_key) DO NOTHING
       RETURNING id`,
      [
        app.platform,
        app.appKey,
        app.fingerprint,
        messages.map((message) => JSON.stringify(message.shopKeys.map((key) => storableText(key)))),
        messages.map((message) => storableKey(message.event.dedupeKey)),
        messages.map((message) => storableText(message.event.eventType)),
        messages.map((message) =>
          message.event.externalId === null ? null : storableKey(message.event.externalId),
        ),
        messages.map((message) => storableText(message.event.payload)),
      ],
    )) as { id: string }[];
    return inserted.length;
  }

  /**
   * Newest first, paged. `fingerprints` limits the list to apps whose secret the reader holds; null lists all
   * (the operator).
   */
  list(
    fingerprints: string[] | null,
    filter: { platform?: string; shopKey?: string; attached?: boolean },
    query: PageQuery,
  ): Promise<Page<UnroutableMessage>> {
    const builder = this.dataSource.getRepository(UnroutableMessage).createQueryBuilder('u');
    builder.where('TRUE');
    if (fingerprints !== null) builder.andWhere('u.app_fingerprint = ANY(:fingerprints)', { fingerprints });
    if (filter.platform) builder.andWhere('u.platform = :platform', { platform: filter.platform });
    if (filter.shopKey) builder.andWhere(':shopKey = ANY(u.shop_keys)', { shopKey: filter.shopKey });
    if (filter.attached !== undefined) {
      builder.andWhere(filter.attached ? 'u.attached_at IS NOT NULL' : 'u.attached_at IS NULL');
    }
    return keysetPage(builder, 'u.received_at', 'DESC', query, (row) => row);
  }

  /**
   * Hands the messages that waited for a shop to its new connection, oldest first, in the caller's statement:
   * marks them attached and returns them, so each is attached once even when two processes try.
   */
  async takeWaiting(
    manager: EntityManager,
    app: AppRef,
    shopId: string,
    connectionId: string,
    limit: number,
  ): Promise<UnroutableMessage[]> {
    const rows = (await manager.query(
      `UPDATE unroutable_messages SET attached_connection_id = $5, attached_at = now()
       WHERE id IN (
         SELECT id FROM unroutable_messages
         WHERE platform = $1 AND app_key = $2 AND app_fingerprint = $3 AND attached_at IS NULL
           AND shop_keys @> ARRAY[$4]::text[]
         ORDER BY received_at, id LIMIT $6 FOR UPDATE SKIP LOCKED
       )
       RETURNING id, dedupe_key, event_type, external_id, payload`,
      [app.platform, app.appKey, app.fingerprint, shopId, connectionId, limit],
    )) as [
      { id: string; dedupe_key: string; event_type: string; external_id: string | null; payload: string }[],
      number,
    ];
    return rows[0].map(
      (row) =>
        ({
          id: row.id,
          dedupeKey: row.dedupe_key,
          eventType: row.event_type,
          externalId: row.external_id,
          payload: row.payload,
        }) as UnroutableMessage,
    );
  }
}
