import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';

export class RecoverDeliveriesDto {
  @ApiProperty({
    format: 'date-time',
    description: 'failed deliveries of events created from this time are sent again',
  })
  @IsDateString()
  since: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsDateString()
  until?: string;
}
