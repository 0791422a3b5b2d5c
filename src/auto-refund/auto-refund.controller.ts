import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import { AutoRefundService, type AutoRefundPolicyView } from './auto-refund.service';
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
