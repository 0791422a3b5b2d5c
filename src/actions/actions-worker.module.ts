import { Module } from '@nestjs/common';
import { ActionsModule } from './actions.module';
import { ActionsProcessor } from './actions.processor';
import { ActionsScheduler } from './actions.scheduler';

/** The actions queue's consumer and sweep: only in worker processes. */
@Module({ imports: [ActionsModule], providers: [ActionsProcessor, ActionsScheduler] })
export class ActionsWorkerModule {}
