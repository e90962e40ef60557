import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { POSITIONS, type Position } from '@sinergi/auth';
import { parseRegionCode } from '@sinergi/domain';
import { IsBoolean, IsEmail, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateBy, ValidateIf } from 'class-validator';
import { E164 } from '../notification/whatsapp/whatsapp-phone';

const E164_MESSAGE = { message: '$property must be a phone number in E.164 form, e.g. +6281234567890' };

const IsRegionCode = () =>
  ValidateBy({
    name: 'isRegionCode',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseRegionCode(value) !== null,
      defaultMessage: () => '$property must be a region code such as 73.07',
    },
  });

/** A new entry of the officials directory. Unknown fields are refused. */
export class CreateOfficialRequestDto {
  @ApiProperty({ example: 'Contoh Sekretaris Daerah' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: POSITIONS, example: 'SEKDA' })
  @IsIn(POSITIONS as unknown as string[])
  position: Position;

  @ApiProperty({ example: '73.07', description: 'Region-code prefix the official answers for' })
  @IsRegionCode()
  regionScope: string;

  @ApiPropertyOptional({ type: String, example: '1.03.0.00.0.00.01.0000', nullable: true, description: 'Agency (SKPD) code; required for KEPALA_DINAS' })
  @ValidateIf((o: CreateOfficialRequestDto) => o.position === 'KEPALA_DINAS' || (o.agencyCode !== undefined && o.agencyCode !== null))
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  agencyCode?: string | null;

  @ApiPropertyOptional({ type: String, example: 'sekda@sinjaikab.example', nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, example: '+6281234567890', nullable: true, description: 'WhatsApp number, E.164' })
  @IsOptional()
  @Matches(E164, E164_MESSAGE)
  whatsapp?: string | null;

  @ApiPropertyOptional({ default: false, description: 'The official agreed to escalation notices by WhatsApp (needs whatsapp); e-mail then follows only for a message left unread' })
  @IsOptional()
  @IsBoolean()
  whatsappOptIn?: boolean;

  @ApiPropertyOptional({ type: String, example: 'https://hooks.example.org/sinergi', nullable: true, description: 'https to a public address only' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  webhookUrl?: string | null;
}

/** Changes to an official; omitted fields stay as they are, null removes email, webhook or the sign-in link. */
export class UpdateOfficialRequestDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ type: String, example: '+6281234567890', nullable: true, description: 'WhatsApp number, E.164; null removes it and the opt-in' })
  @IsOptional()
  @Matches(E164, E164_MESSAGE)
  whatsapp?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  whatsappOptIn?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  webhookUrl?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, description: "The JWT subject (sub) of the official's sign-in; null unlinks it" })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  subject?: string | null;
}
