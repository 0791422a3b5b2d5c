import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookSubscriptionsController } from './webhook-subscriptions.controller';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';
import { WebhooksProcessor } from './webhooks.processor';
import { WebhooksScheduler } from './webhooks.scheduler';

@Module({})
export class WebhooksModule {
  static register(options: { worker: boolean }): DynamicModule {
    const workerProviders: Provider[] = options.worker ? [WebhooksProcessor, WebhooksScheduler] : [];
    return {
      module: WebhooksModule,
      controllers: [WebhookSubscriptionsController],
      providers: [WebhookSubscriptionsService, WebhookDeliveryService, ...workerProviders],
    };
  }
}
