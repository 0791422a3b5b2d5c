import { Module } from '@nestjs/common';
import { SlaModule } from '../sla/sla.module';
import { CaseStatusService } from './case-status.service';
import { TicketWorkflowService } from './ticket-workflow.service';
import { TicketWriter } from './ticket-writer.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

@Module({
  imports: [SlaModule],
  controllers: [TicketsController],
  providers: [TicketsService, TicketWriter, TicketWorkflowService, CaseStatusService],
  exports: [TicketsService, TicketWriter, TicketWorkflowService, CaseStatusService],
})
export class TicketsModule {}
