import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AppConfig } from '../../config/env.config';
import { DomainError, ErrorCode } from '../common/domain-error';
import { safeEqual } from '../../adapters/shared/signing';
import { APP_CONFIG } from '../config.module';
import { API_KEY_ROLES, type ApiKeyRole } from './api-key.entity';
import { ApiKeysService } from './api-keys.service';
import { AUTH_MODE, REQUIRED_ROLE, type AuthenticatedRequest, type AuthMode } from './auth.decorators';

function bearer(request: AuthenticatedRequest): string | null {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match ? match[1] : null;
}

/** Every route needs an API key unless it says otherwise; a key sees only its own tenant. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const mode = this.reflector.getAllAndOverride<AuthMode | undefined>(AUTH_MODE, targets);
    if (mode === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearer(request);
    if (!token) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'send Authorization: Bearer <api key>');
    if (mode === 'admin-token') {
      if (!this.config.adminToken) {
        throw new DomainError(ErrorCode.FORBIDDEN, 'tenant creation is disabled: set HUB_ADMIN_TOKEN');
      }
      if (!safeEqual(token, this.config.adminToken))
        throw new DomainError(ErrorCode.UNAUTHENTICATED, 'wrong admin token');
      return true;
    }
    const principal = await this.apiKeys.authenticate(token);
    if (!principal) throw new DomainError(ErrorCode.UNAUTHENTICATED, 'unknown or revoked API key');
    const required =
      this.reflector.getAllAndOverride<ApiKeyRole | undefined>(REQUIRED_ROLE, targets) ?? 'viewer';
    if (API_KEY_ROLES.indexOf(principal.role) > API_KEY_ROLES.indexOf(required)) {
      throw new DomainError(ErrorCode.FORBIDDEN, `this needs an ${required} key; yours is ${principal.role}`);
    }
    request.principal = principal;
    return true;
  }
}
