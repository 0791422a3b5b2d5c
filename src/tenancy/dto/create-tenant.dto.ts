import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CreateTenantDto {
  @ApiProperty({ example: 'Acme Trading' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}
