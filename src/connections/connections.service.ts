import { Inject, Injectable } from '@nestjs/common';
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
  webhookUrl: string;
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

@Injectable()
export class ConnectionsService {
  private readonly cipher: CredentialsCipher;
  private readonly resumedListeners: ((connectionId: string) => Promise<unknown>)[] = [];
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
        status: 'active',
        pollIntervalSeconds,
        syncNextRunAt: adapter.pull || adapter.consumeMessages ? new Date() : null,
      })
      .execute();
    return this.view(await this.find(tenantId, id));
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
      changes.credentialsEncrypted = this.cipher.encrypt(
        this.checkCredentials(existing.platform, input.credentials),
        id,
      );
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

  webhookUrl(connection: Pick<Connection, 'id' | 'platform'>): string {
    return `${this.config.publicUrl}/v1/webhooks/${connection.platform}/${connection.id}`;
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
