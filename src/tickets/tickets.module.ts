import { Module } from '@nestjs/common';
import { TicketWriter } from './ticket-writer.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

@Module({
  controllers: [TicketsController],
  providers: [TicketsService, TicketWriter],
  exports: [TicketsService, TicketWriter],
})
export class TicketsModule {}
