import { Module, type DynamicModule } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { TypeOrmModule } from '@nestjs/typeorm';
import { join } from 'node:path';
import type { AppConfig } from '../config/env.config';
import { databaseOptions } from '../config/database.config';
import { ActionsModule } from './actions/actions.module';
import { ActionsWorkerModule } from './actions/actions-worker.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AutoRefundModule } from './auto-refund/auto-refund.module';
import { AppConfigModule } from './config.module';
import { ConnectionsModule } from './connections/connections.module';
import { HealthModule } from './health/health.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { QueueModule } from './queue/queue.module';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { RedisModule } from './redis/redis.module';
import { RoutingModule } from './routing/routing.module';
import { SlaModule } from './sla/sla.module';
import { SlaWorkerModule } from './sla/sla-worker.module';
import { StreamModule } from './stream/stream.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { TicketsModule } from './tickets/tickets.module';
import { TicketsWorkerModule } from './tickets/tickets-worker.module';
import { OutboxModule } from './webhooks/outbox.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** dist/src/app.module.js → dist/web, where `npm run build` puts the workbench. */
const WEB_ROOT = join(__dirname, '..', 'web');

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const worker = config.role !== 'api';
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        TypeOrmModule.forRoot({ ...databaseOptions(config), migrationsRun: true }),
        QueueModule,
        RedisModule,
        RateLimitsModule,
        OutboxModule,
        TenancyModule,
        ConnectionsModule,
        TicketsModule,
        ...(worker ? [TicketsWorkerModule] : []),
        RoutingModule,
        SlaModule,
        ...(worker ? [SlaWorkerModule] : []),
        IngestionModule.register({ worker }),
        ActionsModule,
        ...(worker ? [ActionsWorkerModule] : []),
        AutoRefundModule,
        AnalyticsModule.register({ worker }),
        WebhooksModule.register({ worker }),
        HealthModule,
        StreamModule,
        // The workbench: a static single-page app built into dist/web, speaking only the public API.
        ServeStaticModule.forRoot({
          rootPath: WEB_ROOT,
          serveRoot: '/app',
          serveStaticOptions: {
            index: ['index.html'],
            fallthrough: false,
            // Asset names carry a content hash; the page itself must be re-read to pick up a new build.
            setHeaders: (response, path) =>
              response.setHeader(
                'Cache-Control',
                path.endsWith('.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
              ),
          },
        }),
      ],
    };
  }
}
