import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { RateLimitConfig } from '../../config/env.config';

export type RateLimitScope = 'tenant-creation' | 'ingress';

const RATE_LIMIT_SCOPE = 'rate-limit:scope';

/** Which limit `ThrottlerGuard` applies to a controller; it must also carry `@UseGuards(ThrottlerGuard)`. */
export const RateLimited = (scope: RateLimitScope): ClassDecorator & MethodDecorator =>
  SetMetadata(RATE_LIMIT_SCOPE, scope);

export function rateLimitScope(context: ExecutionContext): RateLimitScope {
  const scope = (Reflect.getMetadata(RATE_LIMIT_SCOPE, context.getHandler()) ??
    Reflect.getMetadata(RATE_LIMIT_SCOPE, context.getClass())) as RateLimitScope | undefined;
  if (!scope) throw new Error(`${context.getClass().name} uses ThrottlerGuard without @RateLimited`);
  return scope;
}

/** Window and limit of each scope: tenant creation per client address and minute, ingress per connection and second. */
export function rateLimitWindow(
  scope: RateLimitScope,
  limits: RateLimitConfig,
): { ttlMs: number; limit: number } {
  switch (scope) {
    case 'tenant-creation':
      return { ttlMs: 60_000, limit: limits.tenantCreationsPerMinute };
    case 'ingress':
      return { ttlMs: 1_000, limit: limits.ingressPerConnectionPerSecond };
  }
}

/** Ingress is counted per connection (a platform pushes from many addresses); the rest per client address. */
export function rateLimitTracker(scope: RateLimitScope, request: Request): string {
  return scope === 'ingress' ? `connection:${String(request.params.connectionId)}` : `ip:${request.ip}`;
}
