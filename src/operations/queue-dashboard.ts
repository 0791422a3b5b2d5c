import { createBullBoard } from '@bull-board/api';
import { BullAdapter } from '@bull-board/api/bullAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { getQueueToken } from '@nestjs/bull';
import type { INestApplication } from '@nestjs/common';
import type { Queue } from 'bull';
import type { NextFunction, Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../../config/env.config';
import { QueueName } from '../queue/queue.constants';

export const QUEUE_DASHBOARD_PATH = '/queues';

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/** The token from `Authorization: Bearer <token>`, or the password of Basic auth (what a browser can send). */
function presentedToken(request: Request): string | null {
  const header = request.headers.authorization ?? '';
  const [scheme, value] = header.split(' ', 2);
  if (!value) return null;
  if (scheme.toLowerCase() === 'bearer') return value.trim();
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    return decoded.slice(decoded.indexOf(':') + 1);
  }
  return null;
}

/**
 * Guards the dashboard with the operator's HUB_ADMIN_TOKEN, not a tenant's key: the queues are shared by
 * every tenant, their jobs carry other tenants' ids and payloads, and the board can retry and remove them.
 */
function adminTokenOnly(adminToken: string | null) {
  const expected = adminToken ? digest(adminToken) : null;
  return (request: Request, response: Response, next: NextFunction): void => {
    const token = presentedToken(request);
    if (expected && token !== null && timingSafeEqual(digest(token), expected)) {
      next();
      return;
    }
    response
      .status(expected ? 401 : 404)
      .set(expected ? { 'WWW-Authenticate': 'Basic realm="queues", charset="UTF-8"' } : {})
      .json(
        expected
          ? { statusCode: 401, code: 'UNAUTHENTICATED', message: 'the queue dashboard needs the admin token' }
          : {
              statusCode: 404,
              code: 'NOT_FOUND',
              message: 'the queue dashboard is off: set HUB_ADMIN_TOKEN',
            },
      );
  };
}

/** Bull Board over every queue, mounted on the Express app ahead of the API routes. */
export function mountQueueDashboard(app: INestApplication, config: AppConfig): void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(QUEUE_DASHBOARD_PATH);
  createBullBoard({
    queues: Object.values(QueueName).map((name) => new BullAdapter(app.get<Queue>(getQueueToken(name)))),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'After-Sales Hub queues' } },
  });
  app.use(QUEUE_DASHBOARD_PATH, adminTokenOnly(config.adminToken), serverAdapter.getRouter());
}
