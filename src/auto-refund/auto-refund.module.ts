import { Module } from '@nestjs/common';
import { TicketsModule } from '../tickets/tickets.module';
import { AutoRefundController } from './auto-refund.controller';
import { AutoRefundService } from './auto-refund.service';

@Module({
  imports: [TicketsModule],
  controllers: [AutoRefundController],
  providers: [AutoRefundService],
})
export class AutoRefundModule {}
