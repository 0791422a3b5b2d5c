import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsOptional } from 'class-validator';
import { commaList } from '../../common/dto/comma-list';
import { PageQuery } from '../../common/dto/page.query';
import { IsTimestamp } from '../../common/timestamp';
import { AUTO_REFUND_OUTCOMES, type AutoRefundOutcome } from '../auto-refund-decision.entity';

export class ListAutoRefundDecisionsQuery extends PageQuery {
  @ApiPropertyOptional({
    enum: AUTO_REFUND_OUTCOMES,
    isArray: true,
    description:
      '`approved` (refunded), `dry_run` (would have been), `skipped` (a rule said no); `a,b` for either',
  })
  @IsOptional()
  @commaList()
  @ArrayMaxSize(AUTO_REFUND_OUTCOMES.length)
  @IsIn(AUTO_REFUND_OUTCOMES, { each: true })
  outcome?: AutoRefundOutcome[];

  @ApiPropertyOptional({ format: 'date-time', description: 'decided at or after' })
  @IsOptional()
  @IsTimestamp()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'decided before' })
  @IsOptional()
  @IsTimestamp()
  to?: string;
}
