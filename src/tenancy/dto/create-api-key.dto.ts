import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { API_KEY_ROLES, type ApiKeyRole } from '../api-key.entity';

export class CreateApiKeyDto {
  @ApiProperty({ enum: API_KEY_ROLES })
  @IsIn(API_KEY_ROLES)
  role: ApiKeyRole;

  @ApiPropertyOptional({ example: 'inbox agents' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  name?: string;
}
