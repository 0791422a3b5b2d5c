import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, IsNull } from 'typeorm';
import type { AdapterConnection, Platform } from '../../adapters/contract';
import type { AppConfig } from '../../config/env.config';
import type { Page } from '../common/cursor';
import { DomainError, ErrorCode, notFound } from '../common/domain-error';
import type { PageQuery } from '../common/dto/page.query';
import { keysetPage } from '../common/keyset-page';
import { APP_CONFIG } from '../config.module';
import { assertPublicUrl, BlockedUrlError, upstreamUrlPolicy } from '../webhooks/url-guard';
import { AdapterRegistry } from './adapter-registry.service';
import { appIdentity, type AppIdentity } from './app-identity';
import { Connection, type ConnectionStatus } from './connection.entity';
import { CredentialsCipher } from './credentials-cipher';
import type { CreateConnectionDto } from './dto/create-connection.dto';
import type { UpdateConnectionDto } from './dto/update-connection.dto';

export interface ConnectionView {
  id: string;
  platform: Platform;
  name: string;
  shopId: string;
  apiBaseUrl: string | null;
  status: ConnectionStatus;
  pollIntervalSeconds: number;
  /**
   * The connection's own push URL to register upstream; null for platforms that push nothing to a URL per
   * connection (JD and Pinduoduo: their changes are pulled, or arrive over the app's message socket; Taobao's
   * come through the app's TMC queue), whose webhook route answers 404.
   */
  webhookUrl: string | null;
  /**
   * Where the platform has one push URL per developer app (Douyin), the URL to register once for every shop of
   * the app; messages are routed by the shop they name. Null elsewhere.
   */
  appWebhookUrl: string | null;
  sync: {
    cursor: string | null;
    lastStartedAt: Date | null;
    lastSuccessAt: Date | null;
    lastError: string | null;
    lastErrorAt: Date | null;
    nextRunAt: Date | null;
    rateBudget: { requestsPerSecond: number; note: string };
    /** History imported from a date (`POST /v1/connections/:id/sync { since }`); null when never asked. */
    backfill: BackfillView | null;
  };
  createdAt: Date;
  updatedAt: Date;
}

export interface BackfillView {
  status: 'running' | 'done';
  /** What was asked for, and what the platform allows (the later of the two). */
  requestedSince: Date | null;
  since: Date | null;
  /** How far the import has read, in upstream modified time. */
  position: Date | null;
  pages: number;
  cases: number;
  startedAt: Date | null;
  completedAt: Date | null;
}

/** What the webhook ingress needs to verify a push, cached briefly: ingress must not wait on the database. */
export interface ResolvedConnection {
  connection: Connection;
  adapterConnection: AdapterConnection;
}

const INGRESS_CACHE_TTL_MS = 5_000;
/** Ids that match no connection are remembered as briefly, so a flood of made-up ids is not a flood of queries. */
const MAX_CACHED = 10_000;
/** More than any platform's credential fields; a longer value than any real key, secret or token. */
export const MAX_CREDENTIAL_FIELDS = 20;
export const MAX_CREDENTIAL_LENGTH = 4_096;

/** Rows whose app key is filled per statement at start-up (rows written before the column existed). */
const APP_KEY_FILL_BATCH = 500;

