import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Page } from '../common/cursor';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import { ListEventsQuery } from './dto/list-events.query';
import { RequestSyncDto } from './dto/request-sync.dto';
import type { InboundEvent } from './inbound-event.entity';
import { IngestionService } from './ingestion.service';
import { SyncService, type SyncRequested } from './sync.service';

export interface InboundEventView {
  id: string;
  eventType: string;
  externalId: string | null;
  status: string;
  error: string | null;
  attempts: number;
  ticketId: string | null;
  receivedAt: Date;
  processedAt: Date | null;
  payload: string;
}

function toView(event: InboundEvent): InboundEventView {
  return {
    id: event.id,
    eventType: event.eventType,
    externalId: event.externalId,
    status: event.status,
    error: event.error,
    attempts: event.attempts,
    ticketId: event.ticketId,
    receivedAt: event.receivedAt,
    processedAt: event.processedAt,
    payload: event.payload,
  };
}

@ApiTags('setup')
@ApiBearerAuth()
@Controller('v1/connections/:id')
export class ConnectionEventsController {
  constructor(
    private readonly ingestion: IngestionService,
    private readonly sync: SyncService,
  ) {}

  /** Pulls now, in the background; with `since`, also imports history from that time (progress on the connection). */
  @Post('sync')
  @HttpCode(202)
  @RequireRole('admin')
  requestSync(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RequestSyncDto,
  ): Promise<SyncRequested> {
    return this.sync.requestSync(principal.tenantId, id, body.since ? new Date(body.since) : null);
  }

  @Get('events')
  listEvents(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListEventsQuery,
  ): Promise<Page<InboundEventView>> {
    return this.ingestion.listEvents(principal.tenantId, id, query, toView);
  }

  @Post('events/:eventId/retry')
  @HttpCode(202)
  @RequireRole('admin')
  async retry(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('eventId', ParseUUIDPipe) eventId: string,
  ): Promise<InboundEventView> {
    return toView(await this.ingestion.retryEvent(principal.tenantId, id, eventId));
  }
}
