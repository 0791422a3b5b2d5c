import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

const CLOCK = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const YEAR_IN_MINUTES = 366 * 24 * 60;

export class BusinessHoursDto {
  @ApiProperty({ example: 'Asia/Shanghai', description: 'an IANA time zone' })
  @IsString()
  @MaxLength(64)
  timezone: string;

  @ApiProperty({ example: [1, 2, 3, 4, 5], description: 'ISO weekdays: 1 = Monday … 7 = Sunday' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(7, { each: true })
  weekdays: number[];

  @ApiProperty({ example: '09:00' })
  @Matches(CLOCK, { message: '$property must be a time of day as HH:mm' })
  start: string;

  @ApiProperty({ example: '18:00', description: 'exclusive; 24:00 for midnight' })
  @Matches(CLOCK, { message: '$property must be a time of day as HH:mm' })
  end: string;
}

export class SeverityPolicyDto {
  @ApiProperty({ example: 120 })
  @IsInt()
  @Min(1)
  @Max(YEAR_IN_MINUTES)
  firstResponseMinutes: number;

  @ApiProperty({ example: 1440 })
  @IsInt()
  @Min(1)
  @Max(YEAR_IN_MINUTES)
  resolutionMinutes: number;

  @ApiPropertyOptional({
    type: BusinessHoursDto,
    nullable: true,
    description: 'left out or null: around the clock',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => BusinessHoursDto)
  businessHours?: BusinessHoursDto | null;
}

export class SeverityPoliciesDto {
  @ApiProperty({ type: SeverityPolicyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SeverityPolicyDto)
  critical: SeverityPolicyDto;

  @ApiProperty({ type: SeverityPolicyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SeverityPolicyDto)
  high: SeverityPolicyDto;

  @ApiProperty({ type: SeverityPolicyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SeverityPolicyDto)
  normal: SeverityPolicyDto;

  @ApiProperty({ type: SeverityPolicyDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SeverityPolicyDto)
  low: SeverityPolicyDto;
}

export class PutSlaPoliciesDto {
  @ApiProperty({ type: SeverityPoliciesDto, description: 'one policy for each severity' })
  @IsDefined()
  @ValidateNested()
  @Type(() => SeverityPoliciesDto)
  policies: SeverityPoliciesDto;

  @ApiPropertyOptional({ example: ['2025-10-01'], description: 'YYYY-MM-DD dates without business hours' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsString({ each: true })
  holidays?: string[];

  @ApiPropertyOptional({
    example: 60,
    description: "due times stay this long before the platform's own deadline",
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(7 * 24 * 60)
  platformDeadlineMarginMinutes?: number;
}
