import { AutoRefundDecision } from '../auto-refund/auto-refund-decision.entity';
import { Action } from '../actions/action.entity';
import { Connection } from '../connections/connection.entity';
import { UnroutableMessage } from '../ingestion/app-channels/unroutable-message.entity';
import { InboundEvent } from '../ingestion/inbound-event.entity';
import { ApiKey } from '../tenancy/api-key.entity';
import { Tenant } from '../tenancy/tenant.entity';
import { TicketEvent } from '../tickets/ticket-event.entity';
import { WebhookDelivery } from '../webhooks/webhook-delivery.entity';
import { WebhookSubscription } from '../webhooks/webhook-subscription.entity';

export const ENTITIES = [
  Tenant,
  ApiKey,
  Connection,
  InboundEvent,
  UnroutableMessage,
  TicketEvent,
  Action,
  WebhookSubscription,
  WebhookDelivery,
  AutoRefundDecision,
];
