import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PLATFORMS, type Platform } from '../../../adapters/contract';

export class CreateConnectionDto {
  @ApiProperty({ enum: PLATFORMS })
  @IsIn(PLATFORMS)
  platform: Platform;

  @ApiProperty({ example: 'Tmall flagship store' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ example: 'acme.myshopify.com', description: "the platform's id of the shop" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  shopId: string;

  @ApiProperty({
    description: 'write-only; fields depend on the platform (GET /v1/platforms)',
    example: { webhookSecret: 'whsec_…' },
  })
  @IsObject()
  credentials: Record<string, string>;

  @ApiPropertyOptional({
    description: "overrides the platform's production gateway (a sandbox, a regional gateway)",
  })
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  @MaxLength(2000)
  apiBaseUrl?: string;

  @ApiPropertyOptional({ minimum: 10, maximum: 86400 })
  @IsOptional()
  @IsInt()
  @Min(10)
  @Max(86_400)
  pollIntervalSeconds?: number;
}
