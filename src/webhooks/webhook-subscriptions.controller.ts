import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Page } from '../common/cursor';
import { PageQuery } from '../common/dto/page.query';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import { CreateSubscriptionDto } from './dto/create-subscription.dto';
import { ListDeliveriesQuery } from './dto/list-deliveries.query';
import { RecoverDeliveriesDto } from './dto/recover-deliveries.dto';
import { UpdateSubscriptionDto } from './dto/update-subscription.dto';
import { WebhookSubscriptionsService } from './webhook-subscriptions.service';
import type { DeliveryView, SubscriptionView } from './webhook-views';

@ApiTags('webhooks')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('v1/webhook-subscriptions')
export class WebhookSubscriptionsController {
  constructor(private readonly subscriptions: WebhookSubscriptionsService) {}

  /** The signing secret is in this answer only. */
  @Post()
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateSubscriptionDto,
  ): Promise<SubscriptionView & { secret: string }> {
    return this.subscriptions.create(principal.tenantId, body);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery): Promise<Page<SubscriptionView>> {
    return this.subscriptions.list(principal.tenantId, query);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<SubscriptionView> {
    return this.subscriptions.get(principal.tenantId, id);
  }

  @Patch(':id')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateSubscriptionDto,
  ): Promise<SubscriptionView> {
    return this.subscriptions.update(principal.tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.subscriptions.remove(principal.tenantId, id);
  }

  /** A new secret, shown once; deliveries carry both signatures for 24 hours. */
  @Post(':id/rotate-secret')
  @HttpCode(200)
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<SubscriptionView & { secret: string }> {
    return this.subscriptions.rotateSecret(principal.tenantId, id);
  }

  @Get(':id/deliveries')
  deliveries(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<Page<DeliveryView>> {
    return this.subscriptions.deliveries(principal.tenantId, id, query);
  }

  @Post(':id/deliveries/:deliveryId/retry')
  @HttpCode(202)
  retry(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ): Promise<DeliveryView> {
    return this.subscriptions.retryDelivery(principal.tenantId, id, deliveryId);
  }

  /** Sends again every failed delivery of events in a time range. */
  @Post(':id/recover')
  @HttpCode(202)
  recover(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RecoverDeliveriesDto,
  ): Promise<{ requeued: number }> {
    return this.subscriptions.recover(principal.tenantId, id, body);
  }
}
