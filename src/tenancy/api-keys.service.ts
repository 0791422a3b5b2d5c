import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Page } from '../common/cursor';
import { notFound } from '../common/domain-error';
import type { PageQuery } from '../common/dto/page.query';
import { keysetPage } from '../common/keyset-page';
import { RedisService } from '../redis/redis.service';
import { ApiKey, type ApiKeyRole } from './api-key.entity';
import type { Principal } from './auth.decorators';

const KEY_PREFIX = 'mah_';
/**
 * A revocation reaches every process at once through Redis; the short lifetime bounds how long a
 * process that missed the notice (Redis away at that moment) keeps trusting a revoked key.
 */
const CACHE_TTL_MS = 5_000;
/** Unknown keys are remembered briefly, so a flood of made-up keys is not a flood of queries. */
const UNKNOWN_TTL_MS = 5_000;
const MAX_CACHED = 10_000;
const REVOKED_CHANNEL = 'api-key-revoked';

export interface IssuedApiKey {
  id: string;
  role: ApiKeyRole;
  name: string | null;
  key: string;
  createdAt: Date;
}

export interface ApiKeyView {
  id: string;
  role: ApiKeyRole;
  name: string | null;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface SessionView {
  apiKeyId: string;
  role: ApiKeyRole;
  name: string | null;
  tenant: { id: string; name: string };
}

/** Keys are 256 random bits, so one SHA-256 is enough to store them: nothing to brute-force. */
function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

@Injectable()
export class ApiKeysService {
  /** Authentication runs on every request; a short cache spares the database, revocation clears it. */
  private readonly cache = new Map<string, { principal: Principal | null; expiresAt: number }>();
  private readonly logger = new Logger(ApiKeysService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisService,
  ) {
    redis.subscribe(
      REVOKED_CHANNEL,
      (apiKeyId) => this.forget(apiKeyId),
      () => this.cache.clear(),
    );
  }

  async issue(
    tenantId: string,
    role: ApiKeyRole,
    name: string | null,
    manager?: EntityManager,
  ): Promise<IssuedApiKey> {
    const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
    const repository = (manager ?? this.dataSource.manager).getRepository(ApiKey);
    const inserted = await repository
      .createQueryBuilder()
      .insert()
      .values({ tenantId, role, name, prefix: key.slice(0, 12), keyHash: hashKey(key) })
      .returning(['id', 'createdAt'])
      .execute();
    const row = inserted.generatedMaps[0] as { id: string; createdAt: Date };
    return { id: row.id, role, name, key, createdAt: row.createdAt };
  }

  async list(tenantId: string, query: PageQuery): Promise<Page<ApiKeyView>> {
    const builder = this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('k')
      .where('k.tenant_id = :tenantId AND k.revoked_at IS NULL', { tenantId });
    return keysetPage(
      builder,
      'k.created_at',
      'ASC',
      query,
      ({ id, role, name, prefix, createdAt, lastUsedAt }) => ({
        id,
        role,
        name,
        prefix,
        createdAt,
        lastUsedAt,
      }),
    );
  }

  async revoke(tenantId: string, id: string): Promise<void> {
    const result = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('id = :id AND tenant_id = :tenantId AND revoked_at IS NULL', { id, tenantId })
      .execute();
    if (!result.affected) throw notFound('API key');
    this.forget(id);
    await this.redis.publish(REVOKED_CHANNEL, id).catch((error: unknown) => {
      this.logger.warn(
        `other processes trust API key ${id} for up to ${CACHE_TTL_MS} ms more: ${(error as Error).message}`,
      );
    });
  }

  private forget(apiKeyId: string): void {
    for (const [hash, entry] of this.cache)
      if (entry.principal?.apiKeyId === apiKeyId) this.cache.delete(hash);
  }

  private remember(hash: string, principal: Principal | null): void {
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(hash, {
      principal,
      expiresAt: Date.now() + (principal ? CACHE_TTL_MS : UNKNOWN_TTL_MS),
    });
  }

  async authenticate(key: string): Promise<Principal | null> {
    if (!key.startsWith(KEY_PREFIX)) return null;
    const hash = hashKey(key);
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > Date.now()) return cached.principal;
    const row = await this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('key_hash = :hash AND revoked_at IS NULL', { hash })
      .returning(['id', 'tenantId', 'role'])
      .execute();
    const found = row.raw[0] as { id: string; tenant_id: string; role: ApiKeyRole } | undefined;
    if (!found) {
      this.remember(hash, null);
      return null;
    }
    const principal: Principal = { tenantId: found.tenant_id, apiKeyId: found.id, role: found.role };
    this.remember(hash, principal);
    return principal;
  }

  async describe(principal: Principal): Promise<SessionView> {
    const [row] = (await this.dataSource.query(
      `SELECT k.name, t.name AS tenant_name FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE k.id = $1`,
      [principal.apiKeyId],
    )) as { name: string | null; tenant_name: string }[];
    return {
      apiKeyId: principal.apiKeyId,
      role: principal.role,
      name: row?.name ?? null,
      tenant: { id: principal.tenantId, name: row?.tenant_name ?? '' },
    };
  }
}
