import { Module } from '@nestjs/common';
import { CsatScheduler } from './csat.scheduler';
import { TicketsModule } from './tickets.module';

/** The tickets module's scheduled work: only in worker processes. */
@Module({ imports: [TicketsModule], providers: [CsatScheduler] })
export class TicketsWorkerModule {}
