import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import { PutSlaPoliciesDto } from './dto/put-sla-policies.dto';
import { SlaPoliciesService, type SlaPoliciesView } from './sla-policies.service';

@ApiTags('routing')
@ApiBearerAuth()
@Controller('v1/sla-policies')
export class SlaPoliciesController {
  constructor(private readonly policies: SlaPoliciesService) {}

  /** First-response and resolution targets per severity, business hours and holidays. */
  @Get()
  get(@CurrentPrincipal() principal: Principal): Promise<SlaPoliciesView> {
    return this.policies.get(principal.tenantId);
  }

  /** Replaces every policy; clocks already running keep their due times until re-evaluated. */
  @Put()
  @RequireRole('admin')
  put(@CurrentPrincipal() principal: Principal, @Body() body: PutSlaPoliciesDto): Promise<SlaPoliciesView> {
    return this.policies.put(principal.tenantId, body);
  }
}
