import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { AutoRefundModule } from '../auto-refund/auto-refund.module';
import { ConnectionsModule } from '../connections/connections.module';
import { AppChannelConsumer } from './app-channels/app-channel-consumer';
import { PgAppChannelHealthStore } from './app-channels/app-channel-health.store';
import { AppChannelsService } from './app-channels/app-channels.service';
import { UnroutableMessageRepository } from './app-channels/unroutable-message.repository';
import {
  OperatorUnroutableMessagesController,
  UnroutableMessagesController,
} from './app-channels/unroutable-messages.controller';
import { TicketsModule } from '../tickets/tickets.module';
import { ConnectionEventsController } from './connection-events.controller';
import { InboundEventRepository } from './inbound-event.repository';
import { InboundSignal } from './inbound-signal.service';
import { IngestBatchService } from './ingest-batch.service';
import { IngestWorker } from './ingest.worker';
import { IngestionScheduler } from './ingestion.scheduler';
import { IngestionService } from './ingestion.service';
import { SyncProcessor } from './sync.processor';
import { SyncService } from './sync.service';
import { WebhooksController } from './webhooks.controller';

@Module({})
export class IngestionModule {
  /** Workers process stored events, pull and run the schedulers; API-only processes store and wake them. */
  static register(options: { worker: boolean }): DynamicModule {
    const workerProviders: Provider[] = options.worker
      ? [
          IngestBatchService,
          IngestWorker,
          SyncProcessor,
          IngestionScheduler,
          AppChannelConsumer,
          PgAppChannelHealthStore,
        ]
      : [];
    return {
      module: IngestionModule,
      imports: [ConnectionsModule, TicketsModule, AutoRefundModule],
      controllers: [
        WebhooksController,
        ConnectionEventsController,
        UnroutableMessagesController,
        OperatorUnroutableMessagesController,
      ],
      providers: [
        IngestionService,
        SyncService,
        InboundEventRepository,
        InboundSignal,
        AppChannelsService,
        UnroutableMessageRepository,
        ...workerProviders,
      ],
      exports: [IngestionService, SyncService, AppChannelsService],
    };
  }
}
