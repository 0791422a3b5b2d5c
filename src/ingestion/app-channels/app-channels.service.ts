import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  WebhookSignatureError,
  type AdapterContext,
  type AppMessage,
  type IncomingPush,
  type Platform,
} from '../../../adapters/contract';
import type { Page } from '../../common/cursor';
import { DomainError, ErrorCode } from '../../common/domain-error';
import type { PageQuery } from '../../common/dto/page.query';
import { AdapterRegistry } from '../../connections/adapter-registry.service';
import type { Connection } from '../../connections/connection.entity';
import { ConnectionsService } from '../../connections/connections.service';
import { RateLimiterFactory } from '../../connections/rate-limiter.factory';
import { recordInboundEvents } from '../../operations/hub-metrics';
import { InboundEventRepository } from '../inbound-event.repository';
import { InboundSignal } from '../inbound-signal.service';
import { isUuid, type PushReceipt } from '../ingestion.service';
import { routeAppMessages } from './app-routing';
import { UnroutableMessage } from './unroutable-message.entity';
import { UnroutableMessageRepository, type AppRef } from './unroutable-message.repository';

export type { AppRef } from './unroutable-message.repository';

/** What one delivery of an app's messages did. */
export interface AppDelivery {
  /** Messages given to at least one connection. */
  routed: number;
  /** Events newly stored (a message routed to two tenants' connections of one shop counts twice). */
  stored: number;
  duplicates: number;
  /** Messages for a shop with no connection here, kept aside (new ones only). */
  unroutable: number;
}

/** One developer app as the hub knows it: its channel and the live connections of its shops. */
export interface AppGroup extends AppRef {
  connections: Connection[];
}

/** Messages attached per statement when a connection for a waiting shop is created. */
const ATTACH_BATCH = 500;

/**
 * The app-level message channel: platforms whose messages come per developer app (TOP TMC consumed per app key,
 * Douyin's one push URL per app, the Pinduoduo message socket per client id) hand each batch to `deliver`, which
 * routes every message by the shop it names to that shop's connection and stores it as that connection's
 * inbound event (held while the connection is paused), or keeps it as unroutable. Only connections holding the
 * same app secret share a channel (`AppRef.fingerprint`). When `deliver` returns, everything in the batch is
 * stored: that is the moment to acknowledge or confirm upstream.
 */
@Injectable()
export class AppChannelsService {
  private readonly logger = new Logger(AppChannelsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly connections: ConnectionsService,
    private readonly adapters: AdapterRegistry,
    private readonly limiters: RateLimiterFactory,
    private readonly events: InboundEventRepository,
    private readonly unroutable: UnroutableMessageRepository,
    private readonly signal: InboundSignal,
  ) {
    connections.onCreated((connection) => this.attachWaiting(connection));
  }

  /** Every app of the platform with its live connections (the consumers' work list). */
  async groups(platform: Platform): Promise<AppGroup[]> {
    const apps = await this.connections.apps(platform);
    const groups: AppGroup[] = [];
    for (const app of apps) {
      const connections = await this.connections.findByApp(platform, app.appKey, app.fingerprint);
      if (connections.length > 0) groups.push({ platform, ...app, connections });
    }
    return groups;
  }

  /** The app's group as it stands now; null once no live connection holds it. */
  async group(app: AppRef): Promise<AppGroup | null> {
    const connections = await this.connections.findByApp(app.platform, app.appKey, app.fingerprint);
    return connections.length > 0 ? { ...app, connections } : null;
  }

  /**
   * A context for calls of the app itself (TMC): the credentials and gateway of one of its connections (an
   * active one first), paced by the app's own budget.
   */
  appContext(group: AppGroup): AdapterContext {
    const representative =
      group.connections.find((connection) => connection.status === 'active') ?? group.connections[0];
    return {
      connection: this.connections.toAdapterConnection(representative),
      limiter: this.limiters.forApp(group.platform, group.appKey),
      now: () => new Date(),
    };
  }

  /**
   * Routes and stores one batch of an app's messages; returns once every message is stored (routed or
   * unroutable). Throws when anything could not be stored: the caller must then not acknowledge the batch.
   */
  async deliver(app: AppRef, messages: AppMessage[], known?: Connection[]): Promise<AppDelivery> {
    const connections =
      known ?? (await this.connections.findByApp(app.platform, app.appKey, app.fingerprint));
    let { deliveries, unroutable } = routeAppMessages(connections, messages);
    if (known && unroutable.length > 0) {
      // A list the caller held may predate a connection created since: read it again before setting aside.
      const fresh = await this.connections.findByApp(app.platform, app.appKey, app.fingerprint);
      const again = routeAppMessages(fresh, unroutable);
      deliveries = [...deliveries, ...again.deliveries];
      unroutable = again.unroutable;
    }
    let stored = 0;
    let duplicates = 0;
    // Each connection's events in one statement, which also wakes the workers.
    const results = await Promise.all(
      deliveries.map(({ connection, events }) =>
        this.events.store(connection, events, connection.status === 'paused' ? 'held' : 'received'),
      ),
    );
    deliveries.forEach(({ events }, index) => {
      stored += results[index].length;
      duplicates += events.length - results[index].length;
    });
    const kept = await this.unroutable.store(app, unroutable);
    if (kept > 0) {
      this.logger.warn(
        `${app.platform} app ${app.appKey}: ${kept} message(s) for shops with no connection kept as unroutable`,
      );
    }
    recordInboundEvents(app.platform, stored, duplicates);
    return { routed: messages.length - unroutable.length, stored, duplicates, unroutable: kept };
  }

