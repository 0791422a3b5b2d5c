import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { ApiKeyRole } from './api-key.entity';

export const AUTH_MODE = 'auth:mode';
export const REQUIRED_ROLE = 'auth:role';
export const QUERY_TOKEN = 'auth:query-token';

export type AuthMode = 'public' | 'admin-token';

/** No API key: health, docs and platform pushes (which carry their own signatures). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(AUTH_MODE, 'public');

/** Guarded by HUB_ADMIN_TOKEN instead of an API key. */
export const AdminToken = (): MethodDecorator & ClassDecorator => SetMetadata(AUTH_MODE, 'admin-token');

/**
 * Also take the key as `?access_token=`: for the event stream, which a browser's EventSource opens without
 * headers. Everything else about the key (lookup, failed-attempt limit, role) is the same.
 */
export const AllowQueryToken = (): MethodDecorator & ClassDecorator => SetMetadata(QUERY_TOKEN, true);

/** The least role an API key needs: viewer < agent < admin. */
export const RequireRole = (role: ApiKeyRole): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLE, role);

export interface Principal {
  tenantId: string;
  apiKeyId: string;
  role: ApiKeyRole;
}

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) throw new Error('CurrentPrincipal used on a route without an API key');
    return principal;
  },
);
