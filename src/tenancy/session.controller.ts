import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiKeysService, type SessionView } from './api-keys.service';
import { CurrentPrincipal, type Principal } from './auth.decorators';

@ApiTags('setup')
@ApiBearerAuth()
@Controller('v1/me')
export class SessionController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  /** Who the key belongs to: clients show or hide what the role allows, and "mine" is this key's id. */
  @Get()
  me(@CurrentPrincipal() principal: Principal): Promise<SessionView> {
    return this.apiKeys.describe(principal);
  }
}
