import { Body, Controller, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { RateLimited } from '../rate-limits/rate-limit-scope';
import type { IssuedApiKey } from './api-keys.service';
import { AdminToken } from './auth.decorators';
import { CreateTenantDto } from './dto/create-tenant.dto';
import { TenantsService } from './tenants.service';

@ApiTags('setup')
@ApiBearerAuth()
@Controller('v1/tenants')
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  /** Needs HUB_ADMIN_TOKEN; the first admin key is shown this once. */
  @Post()
  @AdminToken()
  @RateLimited('tenant-creation')
  @UseGuards(ThrottlerGuard)
  create(
    @Body() body: CreateTenantDto,
  ): Promise<{ tenant: { id: string; name: string }; apiKey: IssuedApiKey }> {
    return this.tenants.create(body.name);
  }
}
