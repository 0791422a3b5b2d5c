import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { AutoRefundModule } from '../auto-refund/auto-refund.module';
import { ConnectionsModule } from '../connections/connections.module';
import { TicketsModule } from '../tickets/tickets.module';
import { ConnectionEventsController } from './connection-events.controller';
import { IngestProcessor } from './ingest.processor';
import { IngestionScheduler } from './ingestion.scheduler';
import { IngestionService } from './ingestion.service';
import { SyncProcessor } from './sync.processor';
import { SyncService } from './sync.service';
import { WebhooksController } from './webhooks.controller';

@Module({})
export class IngestionModule {
  /** Workers consume the queues and run the schedulers; API-only processes just store and enqueue. */
  static register(options: { worker: boolean }): DynamicModule {
    const workerProviders: Provider[] = options.worker
      ? [IngestProcessor, SyncProcessor, IngestionScheduler]
      : [];
    return {
      module: IngestionModule,
      imports: [ConnectionsModule, TicketsModule, AutoRefundModule],
      controllers: [WebhooksController, ConnectionEventsController],
      providers: [IngestionService, SyncService, ...workerProviders],
      exports: [IngestionService, SyncService],
    };
  }
}
