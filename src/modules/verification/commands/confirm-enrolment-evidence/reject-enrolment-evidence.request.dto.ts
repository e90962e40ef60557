import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class RejectEnrolmentEvidenceRequestDto {
  @ApiProperty({ example: 'The receipt number does not appear on the branch statement', maxLength: 1000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason: string;
}

export class EvidenceDecidedResponseDto {
  @ApiProperty({ format: 'uuid' })
  projectId: string;

  @ApiProperty({ format: 'uuid' })
  evidenceId: string;

  @ApiProperty({ enum: ['CONFIRMED', 'REJECTED'] })
  status: 'CONFIRMED' | 'REJECTED';
}
