import { Module } from '@nestjs/common';
import { RoutingRulesController } from './routing-rules.controller';
import { RoutingRulesService } from './routing-rules.service';
import { RoutingService } from './routing.service';

@Module({
  controllers: [RoutingRulesController],
  providers: [RoutingService, RoutingRulesService],
  exports: [RoutingService],
})
export class RoutingModule {}
