import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ACTION_TYPES, type ActionType } from '../../../adapters/contract';

export class ReturnAddressDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(40)
  phone: string;

  @ApiProperty({ description: 'street address' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  address: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  province?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  city?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  district?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(20)
  postcode?: string;

  @ApiPropertyOptional({ description: "the platform's id of a saved return address" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  externalAddressId?: string;
}

export class CreateActionDto {
  @ApiProperty({ enum: ACTION_TYPES })
  @IsIn(ACTION_TYPES)
  type: ActionType;

  @ApiPropertyOptional({
    description: 'approve_refund: a partial amount in the ticket currency, e.g. "64.50"; all when omitted',
  })
  @ValidateIf((dto: CreateActionDto) => dto.type === 'approve_refund' && dto.amount !== undefined)
  @IsString()
  @Matches(/^\d{1,12}(\.\d{1,2})?$/, { message: 'amount must be a decimal string such as "64.50"' })
  amount?: string;

  @ApiPropertyOptional({ description: 'refuse_refund, refuse_return: why, shown to the buyer' })
  @ValidateIf((dto: CreateActionDto) => dto.type === 'refuse_refund' || dto.type === 'refuse_return')
  @IsString()
  @IsNotEmpty({ message: 'reason is required to refuse' })
  @MaxLength(500)
  reason?: string;

  @ApiPropertyOptional({
    description: "refuse_refund, refuse_return: the platform's refusal reason code (Douyin needs one)",
  })
  @ValidateIf(
    (dto: CreateActionDto) =>
      (dto.type === 'refuse_refund' || dto.type === 'refuse_return') && dto.reasonCode !== undefined,
  )
  @IsString()
  @MaxLength(100)
  reasonCode?: string;

  @ApiPropertyOptional({ type: ReturnAddressDto })
  @ValidateIf((dto: CreateActionDto) => dto.type === 'approve_return' && dto.returnAddress !== undefined)
  @ValidateNested()
  @Type(() => ReturnAddressDto)
  returnAddress?: ReturnAddressDto;

  @ApiPropertyOptional({ description: 'send_message: the text for the buyer' })
  @ValidateIf((dto: CreateActionDto) => dto.type === 'send_message')
  @IsString()
  @IsNotEmpty({ message: 'text is required to send a message' })
  @MaxLength(2000)
  text?: string;
}
