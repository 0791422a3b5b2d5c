import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class GetTicketQuery {
  @ApiPropertyOptional({ enum: ['raw'], description: 'add the last raw payload from the platform' })
  @IsOptional()
  @IsIn(['raw'])
  include?: 'raw';
}
