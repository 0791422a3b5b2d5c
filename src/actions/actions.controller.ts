import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Page } from '../common/cursor';
import { PageQuery } from '../common/dto/page.query';
import { DomainError, ErrorCode } from '../common/domain-error';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import type { ActionView } from './action-view';
import { ActionsService } from './actions.service';
import { CreateActionDto } from './dto/create-action.dto';
import { CreateReplyDto } from './dto/create-reply.dto';
import { VerifyActionDto } from './dto/verify-action.dto';

function idempotencyKey(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  if (value.length > 200)
    throw new DomainError(ErrorCode.VALIDATION_FAILED, 'Idempotency-Key is longer than 200 characters');
  return value;
}

@ApiTags('actions')
@ApiBearerAuth()
@Controller('v1')
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  /** A decision for the marketplace: stored as pending (202) and performed by a worker. */
  @Post('tickets/:id/actions')
  @HttpCode(202)
  @RequireRole('agent')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  create(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CreateActionDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<ActionView> {
    return this.actions.create(
      principal.tenantId,
      id,
      body,
      { type: 'agent', id: principal.apiKeyId },
      idempotencyKey(key),
    );
  }

  /** A message to the buyer, pushed upstream as a `send_message` action; 422 where the platform has no messages. */
  @Post('tickets/:id/replies')
  @HttpCode(202)
  @RequireRole('agent')
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  reply(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CreateReplyDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<ActionView> {
    return this.actions.create(
      principal.tenantId,
      id,
      { type: 'send_message', text: body.text },
      { type: 'agent', id: principal.apiKeyId },
      idempotencyKey(key),
    );
  }

  /** Readable by every role, like the ticket view that embeds the same actions. */
  @Get('tickets/:id/actions')
  list(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQuery,
  ): Promise<Page<ActionView>> {
    return this.actions.listForTicket(principal.tenantId, id, query);
  }

  /** Completes an action the platform holds for a code it sent the seller (status `needs_verification`). */
  @Post('actions/:id/verify')
  @HttpCode(202)
  @RequireRole('agent')
  verify(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: VerifyActionDto,
  ): Promise<ActionView> {
    return this.actions.verify(principal.tenantId, id, body.code);
  }

  @Get('actions/:id')
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ActionView> {
    return this.actions.view(principal.tenantId, id);
  }
}
