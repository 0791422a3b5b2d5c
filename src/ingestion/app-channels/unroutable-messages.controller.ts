import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Page } from '../../common/cursor';
import { AdminToken, CurrentPrincipal, RequireRole, type Principal } from '../../tenancy/auth.decorators';
import { AppChannelsService } from './app-channels.service';
import { ListUnroutableQuery } from './list-unroutable.query';
import type { UnroutableMessage } from './unroutable-message.entity';

export interface UnroutableMessageView {
  id: string;
  platform: string;
  appKey: string;
  /** The shop identifiers the message carried; a connection whose shopId is one of them would have taken it. */
  shopKeys: string[];
  eventType: string;
  externalId: string | null;
  status: 'waiting' | 'attached';
  attachedConnectionId: string | null;
  attachedAt: Date | null;
  receivedAt: Date;
  payload: string;
}

function toView(row: UnroutableMessage): UnroutableMessageView {
  return {
    id: row.id,
    platform: row.platform,
    appKey: row.appKey,
    shopKeys: row.shopKeys,
    eventType: row.eventType,
    externalId: row.externalId,
    status: row.attachedAt ? 'attached' : 'waiting',
    attachedConnectionId: row.attachedConnectionId,
    attachedAt: row.attachedAt,
    receivedAt: row.receivedAt,
    payload: row.payload,
  };
}

function filterOf(query: ListUnroutableQuery) {
  return {
    platform: query.platform,
    shopKey: query.shop,
    attached: query.status === undefined ? undefined : query.status === 'attached',
  };
}

/**
 * Messages of an app's channel (TOP TMC, Douyin app push) for shops with no connection here. A tenant's admin
 * sees those of the apps whose key and secret the tenant's connections hold; the operator sees every app's.
 */
@ApiTags('setup')
@ApiBearerAuth()
@Controller('v1/unroutable-messages')
export class UnroutableMessagesController {
  constructor(private readonly channels: AppChannelsService) {}

  @Get()
  @RequireRole('admin')
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListUnroutableQuery,
  ): Promise<Page<UnroutableMessageView>> {
    const page = await this.channels.listUnroutable({ tenantId: principal.tenantId }, filterOf(query), query);
    return { data: page.data.map(toView), nextCursor: page.nextCursor };
  }
}

/** The operator's view across tenants, behind HUB_ADMIN_TOKEN (403 while it is not set). */
@ApiTags('operator')
@Controller('v1/operator/unroutable-messages')
export class OperatorUnroutableMessagesController {
  constructor(private readonly channels: AppChannelsService) {}

  @Get()
  @AdminToken()
  async list(@Query() query: ListUnroutableQuery): Promise<Page<UnroutableMessageView>> {
    const page = await this.channels.listUnroutable('operator', filterOf(query), query);
    return { data: page.data.map(toView), nextCursor: page.nextCursor };
  }
}
