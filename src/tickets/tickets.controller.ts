import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Page } from '../common/cursor';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import { AddNoteDto } from './dto/add-note.dto';
import { RecordCsatDto } from './dto/record-csat.dto';
import { UpdateTicketDto } from './dto/update-ticket.dto';
import { parseIfMatch, TicketWorkflowService } from './ticket-workflow.service';
import { GetTicketQuery } from './dto/get-ticket.query';
import { ListTicketsQuery } from './dto/list-tickets.query';
import type { TicketView } from './ticket-view';
import { ticketDetailEtag, TicketsService, type TicketDetail } from './tickets.service';

@ApiTags('inbox')
@ApiBearerAuth()
@Controller('v1/tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly workflow: TicketWorkflowService,
  ) {}

  @Get()
  list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListTicketsQuery,
  ): Promise<Page<TicketView>> {
    return this.tickets.list(principal.tenantId, query);
  }

  /**
   * The ticket with its timeline and actions. The ETag (`"<version>.<digest>"`) changes with any of them; send
   * it back in If-Match to edit, where only its version counts.
   */
  @Get(':id')
  async get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: GetTicketQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketDetail> {
    const ticket = await this.tickets.get(principal.tenantId, id, query.include === 'raw');
    response.setHeader('ETag', ticketDetailEtag(ticket));
    return ticket;
  }

  @Patch(':id')
  @RequireRole('agent')
  async update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() body: UpdateTicketDto,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TicketView> {
    const ticket = await this.workflow.update(principal.tenantId, id, parseIfMatch(ifMatch), body, {
      id: principal.apiKeyId,
    });
    response.setHeader('ETag', `"${ticket.version}"`);
    return ticket;
  }

  /** Internal: never shown to the buyer. */
  @Post(':id/notes')
  @RequireRole('agent')
  addNote(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: AddNoteDto,
  ): Promise<{ id: string; type: string }> {
    return this.workflow.addNote(principal.tenantId, id, body, { id: principal.apiKeyId });
  }

  @Post(':id/csat')
  @HttpCode(200)
  @RequireRole('agent')
  recordCsat(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: RecordCsatDto,
  ): Promise<TicketView> {
    return this.workflow.recordCsat(principal.tenantId, id, body);
  }
}
