import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CreateReplyDto {
  @ApiProperty({ description: 'sent to the buyer through the marketplace' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2000)
  text: string;
}
