import { ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CreateConnectionDto } from './create-connection.dto';

/** The same fields and checks as on creation, all optional; the platform and shop cannot change. */
export class UpdateConnectionDto extends PartialType(
  PickType(CreateConnectionDto, ['name', 'credentials', 'apiBaseUrl', 'pollIntervalSeconds'] as const),
) {
  @ApiPropertyOptional({ enum: ['active', 'paused'] })
  @IsOptional()
  @IsIn(['active', 'paused'])
  status?: 'active' | 'paused';
}
