import { Module } from '@nestjs/common';
import { AdapterRegistry } from './adapter-registry.service';
import { ConnectionsController, PlatformsController } from './connections.controller';
import { ConnectionsService } from './connections.service';

@Module({
  controllers: [ConnectionsController, PlatformsController],
  providers: [AdapterRegistry, ConnectionsService],
  exports: [AdapterRegistry, ConnectionsService],
})
export class ConnectionsModule {}
