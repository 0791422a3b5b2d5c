import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/env.config';
import { databaseOptions } from '../config/database.config';
import { AppConfigModule } from './config.module';
import { ConnectionsModule } from './connections/connections.module';
import { HealthModule } from './health/health.module';
import { IngestionModule } from './ingestion/ingestion.module';
import { QueueModule } from './queue/queue.module';
import { TenancyModule } from './tenancy/tenancy.module';
import { TicketsModule } from './tickets/tickets.module';
import { OutboxModule } from './webhooks/outbox.module';

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
        IngestionModule.register({ worker }),
        HealthModule,
      ],
    };
  }
}
