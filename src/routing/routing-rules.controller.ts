import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import { PutRoutingRulesDto } from './dto/put-routing-rules.dto';
import { RoutingRulesService, type RoutingRulesView } from './routing-rules.service';

@ApiTags('routing')
@ApiBearerAuth()
@Controller('v1/routing-rules')
export class RoutingRulesController {
  constructor(private readonly rules: RoutingRulesService) {}

  /** The tenant's rules in order, with the severity thresholds; the defaults until it saves its own. */
  @Get()
  get(@CurrentPrincipal() principal: Principal): Promise<RoutingRulesView> {
    return this.rules.get(principal.tenantId);
  }

  /** Replaces the whole ordered list; applies to tickets created or changed upstream from now on. */
  @Put()
  @RequireRole('admin')
  put(@CurrentPrincipal() principal: Principal, @Body() body: PutRoutingRulesDto): Promise<RoutingRulesView> {
    return this.rules.put(principal.tenantId, body);
  }
}
