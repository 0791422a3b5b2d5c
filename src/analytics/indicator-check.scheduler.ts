import { InjectQueue } from '@nestjs/bull';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Queue } from 'bull';
import type { AppConfig } from '../../config/env.config';
import { APP_CONFIG } from '../config.module';
import { JobName, QueueName } from '../queue/queue.constants';

/** Keeps one repeatable check job at the configured interval; Bull runs it in one worker at a time. */
@Injectable()
export class IndicatorCheckScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(IndicatorCheckScheduler.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectQueue(QueueName.Indicators) private readonly queue: Queue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.indicatorCheckIntervalMs;
    try {
      // A process started with another interval leaves its schedule behind; only the current one stays.
      for (const job of await this.queue.getRepeatableJobs()) {
        if (job.name === JobName.CheckIndicators && Number(job.every) !== every) {
          await this.queue.removeRepeatableByKey(job.key);
        }
      }
      await this.queue.add(
        JobName.CheckIndicators,
        {},
        { repeat: { every }, jobId: JobName.CheckIndicators },
      );
    } catch (error) {
      // Redis down at start-up: the next process start (or restart) schedules it; the API keeps serving.
      this.logger.warn(`indicator check not scheduled, Redis unavailable: ${(error as Error).message}`);
    }
  }
}
