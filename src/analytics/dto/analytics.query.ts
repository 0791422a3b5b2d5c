import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { GROUP_COLUMNS, type AnalyticsGroupBy } from '../analytics.repository';

export const GROUP_BYS = Object.keys(GROUP_COLUMNS) as AnalyticsGroupBy[];
export const TIMESERIES_METRICS = [
  'volume',
  'first_response',
  'resolution',
  'sla_attainment',
  'refunds',
  'satisfaction',
] as const;
export type TimeseriesMetric = (typeof TIMESERIES_METRICS)[number];
export const INTERVALS = ['hour', 'day'] as const;
export type Interval = (typeof INTERVALS)[number];

/** A period: `from` inclusive, `to` exclusive; the last 7 days by default. */
export class PeriodQuery {
  @ApiPropertyOptional({ example: '2026-11-23T00:00:00+08:00' })
  @IsOptional()
  @IsDateString()
  from?: string;

  @ApiPropertyOptional({ example: '2026-11-30T00:00:00+08:00' })
  @IsOptional()
  @IsDateString()
  to?: string;

  @ApiPropertyOptional({
    example: 'Asia/Shanghai',
    description: "default: the SLA calendar's zone, else UTC",
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  tz?: string;
}

export class OverviewQuery extends PeriodQuery {
  @ApiPropertyOptional({ enum: GROUP_BYS })
  @IsOptional()
  @IsIn(GROUP_BYS)
  groupBy?: AnalyticsGroupBy;
}

export class TimeseriesQuery extends OverviewQuery {
  @ApiProperty({ enum: TIMESERIES_METRICS })
  @IsIn(TIMESERIES_METRICS)
  metric: TimeseriesMetric;

  @ApiPropertyOptional({ enum: INTERVALS, default: 'day' })
  @IsOptional()
  @IsIn(INTERVALS)
  interval?: Interval;
}

export class ProblemSkusQuery extends PeriodQuery {
  @ApiPropertyOptional({ default: 20, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
