import { Module } from '@nestjs/common';
import { TicketWriter } from '../tickets/ticket-writer.service';
import { SlaPoliciesController } from './sla-policies.controller';
import { SlaPoliciesService } from './sla-policies.service';
import { SlaService } from './sla.service';

/**
 * SLA policies and clocks. The stateless TicketWriter is provided here rather than imported with
 * TicketsModule, so the ticket workflow can depend on these hooks without a module cycle.
 */
@Module({
  controllers: [SlaPoliciesController],
  providers: [SlaService, SlaPoliciesService, TicketWriter],
  exports: [SlaService, SlaPoliciesService],
})
export class SlaModule {}
