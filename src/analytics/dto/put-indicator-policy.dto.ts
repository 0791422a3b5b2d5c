import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

const DAY = 86_400;

export class PutIndicatorPolicyDto {
  @ApiProperty({ example: 7200, description: 'first-response time p90 at most this, in business seconds' })
  @IsInt()
  @Min(60)
  @Max(30 * DAY)
  firstResponseP90Seconds: number;

  @ApiProperty({
    example: 86400,
    description: 'handling (resolution) time p90 at most this, in business seconds',
  })
  @IsInt()
  @Min(60)
  @Max(90 * DAY)
  handlingP90Seconds: number;

  @ApiProperty({ example: 0.9, description: 'share of satisfaction responses scoring 4–5, at least' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  satisfactionMin: number;

  @ApiProperty({ example: 0.95, description: 'share of SLA clocks not breached, at least' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  slaAttainmentMin: number;

  @ApiProperty({ example: 0, description: 'SLA breaches in the period, at most' })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  breachCountMax: number;

  @ApiProperty({
    example: 1,
    description: 'a problem SKU rising by this share or more (1 = doubled) is flagged',
  })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0.1)
  @Max(100)
  problemSkuRiseMin: number;

  @ApiPropertyOptional({
    example: 24,
    description: 'the rolling period the periodic check evaluates, in hours',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(24 * 31)
  windowHours?: number;
}
