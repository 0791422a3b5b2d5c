import { Module } from '@nestjs/common';
import { SlaModule } from './sla.module';
import { SlaProcessor } from './sla.processor';
import { SlaScheduler } from './sla.scheduler';

/** The SLA timers' consumer and the sweep: only in worker processes. */
@Module({
  imports: [SlaModule],
  providers: [SlaProcessor, SlaScheduler],
})
export class SlaWorkerModule {}
