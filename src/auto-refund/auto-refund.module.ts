import { Module } from '@nestjs/common';
import { ActionsModule } from '../actions/actions.module';
import { TicketRepositoryModule } from '../tickets/ticket-repository.module';
import { AutoRefundController } from './auto-refund.controller';
import { AutoRefundService } from './auto-refund.service';

@Module({
  imports: [ActionsModule, TicketRepositoryModule],
  controllers: [AutoRefundController],
  providers: [AutoRefundService],
  exports: [AutoRefundService],
})
export class AutoRefundModule {}
