import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { MIN_JUSTIFICATION_LENGTH } from '../../../case-decider/escalation-case.decider';

export const MAX_JUSTIFICATION_LENGTH = 2000;

export class WaiveCaseRequestDto {
  @ApiProperty({
    example: 'Proyek dibatalkan oleh PA; kontrak diputus sebelum pekerjaan dimulai',
    minLength: MIN_JUSTIFICATION_LENGTH,
    maxLength: MAX_JUSTIFICATION_LENGTH,
  })
  @IsString()
  @MaxLength(MAX_JUSTIFICATION_LENGTH)
  justification: string;
}
