import { SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { RateLimitConfig } from '../../config/env.config';

/** Limits kept by `ThrottlerGuard`; pushes have their own (`IngressRateLimiter`). */
export type RateLimitScope = 'tenant-creation';

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

/** Window and limit of each scope: tenant creation per client address and minute. */
export function rateLimitWindow(
  scope: RateLimitScope,
  limits: RateLimitConfig,
): { ttlMs: number; limit: number } {
  switch (scope) {
    case 'tenant-creation':
      return { ttlMs: 60_000, limit: limits.tenantCreationsPerMinute };
  }
}

/** Counted per client address. */
export function rateLimitTracker(_scope: RateLimitScope, request: Request): string {
  return `ip:${request.ip}`;
}
