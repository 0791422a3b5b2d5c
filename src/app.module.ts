import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/env.config';
import { databaseOptions } from '../config/database.config';
import { ActionsModule } from './actions/actions.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AutoRefundModule } from './auto-refund/auto-refund.module';
import { AppConfigModule } from './config.module';
import { ConnectionsModule } from './connections/connections.module';
import { HealthModule } from './health/health.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { QueueModule } from './queue/queue.module';
import { RoutingModule } from './routing/routing.module';
import { SlaModule } from './sla/sla.module';
import { SlaWorkerModule } from './sla/sla-worker.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { TicketsModule } from './tickets/tickets.module';
import { OutboxModule } from './webhooks/outbox.module';
import { WebhooksModule } from './webhooks/webhooks.module';

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
        OutboxModule,
        TenancyModule,
        ConnectionsModule,
        TicketsModule,
        RoutingModule,
        SlaModule,
        ...(worker ? [SlaWorkerModule] : []),
        IngestionModule.register({ worker }),
        ActionsModule.register({ worker }),
        AutoRefundModule,
        AnalyticsModule.register({ worker }),
        WebhooksModule.register({ worker }),
        HealthModule,
      ],
    };
  }
}
