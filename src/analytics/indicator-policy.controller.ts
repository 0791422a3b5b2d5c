import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import { PutIndicatorPolicyDto } from './dto/put-indicator-policy.dto';
import { IndicatorPolicyService, type IndicatorPolicyView } from './indicator-policy.service';

@ApiTags('analytics')
@ApiBearerAuth()
@Controller('v1/policies/indicators')
export class IndicatorPolicyController {
  constructor(private readonly policies: IndicatorPolicyService) {}

  @Get()
  get(@CurrentPrincipal() principal: Principal): Promise<IndicatorPolicyView> {
    return this.policies.get(principal.tenantId);
  }

  /** Replaces every threshold; the overview and the next periodic check use them. */
  @Put()
  @RequireRole('admin')
  put(
    @CurrentPrincipal() principal: Principal,
    @Body() body: PutIndicatorPolicyDto,
  ): Promise<IndicatorPolicyView> {
    return this.policies.put(principal.tenantId, body);
  }
}
