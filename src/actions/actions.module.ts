import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { ConnectionsModule } from '../connections/connections.module';
import { SlaModule } from '../sla/sla.module';
import { TicketsModule } from '../tickets/tickets.module';
import { ActionsController } from './actions.controller';
import { ActionsProcessor } from './actions.processor';
import { ActionsScheduler } from './actions.scheduler';
import { ActionsService } from './actions.service';

@Module({})
export class ActionsModule {
  static register(options: { worker: boolean }): DynamicModule {
    const workerProviders: Provider[] = options.worker ? [ActionsProcessor, ActionsScheduler] : [];
    return {
      module: ActionsModule,
      // Global: auto-refund uses it, and registering it twice would start its processors twice.
      global: true,
      imports: [ConnectionsModule, TicketsModule, SlaModule],
      controllers: [ActionsController],
      providers: [ActionsService, ...workerProviders],
      exports: [ActionsService],
    };
  }
}
