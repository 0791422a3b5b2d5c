import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { register } from 'prom-client';
import { Public } from '../tenancy/auth.decorators';

@ApiTags('health')
@Public()
@Controller('metrics')
export class MetricsController {
  /** Prometheus text format. */
  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
