import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { RoutingModule } from '../routing/routing.module';
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
      // Global: its services are used by actions, and registering it twice would start its processors twice.
      global: true,
      imports: [ConnectionsModule, TicketsModule, RoutingModule],
      controllers: [WebhooksController, ConnectionEventsController],
      providers: [IngestionService, SyncService, ...workerProviders],
      exports: [IngestionService, SyncService],
    };
  }
}
