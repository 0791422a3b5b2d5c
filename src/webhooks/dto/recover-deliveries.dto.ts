import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsTimestamp } from '../../common/timestamp';

export class RecoverDeliveriesDto {
  @ApiProperty({
    format: 'date-time',
    description: 'failed deliveries of events created from this time are sent again',
  })
  @IsTimestamp()
  since: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  until?: string;
}
