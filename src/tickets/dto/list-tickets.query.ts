import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PLATFORMS, type Platform } from '../../../adapters/contract';
import {
  DEPARTMENTS,
  SEVERITIES,
  SLA_STATES,
  TICKET_CATEGORIES,
  TICKET_KINDS,
  TICKET_STAGES,
  TICKET_STATUSES,
  type Department,
  type Severity,
  type SlaState,
  type TicketCategory,
  type TicketKind,
  type TicketStage,
  type TicketStatus,
} from '../ticket-vocabulary';
import { commaList as list } from '../../common/dto/comma-list';
import { IsTimestamp } from '../../common/timestamp';

export const TICKET_SORTS = ['-createdAt', '-updatedAt', 'slaDue', '-severity'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export class ListTicketsQuery {
  @ApiPropertyOptional({ enum: TICKET_STATUSES, isArray: true })
  @IsOptional()
  @list()
  @ArrayMaxSize(10)
  @IsIn(TICKET_STATUSES, { each: true })
  status?: TicketStatus[];

  @ApiPropertyOptional({ enum: TICKET_STAGES, isArray: true })
  @IsOptional()
  @list()
  @ArrayMaxSize(20)
  @IsIn(TICKET_STAGES, { each: true })
  stage?: TicketStage[];

  @ApiPropertyOptional({ enum: PLATFORMS, isArray: true })
  @IsOptional()
  @list()
  @ArrayMaxSize(10)
  @IsIn(PLATFORMS, { each: true })
  platform?: Platform[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ enum: DEPARTMENTS, isArray: true })
  @IsOptional()
  @list()
  @ArrayMaxSize(10)
  @IsIn(DEPARTMENTS, { each: true })
  department?: Department[];

  @ApiPropertyOptional({ enum: SEVERITIES, isArray: true })
  @IsOptional()
  @list()
  @ArrayMaxSize(4)
  @IsIn(SEVERITIES, { each: true })
  severity?: Severity[];

  @ApiPropertyOptional({ enum: TICKET_CATEGORIES, isArray: true })
  @IsOptional()
  @list()
  @ArrayMaxSize(10)
  @IsIn(TICKET_CATEGORIES, { each: true })
  category?: TicketCategory[];

  @ApiPropertyOptional({ enum: TICKET_KINDS, isArray: true })
  @IsOptional()
  @list()
  @ArrayMaxSize(10)
  @IsIn(TICKET_KINDS, { each: true })
  kind?: TicketKind[];

  @ApiPropertyOptional({ description: 'an assignee id, or `none` for unassigned tickets' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  assigneeId?: string;

  @ApiPropertyOptional({ enum: SLA_STATES, isArray: true })
  @IsOptional()
  @list()
  @ArrayMaxSize(3)
  @IsIn(SLA_STATES, { each: true })
  slaState?: SlaState[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tag?: string;

  @ApiPropertyOptional({
    description: 'reason, order id, buyer, SKU and title; Chinese substrings of two or more characters',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  createdFrom?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsTimestamp()
  createdTo?: string;

  @ApiPropertyOptional({ enum: TICKET_SORTS, default: '-createdAt' })
  @IsOptional()
  @IsIn(TICKET_SORTS)
  sort?: TicketSort;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}
