import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { SlaModule } from '../sla/sla.module';
import { TicketsModule } from '../tickets/tickets.module';
import { ActionsController } from './actions.controller';
import { ActionsService } from './actions.service';

@Module({
  imports: [ConnectionsModule, TicketsModule, SlaModule],
  controllers: [ActionsController],
  providers: [ActionsService],
  exports: [ActionsService],
})
export class ActionsModule {}
