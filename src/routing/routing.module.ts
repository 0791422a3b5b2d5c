import { Module } from '@nestjs/common';
import { SlaModule } from '../sla/sla.module';
import { TicketsModule } from '../tickets/tickets.module';
import { RoutingRulesController } from './routing-rules.controller';
import { RoutingRulesService } from './routing-rules.service';
import { RoutingService } from './routing.service';

@Module({
  imports: [TicketsModule, SlaModule],
  controllers: [RoutingRulesController],
  providers: [RoutingService, RoutingRulesService],
  exports: [RoutingService],
})
export class RoutingModule {}
