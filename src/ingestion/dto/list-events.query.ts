import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQuery } from '../../common/dto/page.query';
import { INBOUND_EVENT_STATUSES, type InboundEventStatus } from '../inbound-event.entity';

export class ListEventsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INBOUND_EVENT_STATUSES })
  @IsOptional()
  @IsIn(INBOUND_EVENT_STATUSES)
  status?: InboundEventStatus;
}
