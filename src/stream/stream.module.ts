import { Module } from '@nestjs/common';
import { TenancyModule } from '../tenancy/tenancy.module';
import { OutboxReader } from './outbox-reader.repository';
import { StreamController } from './stream.controller';
import { StreamService } from './stream.service';

/** `GET /v1/stream`: the outbox as server-sent events for browsers. */
@Module({
  imports: [TenancyModule],
  controllers: [StreamController],
  providers: [OutboxReader, StreamService],
})
export class StreamModule {}
