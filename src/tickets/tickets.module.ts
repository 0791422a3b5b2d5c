import { Module } from '@nestjs/common';
import { RoutingModule } from '../routing/routing.module';
import { SlaModule } from '../sla/sla.module';
import { CaseStatusService } from './case-status.service';
import { CaseSyncService } from './case-sync.service';
import { IncidentDetectionService } from './incident-detection.service';
import { IncidentRepository } from './incident.repository';
import { TicketRepositoryModule } from './ticket-repository.module';
import { TicketWorkflowService } from './ticket-workflow.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

@Module({
  imports: [TicketRepositoryModule, SlaModule, RoutingModule],
  controllers: [TicketsController],
  providers: [
    TicketsService,
    TicketWorkflowService,
    CaseSyncService,
    CaseStatusService,
    IncidentDetectionService,
    IncidentRepository,
  ],
  exports: [TicketRepositoryModule, CaseSyncService, TicketWorkflowService],
})
export class TicketsModule {}
