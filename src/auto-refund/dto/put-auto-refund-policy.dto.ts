import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  TICKET_CATEGORIES,
  TICKET_KINDS,
  type TicketCategory,
  type TicketKind,
} from '../../../adapters/contract';

import { DELIVERY_UNKNOWN_RULES, type DeliveryUnknownRule } from '../auto-refund.policy';

export class MoneyLimitDto {
  @ApiProperty({ example: '50.00' })
  @Matches(/^\d{1,12}(\.\d{1,2})?$/, { message: 'amount must be a decimal string such as "50.00"' })
  amount: string;

  @ApiProperty({ example: 'CNY' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as CNY' })
  currency: string;
}

export class PutAutoRefundPolicyDto {
  @ApiProperty()
  @IsBoolean()
  enabled: boolean;

  @ApiProperty({ description: 'write what would happen on the timeline, push nothing' })
  @IsBoolean()
  dryRun: boolean;

  @ApiProperty({ type: [MoneyLimitDto], description: 'the most refunded automatically, per currency' })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => MoneyLimitDto)
  maxAmounts: MoneyLimitDto[];

  @ApiProperty({ enum: TICKET_KINDS, isArray: true })
  @IsArray()
  @ArrayMaxSize(TICKET_KINDS.length)
  @IsIn(TICKET_KINDS, { each: true })
  kinds: TicketKind[];

  @ApiPropertyOptional({ nullable: true, description: 'null: no delivery window' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  withinDaysOfDelivery?: number | null;

  @ApiPropertyOptional({
    enum: DELIVERY_UNKNOWN_RULES,
    default: 'no_window',
    description: 'without a delivery time: skip the case, or apply no delivery window',
  })
  @IsOptional()
  @IsIn(DELIVERY_UNKNOWN_RULES)
  whenDeliveryUnknown?: DeliveryUnknownRule;

  @ApiPropertyOptional({ enum: TICKET_CATEGORIES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TICKET_CATEGORIES.length)
  @IsIn(TICKET_CATEGORIES, { each: true })
  excludeCategories?: TicketCategory[];

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  excludeFlaggedBuyers?: boolean;

  @ApiPropertyOptional({ type: [String], description: "buyers' platform ids never refunded automatically" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  flaggedBuyerIds?: string[];
}
