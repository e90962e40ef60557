import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { MAX_NOTE_LENGTH } from '../../../case-decider/escalation-case.decider';

export class AcknowledgeCaseRequestDto {
  @ApiProperty({ example: 'Sudah dihubungi kontraktor; pendaftaran dijadwalkan minggu ini', maxLength: MAX_NOTE_LENGTH, description: 'May be empty' })
  @IsString()
  @MaxLength(MAX_NOTE_LENGTH)
  note: string;
}
