import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode } from '../common/domain-error';
import { IngressRateLimiter } from './ingress-rate-limiter';

/** Pushes per connection (or per app, at an app's URL) and second on the webhook routes: 429 with `Retry-After` beyond the limit. */
@Injectable()
export class IngressRateGuard implements CanActivate {
  constructor(private readonly limiter: IngressRateLimiter) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const { params } = http.getRequest<Request>();
    // A developer app's one push URL (`:platform/apps/:appKey`) is limited as one sender.
    const sender = params.connectionId ?? `app:${params.platform}:${params.appKey}`;
    const verdict = this.limiter.take(String(sender));
    if (verdict.allowed) return true;
    http.getResponse<Response>().setHeader('Retry-After', String(verdict.retryAfterSeconds));
    throw new DomainError(ErrorCode.TOO_MANY_REQUESTS, 'too many requests; wait for Retry-After seconds');
  }
}
