import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional } from 'class-validator';

export class RequestSyncDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'also import history modified since this time, as far back as the platform allows',
  })
  @IsOptional()
  @IsDateString()
  since?: string;
}
