import { Process, Processor } from '@nestjs/bull';
import type { Job } from 'bull';
import { JobName, QueueName } from '../queue/queue.constants';
import { WebhookDeliveryService } from './webhook-delivery.service';
import type { DeliverWebhookJob } from './webhook-subscriptions.service';

@Processor(QueueName.Webhooks)
export class WebhooksProcessor {
  constructor(private readonly deliveries: WebhookDeliveryService) {}

  /** Idempotent: a delivery already succeeded or given up is skipped; each attempt has its own job id. */
  @Process({ name: JobName.DeliverWebhook, concurrency: 16 })
  async process(job: Job<DeliverWebhookJob>): Promise<void> {
    await this.deliveries.deliver(job.data.deliveryId);
  }
}
