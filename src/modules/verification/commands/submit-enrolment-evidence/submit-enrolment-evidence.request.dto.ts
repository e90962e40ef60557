import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIsoDate, IsRupiah } from '@sinergi/common/validation';
import { isValidBpjsPaymentCode, isValidBpjsProjectNumber, isValidBpjsReceiptNumber, isValidNpp } from '@sinergi/domain';
import { IsOptional, ValidateBy, type ValidationOptions } from 'class-validator';

const digits = (name: string, isValid: (value: string) => boolean, length: number, options?: ValidationOptions) =>
  ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isValid(value),
        defaultMessage: () => `$property must be ${length} digits`,
      },
    },
    options,
  );

/** The three proof documents of docs/domain.md, as numbers copied from them. */
export class SubmitEnrolmentEvidenceRequestDto {
  @ApiProperty({ example: '7307250000001', description: 'Project number on the BPJS participation certificate, 13 digits' })
  @digits('isBpjsProjectNumber', isValidBpjsProjectNumber, 13)
  projectNumber: string;

  @ApiProperty({ example: '73070001', description: "The company's BPJS registration number (NPP), 8 digits" })
  @digits('isNpp', isValidNpp, 8)
  npp: string;

  @ApiPropertyOptional({ type: String, example: '730725000123', nullable: true, description: 'Payment code on the premium assessment, 12 digits' })
  @IsOptional()
  @digits('isBpjsPaymentCode', isValidBpjsPaymentCode, 12)
  paymentCode?: string | null;

  @ApiProperty({ example: '730725000000123', description: 'Number of the payment receipt, 15 digits' })
  @digits('isBpjsReceiptNumber', isValidBpjsReceiptNumber, 15)
  receiptNumber: string;

  @ApiProperty({
    example: '3252703',
    description: 'Premium paid, in whole rupiah (a digit string, or a safe integer)',
    oneOf: [{ type: 'string', pattern: '^(0|[1-9][0-9]{0,15})$' }, { type: 'integer', minimum: 0 }],
  })
  @IsRupiah()
  premiumPaid: string | number;

  @ApiProperty({ example: '2025-04-28', description: 'First day of cover on the certificate (YYYY-MM-DD)' })
  @IsIsoDate()
  coveredFrom: string;

  @ApiProperty({ example: '2026-04-22', description: 'Last day of cover on the certificate (YYYY-MM-DD), not before coveredFrom' })
  @IsIsoDate()
  coveredTo: string;
}

export class EvidenceSubmittedResponseDto {
  @ApiProperty({ format: 'uuid' })
  evidenceId: string;
}
