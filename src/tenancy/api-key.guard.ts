import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { AppConfig } from '../../config/env.config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { safeEqual } from '../../adapters/shared/signing';
import { APP_CONFIG } from '../config.module';
import { RedisThrottlerStorage } from '../rate-limits/redis-throttler.storage';
import { API_KEY_ROLES, type ApiKeyRole } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import {
  AUTH_MODE,
  QUERY_TOKEN,
  REQUIRED_ROLE,
  type AuthenticatedRequest,
  type AuthMode,
} from './auth.decorators';

function bearer(request: AuthenticatedRequest, allowQuery: boolean): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (match) return match[1];
  const query = allowQuery ? (request.query as Record<string, unknown>).access_token : undefined;
  return typeof query === 'string' && query.length > 0 ? query : null;
}

const FAILED_AUTH = 'failed-auth';
const FAILED_AUTH_WINDOW_MS = 60_000;

/**
 * Every route needs an API key unless it says otherwise; a key sees only its own tenant. A client address
 * that keeps failing to authenticate is turned away with 429 for a minute before any key is looked up.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly throttle: RedisThrottlerStorage,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const mode = this.reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE, targets);
    if (mode === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const client = `ip:${request.ip}`;
    const blockedFor = await this.throttle.blockedFor(client, FAILED_AUTH);
    if (blockedFor > 0) {
      context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(blockedFor));
      throw new DomainError(
        ErrorCode.TOO_MANY_REQUESTS,
        `too many failed authentications from this address; retry in ${blockedFor} s`,
      );
    }
    const token = bearer(
      request,
      this.reflector.getAllAndOverride<boolean | undefined>(QUERY_TOKEN, targets) === true,
    );
    if (!token) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'send Authorization: Bearer <api key>');
    if (mode === 'admin-token') {
      if (!this.config.adminToken) {
        throw new DomainError(ErrorCode.FORBIDDEN, 'tenant creation is disabled: set HUB_ADMIN_TOKEN');
      }
      if (!safeEqual(token, this.config.adminToken)) {
        await this.noteFailure(client);
        throw new DomainError(ErrorCode.UNAUTHENTICATED, 'wrong admin token');
      }
      return true;
    }
    const principal = await this.apiKeys.authenticate(token);
    if (!principal) {
      await this.noteFailure(client);
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'unknown or revoked API key');
    }
    const required =
      this.reflector.getAllAndOverride<ApiKeyRole | undefined>(REQUIRED_ROLE, targets) ?? 'viewer';
    if (API_KEY_ROLES.indexOf(principal.role) > API_KEY_ROLES.indexOf(required)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `this needs an ${required} key; yours is ${principal.role}`);
    }
    request.principal = principal;
    return true;
  }

  private async noteFailure(client: string): Promise<void> {
    // Counted after the fact: once the allowed number of failures is spent, the next attempt is refused.
    await this.throttle.increment(
      client,
      FAILED_AUTH_WINDOW_MS,
      this.config.rateLimits.failedAuthPerMinute - 1,
      FAILED_AUTH_WINDOW_MS,
      FAILED_AUTH,
    );
  }
}
