import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import {
  PLATFORMS,
  TICKET_CATEGORIES,
  TICKET_KINDS,
  type Platform,
  type TicketCategory,
  type TicketKind,
} from '../../../adapters/contract';
import { INCIDENT_WINDOW_MAX_MINUTES } from '../../../config/routing.defaults';
import { DEPARTMENTS, SEVERITIES, type Department, type Severity } from '../../tickets/ticket-vocabulary';
import type { AssigneeSpec } from '../routing-rule.types';

const DECIMAL = /^\d{1,13}(\.\d{1,4})?$/;
const CURRENCY = /^[A-Z]{3}$/;
const decimalMessage = { message: '$property must be a decimal string such as "129.00"' };
const currencyMessage = { message: '$property must be an ISO 4217 code such as "CNY"' };

function isAssigneeSpec(value: unknown): boolean {
  const isAgent = (id: unknown) => typeof id === 'string' && id.length > 0 && id.length <= 200;
  if (typeof value === 'string') return isAgent(value);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== 'roundRobin') return false;
  const agents = (value as { roundRobin: unknown }).roundRobin;
  return Array.isArray(agents) && agents.length > 0 && agents.length <= 100 && agents.every(isAgent);
}

/** An agent id, or `{ "roundRobin": [agent ids] }`; nothing else. */
function IsAssignee(): PropertyDecorator {
  return ValidateBy({
    name: 'isAssignee',
    validator: {
      validate: isAssigneeSpec,
      defaultMessage: () =>
        '$property must be an agent id or { "roundRobin": ["agent id", …] } and nothing else',
    },
  });
}

export class AmountRangeDto {
  @ApiProperty({ example: 'CNY' })
  @Matches(CURRENCY, currencyMessage)
  currency: string;

  @ApiPropertyOptional({ example: '100.00' })
  @IsOptional()
  @Matches(DECIMAL, decimalMessage)
  min?: string;

  @ApiPropertyOptional({ example: '1000.00' })
  @IsOptional()
  @Matches(DECIMAL, decimalMessage)
  max?: string;
}

export class RuleConditionsDto {
  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(PLATFORMS.length)
  @IsIn(PLATFORMS, { each: true })
  platform?: Platform[];

  @ApiPropertyOptional({ enum: TICKET_KINDS, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(TICKET_KINDS.length)
  @IsIn(TICKET_KINDS, { each: true })
  kind?: TicketKind[];

  @ApiPropertyOptional({ enum: TICKET_CATEGORIES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(TICKET_CATEGORIES.length)
  @IsIn(TICKET_CATEGORIES, { each: true })
  category?: TicketCategory[];

  @ApiPropertyOptional({ enum: SEVERITIES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(SEVERITIES.length)
  @IsIn(SEVERITIES, { each: true })
  severity?: Severity[];

  @ApiPropertyOptional({ type: AmountRangeDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AmountRangeDto)
  amount?: AmountRangeDto;

  @ApiPropertyOptional({ description: "case-insensitive substrings of the buyer's text", example: ['12315'] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  keywords?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  vip?: boolean;

  @ApiPropertyOptional({ description: 'exact SKUs, or prefixes ending in *', example: ['CUP-*'] })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  sku?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  connectionId?: string[];
}

export class RuleOutcomeDto {
  @ApiPropertyOptional({ enum: DEPARTMENTS })
  @IsOptional()
  @IsIn(DEPARTMENTS)
  department?: Department;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: Severity;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  tags?: string[];

  @ApiPropertyOptional({
    description: 'an agent id, or { "roundRobin": [agent ids] } to take turns',
    example: { roundRobin: ['agent-1', 'agent-2'] },
  })
  @IsOptional()
  @IsAssignee()
  assignee?: AssigneeSpec;
}

export class RoutingRuleDto {
  @ApiProperty({ example: 'VIP quality cases' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiProperty({ type: RuleConditionsDto, description: 'every condition must hold; {} matches every case' })
  @IsDefined()
  @ValidateNested()
  @Type(() => RuleConditionsDto)
  when: RuleConditionsDto;

  @ApiProperty({ type: RuleOutcomeDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => RuleOutcomeDto)
  then: RuleOutcomeDto;
}

export class MoneyThresholdDto {
  @ApiProperty({ example: '5000.00' })
  @Matches(DECIMAL, decimalMessage)
  amount: string;

  @ApiProperty({ example: 'CNY' })
  @Matches(CURRENCY, currencyMessage)
  currency: string;
}

export class IncidentThresholdDto {
  @ApiProperty({ minimum: 2, maximum: 1000, example: 5 })
  @IsInt()
  @Min(2)
  @Max(1000)
  tickets: number;

  @ApiProperty({ minimum: 1, maximum: INCIDENT_WINDOW_MAX_MINUTES, example: 60 })
  @IsInt()
  @Min(1)
  @Max(INCIDENT_WINDOW_MAX_MINUTES)
  windowMinutes: number;
}

export class SeverityThresholdsDto {
  @ApiProperty({
    type: [MoneyThresholdDto],
    description: 'a case asking for more, in its currency, is critical',
  })
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => MoneyThresholdDto)
  criticalAmounts: MoneyThresholdDto[];

  @ApiProperty({ type: IncidentThresholdDto, description: 'this many tickets on one SKU within the window' })
  @IsDefined()
  @ValidateNested()
  @Type(() => IncidentThresholdDto)
  incident: IncidentThresholdDto;
}

export class PutRoutingRulesDto {
  @ApiProperty({
    type: [RoutingRuleDto],
    description: 'tried in order; the first rule to set a field wins it',
  })
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => RoutingRuleDto)
  rules: RoutingRuleDto[];

  @ApiPropertyOptional({ type: SeverityThresholdsDto, description: 'the defaults when left out' })
  @IsOptional()
  @ValidateNested()
  @Type(() => SeverityThresholdsDto)
  thresholds?: SeverityThresholdsDto;
}
