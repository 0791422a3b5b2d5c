import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class AddNoteDto {
  @ApiProperty({ description: 'internal: never shown to the buyer' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  text: string;
}
