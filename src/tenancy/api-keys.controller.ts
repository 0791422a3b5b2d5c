import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Page } from '../common/cursor';
import { PageQuery } from '../common/dto/page.query';
import { ApiKeysService, type ApiKeyView, type IssuedApiKey } from './api-keys.service';
import { CurrentPrincipal, RequireRole, type Principal } from './auth.decorators';
import { CreateApiKeyDto } from './dto/create-api-key.dto';

@ApiTags('setup')
@ApiBearerAuth()
@RequireRole('admin')
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @Post()
  create(@CurrentPrincipal() principal: Principal, @Body() body: CreateApiKeyDto): Promise<IssuedApiKey> {
    return this.apiKeys.issue(principal.tenantId, body.role, body.name ?? null);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery): Promise<Page<ApiKeyView>> {
    return this.apiKeys.list(principal.tenantId, query);
  }

  @Delete(':id')
  @HttpCode(204)
  revoke(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.apiKeys.revoke(principal.tenantId, id);
  }
}
