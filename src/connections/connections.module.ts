import { Module } from '@nestjs/common';
import { AdapterRegistry } from './adapter-registry.service';
import { ConnectionsController, PlatformsController } from './connections.controller';
import { ConnectionsService } from './connections.service';
import { RateLimiterFactory } from './rate-limiter.factory';

@Module({
  controllers: [ConnectionsController, PlatformsController],
  providers: [AdapterRegistry, ConnectionsService, RateLimiterFactory],
  exports: [AdapterRegistry, ConnectionsService, RateLimiterFactory],
})
export class ConnectionsModule {}
