import { Module } from '@nestjs/common';
import { TicketRepositoryModule } from '../tickets/ticket-repository.module';
import { SlaPoliciesController } from './sla-policies.controller';
import { SlaPoliciesService } from './sla-policies.service';
import { SlaService } from './sla.service';

/** SLA policies and clocks; the clocks are stored on tickets through their repository. */
@Module({
  imports: [TicketRepositoryModule],
  controllers: [SlaPoliciesController],
  providers: [SlaService, SlaPoliciesService],
  exports: [SlaService, SlaPoliciesService],
})
export class SlaModule {}
