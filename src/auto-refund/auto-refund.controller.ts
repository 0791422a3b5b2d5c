import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import { AutoRefundService, type AutoRefundPolicyView } from './auto-refund.service';
import type { Page } from '../common/cursor';
import type { AutoRefundDecisionView } from './auto-refund-decisions.repository';
import { ListAutoRefundDecisionsQuery } from './dto/list-auto-refund-decisions.query';
import { PutAutoRefundPolicyDto } from './dto/put-auto-refund-policy.dto';

@ApiTags('routing')
@ApiBearerAuth()
@Controller('v1/policies/auto-refund')
export class AutoRefundController {
  constructor(private readonly autoRefund: AutoRefundService) {}

  @Get()
  get(@CurrentPrincipal() principal: Principal): Promise<AutoRefundPolicyView> {
    return this.autoRefund.get(principal.tenantId);
  }

  /**
   * The log of verdicts on new tickets, newest first: refunded, would have been refunded (dry run), or skipped
   * with the rule and limit that said no.
   */
  @Get('decisions')
  decisions(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ListAutoRefundDecisionsQuery,
  ): Promise<Page<AutoRefundDecisionView>> {
    return this.autoRefund.listDecisions(principal.tenantId, query);
  }

  /** Replaces the policy; it applies to tickets created from now on. */
  @Put()
  @RequireRole('admin')
  put(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PutAutoRefundPolicyDto,
  ): Promise<AutoRefundPolicyView> {
    return this.autoRefund.put(principal.tenantId, body);
  }
}
