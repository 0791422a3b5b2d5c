import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module';
import { TicketRepositoryModule } from '../tickets/ticket-repository.module';
import { AutoRefundDecisionsRepository } from './auto-refund-decisions.repository';
import { AutoRefundController } from './auto-refund.controller';
import { AutoRefundService } from './auto-refund.service';

@Module({
  imports: [ActionsModule, TicketRepositoryModule],
  controllers: [AutoRefundController],
  providers: [AutoRefundService, AutoRefundDecisionsRepository],
  exports: [AutoRefundService],
})
export class AutoRefundModule {}
