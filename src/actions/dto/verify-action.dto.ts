import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';

export class VerifyActionDto {
  @ApiProperty({
    description: 'the code the platform sent the seller (e.g. the SMS code TOP texts for a large refund)',
  })
  @IsString()
  @Matches(/^[0-9A-Za-z]{4,12}$/, { message: 'code must be 4 to 12 letters or digits' })
  code: string;
}