  /**
   * A push to the app-level URL (`POST /v1/webhooks/:platform/apps/:appKey`): verified with the secret of the
   * app's connections over the raw bytes, then routed by shop among the connections holding that secret only.
   * Unknown apps and bad signatures get the same 401.
   */
  async receiveAppPush(platform: string, appKey: string, push: IncomingPush): Promise<PushReceipt> {
    const rejected = new DomainError(ErrorCode.INVALID_SIGNATURE, 'the push could not be authenticated');
    if (!this.adapters.has(platform)) throw rejected;
    const adapter = this.adapters.get(platform);
    if (!adapter.verifyAppPush || appKey.length > 200) throw rejected;
    const connections = await this.connections.findByApp(platform, appKey);
    const bySecret = new Map<string, Connection[]>();
    for (const connection of connections) {
      if (!connection.appFingerprint) continue;
      bySecret.set(connection.appFingerprint, [
        ...(bySecret.get(connection.appFingerprint) ?? []),
        connection,
      ]);
    }
    for (const [fingerprint, group] of bySecret) {
      const { credentials } = this.connections.toAdapterConnection(group[0]);
      let verified;
      try {
        verified = adapter.verifyAppPush({ ...push }, { appKey, credentials }, new Date());
      } catch (error) {
        if (error instanceof WebhookSignatureError) continue;
        throw error;
      }
      const delivery = await this.deliver({ platform, appKey, fingerprint }, verified.messages, group);
      return {
        status: verified.reply?.status ?? 200,
        body: verified.reply?.body ?? { received: verified.messages.length, ...delivery },
        stored: delivery.stored,
        duplicates: delivery.duplicates,
      };
    }
    this.logger.debug(`push to ${platform} app ${appKey} rejected`);
    throw rejected;
  }

  /**
   * A push to a connection's own URL on a platform that pushes per app (Douyin): the platform sends every shop
   * of the app to whichever URL was registered, so each message is routed by the shop it names, like one at the
   * app's URL; a message naming no shop stays with the connection it was sent to. Null when the platform or the
   * connection has no app channel (the caller handles it as a plain push).
   */
  async receiveConnectionPush(
    platform: string,
    connectionId: string,
    push: IncomingPush,
  ): Promise<PushReceipt | null> {
    if (!this.adapters.has(platform) || !this.adapters.get(platform).verifyAppPush) return null;
    if (!isUuid(connectionId)) return null;
    const resolved = await this.connections.resolve(connectionId);
    const connection = resolved?.connection;
    if (!resolved || !connection || connection.platform !== platform) return null;
    if (!connection.appKey || !connection.appFingerprint) return null;
    const adapter = this.adapters.get(platform);
    let verified;
    try {
      verified = adapter.verifyAppPush!(
        push,
        { appKey: connection.appKey, credentials: resolved.adapterConnection.credentials },
        new Date(),
      );
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      this.logger.debug(`push to connection ${connectionId} rejected: ${error.message}`);
      throw new DomainError(ErrorCode.INVALID_SIGNATURE, 'the push could not be authenticated');
    }
    const messages = verified.messages.map((message) =>
      message.shopKeys.length > 0 ? message : { ...message, shopKeys: [connection.shopId] },
    );
    const delivery = await this.deliver(
      { platform: connection.platform, appKey: connection.appKey, fingerprint: connection.appFingerprint },
      messages,
    );
    return {
      status: verified.reply?.status ?? 200,
      body: verified.reply?.body ?? { received: messages.length, ...delivery },
      stored: delivery.stored,
      duplicates: delivery.duplicates,
    };
  }

  /**
   * A connection created for a shop whose messages were kept as unroutable takes them in, as its own inbound
   * events, provided it holds the same app secret.
   */
  async attachWaiting(connection: Connection): Promise<number> {
    if (!connection.appKey || !connection.appFingerprint) return 0;
    const app: AppRef = {
      platform: connection.platform,
      appKey: connection.appKey,
      fingerprint: connection.appFingerprint,
    };
    let attached = 0;
    for (;;) {
      const taken = await this.dataSource.transaction(async (manager) => {
        const rows = await this.unroutable.takeWaiting(
          manager,
          app,
          connection.shopId.trim(),
          connection.id,
          ATTACH_BATCH,
        );
        await this.events.storeWithin(manager, connection, rows);
        return rows.length;
      });
      attached += taken;
      if (taken < ATTACH_BATCH) break;
    }
    if (attached > 0) {
      this.logger.log(`connection ${connection.id}: ${attached} waiting message(s) of its shop attached`);
      this.signal.wake();
    }
    return attached;
  }

  /**
   * Unroutable messages: the operator sees all; a tenant's admin sees those of the apps whose secret one of
   * the tenant's connections holds (anyone with the app's key and secret can read the app's whole channel
   * upstream anyway; an app key without its secret shows nothing).
   */
  async listUnroutable(
    reader: { tenantId: string } | 'operator',
    filter: { platform?: string; shopKey?: string; attached?: boolean },
    query: PageQuery,
  ): Promise<Page<UnroutableMessage>> {
    const fingerprints =
      reader === 'operator' ? null : await this.connections.tenantAppFingerprints(reader.tenantId);
    if (fingerprints !== null && fingerprints.length === 0) return { data: [], nextCursor: null };
    return this.unroutable.list(fingerprints, filter, query);
  }
}
