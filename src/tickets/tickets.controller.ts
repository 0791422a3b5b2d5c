import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Page } from '../common/cursor';
import { CurrentPrincipal, type Principal } from '../tenancy/auth.decorators';
import { GetTicketQuery } from './dto/get-ticket.query';
import { ListTicketsQuery } from './dto/list-tickets.query';
import type { TicketView } from './ticket-view';
import { TicketsService, type TicketDetail } from './tickets.service';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('v1/tickets')
export class TicketsController {
  constructor(private readonly tickets: TicketsService) {}

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListTicketsQuery,
  ): Promise<Page<TicketView>> {
    return this.tickets.list(principal.tenantId, query);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: GetTicketQuery,
  ): Promise<TicketDetail> {
    return this.tickets.get(principal.tenantId, id, query.include === 'raw');
  }
}
