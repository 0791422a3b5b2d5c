import { InjectQueue } from '@nestjs/bull';
import { Controller, Get, HttpException, HttpStatus } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bull';
import { DataSource } from 'typeorm';
import { QueueName } from '../queue/queue.constants';
import { Public } from '../tenancy/auth.decorators';

type Check = { status: 'up' } | { status: 'down'; error: string };

async function check(probe: () => Promise<unknown>, timeoutMs = 2_000): Promise<Check> {
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref(),
      ),
    ]);
    return { status: 'up' };
  } catch (error) {
    return { status: 'down', error: (error as Error).message };
  }
}

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.Sync) private readonly queue: Queue,
  ) {}

  /** The process is up. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** PostgreSQL and Redis both answer; 503 otherwise, with what is down. */
  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: Record<string, Check> }> {
    const checks = {
      postgres: await check(() => this.dataSource.query('SELECT 1')),
      redis: await check(() => this.queue.client.ping()),
    };
    if (Object.values(checks).some((result) => result.status === 'down')) {
      throw new HttpException(
        { code: 'SERVICE_UNAVAILABLE', message: 'not ready', details: checks },
        HttpStatus.SERVICE_UNAVAILABLE,
      );
    }
    return { status: 'ok', checks };
  }
}
