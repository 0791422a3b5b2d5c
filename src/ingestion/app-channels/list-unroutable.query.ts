import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PLATFORMS, type Platform } from '../../../adapters/contract';
import { PageQuery } from '../../common/dto/page.query';

export const UNROUTABLE_STATUSES = ['waiting', 'attached'] as const;

export class ListUnroutableQuery extends PageQuery {
  @ApiPropertyOptional({ enum: PLATFORMS })
  @IsOptional()
  @IsIn(PLATFORMS)
  platform?: Platform;

  @ApiPropertyOptional({
    description: 'a shop identifier the message carried (user_id, user_nick, shop_id, mall_id)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  shop?: string;

  @ApiPropertyOptional({
    enum: UNROUTABLE_STATUSES,
    description: 'waiting: no connection for its shop yet; attached: handed to one created later',
  })
  @IsOptional()
  @IsIn(UNROUTABLE_STATUSES)
  status?: (typeof UNROUTABLE_STATUSES)[number];
}
