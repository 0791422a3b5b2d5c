import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';
import type { AppConfig } from '../config/env.config';
import { AppModule } from './app.module';
import { DomainError, ErrorCode } from './common/domain-error';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { InputTextPipe } from './common/input-text.pipe';
import { createValidationPipe } from './common/validation.pipe';
import { httpMetrics, registerQueueMetrics } from './operations/operational-metrics';
import { mountQueueDashboard } from './operations/queue-dashboard';

export const BODY_LIMIT = '1mb';

/**
 * Platform pushes are read as raw bytes only, whatever their type: nothing parses them before the
 * signature over those bytes is checked (a malformed unsigned body is a 401, not a 400).
 */
function isPush(request: IncomingMessage): boolean {
  return (request.url ?? '').startsWith('/v1/webhooks/');
}

/** JSON endpoints take JSON. */
function requireJson(request: Request, _response: Response, next: NextFunction): void {
  const hasBody =
    Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && !isPush(request) && !request.is('application/json')) {
    next(new DomainError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'send the body as application/json'));
    return;
  }
  next();
}

/** Everything the HTTP app needs beyond its modules; shared by `main.ts`, the tests and the benchmarks. */
export function configureApp(app: NestExpressApplication): void {
  app.use(httpMetrics);
  app.use(requireJson);
  app.useBodyParser('json', {
    limit: BODY_LIMIT,
    type: (request: IncomingMessage) =>
      !isPush(request) && Boolean((request as Request).is('application/json')),
  });
  app.useBodyParser('raw', { limit: BODY_LIMIT, type: isPush });
  app.useGlobalPipes(new InputTextPipe(), createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Marketplace After-Sales Hub')
      .setDescription('One inbox for refunds, returns and complaints from every marketplace.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
}

export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    rawBody: true,
    bodyParser: false,
    logger: (['error', 'warn', 'log', 'debug'] as const).slice(
      0,
      ['error', 'warn', 'log', 'debug'].indexOf(config.logLevel) + 1,
    ),
  });
  configureApp(app);
  mountQueueDashboard(app, config);
  registerQueueMetrics(app);
  return app;
}
