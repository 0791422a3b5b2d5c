import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { AdapterCapabilities } from '../../adapters/contract';
import type { Page } from '../common/cursor';
import { PageQuery } from '../common/dto/page.query';
import { CurrentPrincipal, RequireRole, type Principal } from '../tenancy/auth.decorators';
import { AdapterRegistry } from './adapter-registry.service';
import { ConnectionsService, type ConnectionView } from './connections.service';
import { CreateConnectionDto } from './dto/create-connection.dto';
import { UpdateConnectionDto } from './dto/update-connection.dto';

@ApiTags('setup')
@ApiBearerAuth()
@Controller('v1/connections')
export class ConnectionsController {
  constructor(private readonly connections: ConnectionsService) {}

  @Post()
  @RequireRole('admin')
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateConnectionDto,
  ): Promise<ConnectionView> {
    return this.connections.create(principal.tenantId, body);
  }

  @Get()
  list(@CurrentPrincipal() principal: Principal, @Query() query: PageQuery): Promise<Page<ConnectionView>> {
    return this.connections.list(principal.tenantId, query);
  }

  @Get(':id')
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<ConnectionView> {
    return this.connections.get(principal.tenantId, id);
  }

  @Patch(':id')
  @RequireRole('admin')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateConnectionDto,
  ): Promise<ConnectionView> {
    return this.connections.update(principal.tenantId, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireRole('admin')
  remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.connections.remove(principal.tenantId, id);
  }
}

@ApiTags('setup')
@ApiBearerAuth()
@Controller('v1/platforms')
export class PlatformsController {
  constructor(private readonly adapters: AdapterRegistry) {}

  /** Each platform with its actions, push mechanism, rate limit and credential fields. */
  @Get()
  list(): { data: AdapterCapabilities[] } {
    return { data: this.adapters.capabilities() };
  }
}