@Injectable()
export class ConnectionsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(ConnectionsService.name);
  private readonly cipher: CredentialsCipher;
  private readonly resumedListeners: ((connectionId: string) => Promise<unknown>)[] = [];
  private readonly createdListeners: ((connection: Connection) => Promise<unknown>)[] = [];
  /** Rows whose credentials name no app (or cannot be opened): skipped by the start-up fill. */
  private readonly unfillable = new Set<string>();
  private readonly resolvedCache = new Map<string, { value: ResolvedConnection | null; expiresAt: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly adapters: AdapterRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.cipher = new CredentialsCipher(config.masterKey);
  }

  private get repository() {
    return this.dataSource.getRepository(Connection);
  }

  async create(tenantId: string, input: CreateConnectionDto): Promise<ConnectionView> {
    const adapter = this.adapters.get(input.platform);
    const credentials = this.checkCredentials(input.platform, input.credentials);
    const apiBaseUrl = input.apiBaseUrl ?? adapter.defaultApiBaseUrl(input.shopId);
    if (apiBaseUrl !== null)
      await this.checkUpstreamUrl(apiBaseUrl, input.apiBaseUrl === undefined ? 'shopId' : 'apiBaseUrl');
    const id = randomUUID();
    const pollIntervalSeconds = input.pollIntervalSeconds ?? this.config.defaultPollIntervalSeconds;
    await this.repository
      .createQueryBuilder()
      .insert()
      .values({
        id,
        tenantId,
        platform: input.platform,
        name: input.name,
        shopId: input.shopId,
        apiBaseUrl,
        credentialsEncrypted: this.cipher.encrypt(credentials, id),
        ...this.appColumns(input.platform, credentials),
        status: 'active',
        pollIntervalSeconds,
        syncNextRunAt: adapter.pull ? new Date() : null,
      })
      .execute();
    const created = await this.find(tenantId, id);
    for (const listener of this.createdListeners) {
      // Attaching what waited for this shop must never fail the creation: it can be done again later.
      await listener(created).catch((error: unknown) =>
        this.logger.warn(`after creating connection ${id}: ${(error as Error).message}`),
      );
    }
    return this.view(created);
  }

  /** Runs once a connection is created (ingestion attaches the unroutable messages that waited for its shop). */
  onCreated(listener: (connection: Connection) => Promise<unknown>): void {
    this.createdListeners.push(listener);
  }

  /**
   * Fills `app_key` / `app_fingerprint` of connections stored before those columns existed: the credentials
   * are opened with the master key, which only the running hub has. Idempotent, so every process may run it.
   */
  async onApplicationBootstrap(): Promise<void> {
    const platforms = this.adapters
      .capabilities()
      .filter((capabilities) => capabilities.appChannel)
      .map((capabilities) => capabilities.platform);
    if (platforms.length === 0) return;
    try {
      for (;;) {
        const rows = (await this.dataSource.query(
          `SELECT id, platform, credentials_encrypted FROM connections
           WHERE app_key IS NULL AND deleted_at IS NULL AND platform = ANY($1::text[])
             AND NOT (id = ANY($2::uuid[]))
           ORDER BY id LIMIT $3`,
          [platforms, [...this.unfillable], APP_KEY_FILL_BATCH],
        )) as { id: string; platform: Platform; credentials_encrypted: string }[];
        if (rows.length === 0) return;
        for (const row of rows) {
          let identity: AppIdentity | null = null;
          try {
            identity = this.identityOf(row.platform, this.cipher.decrypt(row.credentials_encrypted, row.id));
          } catch (error) {
            this.logger.warn(`connection ${row.id}: credentials cannot be read: ${(error as Error).message}`);
          }
          if (!identity) {
            this.unfillable.add(row.id);
            continue;
          }
          await this.dataSource.query(
            `UPDATE connections SET app_key = $2, app_fingerprint = $3 WHERE id = $1 AND app_key IS NULL`,
            [row.id, identity.appKey, identity.fingerprint],
          );
        }
      }
    } catch (error) {
      this.logger.warn(`filling app keys failed: ${(error as Error).message}`);
    }
  }

  private identityOf(platform: Platform, credentials: Record<string, string>): AppIdentity | null {
    const { appChannel } = this.adapters.get(platform).capabilities;
    return appIdentity(appChannel, platform, credentials, this.config.masterKey);
  }

  private appColumns(
    platform: Platform,
    credentials: Record<string, string>,
  ): Pick<Connection, 'appKey' | 'appFingerprint'> {
    const identity = this.identityOf(platform, credentials);
    return { appKey: identity?.appKey ?? null, appFingerprint: identity?.fingerprint ?? null };
  }

  /**
   * The live connections of one developer app (any tenant), for routing the app's messages by shop; only
   * those holding the secret whose fingerprint is given, when one is.
   */
  async findByApp(platform: Platform, appKey: string, fingerprint?: string): Promise<Connection[]> {
    const builder = this.repository
      .createQueryBuilder('c')
      .where('c.platform = :platform AND c.app_key = :appKey AND c.deleted_at IS NULL', { platform, appKey })
      .orderBy('c.created_at', 'ASC')
      .addOrderBy('c.id', 'ASC');
    if (fingerprint !== undefined) builder.andWhere('c.app_fingerprint = :fingerprint', { fingerprint });
    return builder.getMany();
  }

  /** Every app (key and secret) with at least one live connection on the platform. */
  async apps(platform: Platform): Promise<{ appKey: string; fingerprint: string }[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT app_key, app_fingerprint FROM connections
       WHERE platform = $1 AND deleted_at IS NULL AND app_key IS NOT NULL AND app_fingerprint IS NOT NULL`,
      [platform],
    )) as { app_key: string; app_fingerprint: string }[];
    return rows.map((row) => ({ appKey: row.app_key, fingerprint: row.app_fingerprint }));
  }

  /** The fingerprints of the apps a tenant's live connections hold the secret of. */
  async tenantAppFingerprints(tenantId: string): Promise<string[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT app_fingerprint FROM connections
       WHERE tenant_id = $1 AND deleted_at IS NULL AND app_fingerprint IS NOT NULL`,
      [tenantId],
    )) as { app_fingerprint: string }[];
    return rows.map((row) => row.app_fingerprint);
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<ConnectionView>> {
    const builder = this.repository
      .createQueryBuilder('c')
      .where('c.tenant_id = :tenantId AND c.deleted_at IS NULL', { tenantId });
    return keysetPage(builder, 'c.created_at', 'ASC', query, (row) => this.view(row));
  }

  async get(tenantId: string, id: string): Promise<ConnectionView> {
    return this.view(await this.find(tenantId, id));
  }

  async update(tenantId: string, id: string, input: UpdateConnectionDto): Promise<ConnectionView> {
    const existing = await this.find(tenantId, id);
    const changes: Partial<Connection> = {};
    if (input.name !== undefined) changes.name = input.name;
    if (input.apiBaseUrl !== undefined) {
      await this.checkUpstreamUrl(input.apiBaseUrl, 'apiBaseUrl');
      changes.apiBaseUrl = input.apiBaseUrl;
    }
    if (input.pollIntervalSeconds !== undefined) changes.pollIntervalSeconds = input.pollIntervalSeconds;
    if (input.status !== undefined) changes.status = input.status;
    if (input.credentials !== undefined) {
      const credentials = this.checkCredentials(existing.platform, input.credentials);
      changes.credentialsEncrypted = this.cipher.encrypt(credentials, id);
      Object.assign(changes, this.appColumns(existing.platform, credentials));
    }
    if (Object.keys(changes).length > 0) {
      await this.repository.update({ id, tenantId }, changes);
      this.resolvedCache.delete(id);
    }
    if (existing.status === 'paused' && changes.status === 'active') {
      for (const listener of this.resumedListeners) await listener(id);
    }
    return this.get(tenantId, id);
  }

  /** Runs when a paused connection is made active again (ingestion releases the events it held). */
  onResumed(listener: (connectionId: string) => Promise<unknown>): void {
    this.resumedListeners.push(listener);
  }

  async remove(tenantId: string, id: string): Promise<void> {
    await this.find(tenantId, id);
    await this.repository.update({ id, tenantId }, { deletedAt: new Date(), status: 'paused' });
    this.resolvedCache.delete(id);
  }

  async find(tenantId: string, id: string): Promise<Connection> {
    const row = await this.repository.findOne({ where: { id, tenantId, deletedAt: IsNull() } });
    if (!row) throw notFound('connection');
    return row;
  }

  /** For pushes and workers, which know a connection only by id. Null when it does not exist or was deleted. */
  async resolve(id: string): Promise<ResolvedConnection | null> {
    const cached = this.resolvedCache.get(id);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
    const connection = await this.repository.findOne({ where: { id, deletedAt: IsNull() } });
    const value = connection ? { connection, adapterConnection: this.toAdapterConnection(connection) } : null;
    if (this.resolvedCache.size >= MAX_CACHED) this.resolvedCache.clear();
    this.resolvedCache.set(id, { value, expiresAt: Date.now() + INGRESS_CACHE_TTL_MS });
    return value;
  }

  toAdapterConnection(connection: Connection): AdapterConnection {
    return {
      id: connection.id,
      tenantId: connection.tenantId,
      platform: connection.platform,
      shopId: connection.shopId,
      apiBaseUrl: connection.apiBaseUrl ?? '',
      credentials: this.cipher.decrypt(connection.credentialsEncrypted, connection.id),
    };
  }

  webhookUrl(connection: Pick<Connection, 'id' | 'platform'>): string | null {
    if (!this.adapters.get(connection.platform).verifyWebhook) return null;
    return `${this.config.publicUrl}/v1/webhooks/${connection.platform}/${connection.id}`;
  }

  /** The one push URL of the connection's developer app, where the platform pushes per app (Douyin). */
  appWebhookUrl(connection: Pick<Connection, 'platform' | 'appKey'>): string | null {
    if (!connection.appKey || !this.adapters.get(connection.platform).verifyAppPush) return null;
    return `${this.config.publicUrl}/v1/webhooks/${connection.platform}/apps/${encodeURIComponent(connection.appKey)}`;
  }

  view(row: Connection): ConnectionView {
    const { rateLimit } = this.adapters.get(row.platform).capabilities;
    return {
      id: row.id,
      platform: row.platform,
      name: row.name,
      shopId: row.shopId,
      apiBaseUrl: row.apiBaseUrl,
      status: row.status,
      pollIntervalSeconds: row.pollIntervalSeconds,
      webhookUrl: this.webhookUrl(row),
      appWebhookUrl: this.appWebhookUrl(row),
      sync: {
        cursor: row.syncCursor,
        lastStartedAt: row.syncLastStartedAt,
        lastSuccessAt: row.syncLastSuccessAt,
        lastError: row.syncLastError,
        lastErrorAt: row.syncLastErrorAt,
        nextRunAt: row.syncNextRunAt,
        rateBudget: {
          requestsPerSecond: Math.floor(rateLimit.requestsPerSecond * 0.8 * 100) / 100,
          note: rateLimit.note,
        },
        backfill: this.backfillView(row),
      },
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  /**
   * The hub calls this address with the tenant's credentials, on a schedule: it must be a public one
   * (no loopback, private network or cloud metadata), https in production. Checked again at connect time.
   */
  private async checkUpstreamUrl(url: string, field: 'apiBaseUrl' | 'shopId'): Promise<void> {
    try {
      await assertPublicUrl(url, upstreamUrlPolicy(this.config));
    } catch (error) {
      if (!(error instanceof BlockedUrlError)) throw error;
      throw new DomainError(ErrorCode.VALIDATION_FAILED, `${field}: ${error.message}`, [
        { field, problems: [error.message] },
      ]);
    }
  }

  private backfillView(row: Connection): BackfillView | null {
    if (!row.backfillStartedAt) return null;
    const adapter = this.adapters.get(row.platform);
    return {
      status: row.backfillCursor ? 'running' : 'done',
      requestedSince: row.backfillRequestedSince,
      since: row.backfillSince,
      position: row.backfillCursor
        ? (adapter.backfill?.positionOf(row.backfillCursor) ?? null)
        : row.backfillCompletedAt,
      pages: row.backfillPages,
      cases: row.backfillCases,
      startedAt: row.backfillStartedAt,
      completedAt: row.backfillCompletedAt,
    };
  }

  private checkCredentials(platform: Platform, credentials: Record<string, unknown>): Record<string, string> {
    const fields = this.adapters.get(platform).capabilities.credentials;
    const names = Object.keys(credentials);
    if (names.length > MAX_CREDENTIAL_FIELDS) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        `credentials: at most ${MAX_CREDENTIAL_FIELDS} fields; ${platform} takes ${fields.map((field) => field.name).join(', ')}`,
        [{ field: 'credentials', problems: [`at most ${MAX_CREDENTIAL_FIELDS} fields`] }],
      );
    }
    const problems: { field: string; problems: string[] }[] = [];
    for (const field of fields) {
      const value = credentials[field.name];
      if (field.required && (typeof value !== 'string' || value === '')) {
        problems.push({
          field: `credentials.${field.name}`,
          problems: [`${field.name} is required for ${platform}`],
        });
      }
    }
    const known = new Set(fields.map((field) => field.name));
    for (const [name, value] of Object.entries(credentials)) {
      if (!known.has(name))
        problems.push({
          field: `credentials.${name}`,
          problems: [`${platform} takes no credential ${name}`],
        });
      else if (typeof value !== 'string')
        problems.push({ field: `credentials.${name}`, problems: ['must be a string'] });
      else if (value.length > MAX_CREDENTIAL_LENGTH)
        problems.push({
          field: `credentials.${name}`,
          problems: [`must be at most ${MAX_CREDENTIAL_LENGTH} characters`],
        });
    }
    if (problems.length > 0) {
      throw new DomainError(
        ErrorCode.VALIDATION_FAILED,
        problems.map((problem) => `${problem.field}: ${problem.problems.join('; ')}`).join(' | '),
        problems,
      );
    }
    return credentials as Record<string, string>;
  }
}
