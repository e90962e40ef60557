import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { ANY_OBJECT, EventActorSchema } from '../../platform/openapi/common.schemas';

/** Response schemas of the audit API, as its handlers answer (AuditEventView, history, search, tamper evidence). */

const HEX64 = { type: 'string', pattern: '^[0-9a-f]{64}$', example: '9f2b5c0d4e6a8b1c3d5e7f9a0b2c4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c' } as const;
const BIGINT = { type: 'string', pattern: '^[0-9]+$', description: 'A bigint as a digit string' } as const;

@ApiSchema({ name: 'AuditEvent', description: 'One event as auditors see it (history, search, and each NDJSON line of an export)' })
export class AuditEventSchema {
  @ApiProperty({ ...BIGINT, example: '1042', description: 'Global position in the log' }) position: string;
  @ApiProperty({ ...BIGINT, example: '771234' }) transactionId: string;
  @ApiProperty({ example: 'project-0b6f4f5e-2c1d-4a51-9a3e-5f0c8c7d9e21' }) streamId: string;
  @ApiProperty({ type: 'integer', example: 1 }) version: number;
  @ApiProperty({ format: 'uuid' }) eventId: string;
  @ApiProperty({ example: 'ProjectRegistered' }) type: string;
  @ApiProperty({ type: 'integer', example: 1 }) schemaVersion: number;
  @ApiProperty({ format: 'date-time' }) recordedAt: string;
  @ApiProperty({ type: String, nullable: true, example: '73.07.06' }) regionCode: string | null;
  @ApiProperty({ type: EventActorSchema, nullable: true }) actor: EventActorSchema | null;
  @ApiProperty({ type: String, nullable: true }) correlationId: string | null;
  @ApiProperty({ type: String, nullable: true }) causationId: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'spse-7307-10080116000-1' }) sourceEventId: string | null;
  @ApiProperty({ ...ANY_OBJECT, description: "The stored data; the contractor's contact details masked unless the reader holds pii:read" }) data: Record<string, unknown>;
  @ApiProperty({ ...ANY_OBJECT, description: 'The stored metadata, as hashed' }) metadata: Record<string, unknown>;
  @ApiProperty({ description: 'data differs from what is stored, so hash cannot be recomputed from this view' }) masked: boolean;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true, required: ['kind', 'erased'], properties: { kind: { type: 'string' }, erased: { type: 'boolean' }, data: ANY_OBJECT } },
    description: 'The people data refers to, by reference; only for a reader with pii:read',
  })
  personalData?: Record<string, unknown>;
  @ApiProperty({ ...HEX64 }) prevHash: string;
  @ApiProperty({ ...HEX64 }) hash: string;
}

@ApiSchema({ name: 'StreamHead' })
class StreamHeadSchema {
  @ApiProperty({ example: 'compliance-0b6f4f5e-2c1d-4a51-9a3e-5f0c8c7d9e21' }) streamId: string;
  @ApiProperty({ type: 'integer', example: 3 }) version: number;
  @ApiProperty({ ...HEX64 }) hash: string;
}

@ApiSchema({ name: 'ProjectHistory' })
export class ProjectHistorySchema {
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ example: '73.07.06' }) regionCode: string;
  @ApiProperty({ type: [StreamHeadSchema], description: 'Every stream the history draws on, with the head it was read at' }) streams: StreamHeadSchema[];
  @ApiProperty({ type: 'integer', example: 5 }) count: number;
  @ApiProperty({ type: [AuditEventSchema], description: 'In commit order' }) events: AuditEventSchema[];
}

@ApiSchema({ name: 'AuditEventPage' })
export class AuditEventPageSchema {
  @ApiProperty({ type: [AuditEventSchema] }) items: AuditEventSchema[];
  @ApiProperty({ type: String, nullable: true, description: 'The next page, with the same filters; null when no further event has committed yet' }) nextCursor: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Where this page ended: ask again later to see events committed since' }) lastCursor: string | null;
}

@ApiSchema({ name: 'BrokenLink' })
class BrokenLinkSchema {
  @ApiProperty() streamId: string;
  @ApiProperty({ type: 'integer' }) version: number;
  @ApiProperty({ ...BIGINT, description: 'Global position of the stored row at fault' }) position: string;
  @ApiProperty({ enum: ['version_gap', 'prev_hash_mismatch', 'hash_mismatch'] }) reason: string;
  @ApiProperty() expected: string;
  @ApiProperty() found: string;
}

@ApiSchema({ name: 'SignedHead' })
class SignedHeadSchema {
  @ApiProperty({ type: 'integer', example: 3 }) version: number;
  @ApiProperty({ ...HEX64 }) hash: string;
}

@ApiSchema({ name: 'HeadMismatch', description: 'A stream whose head at the checkpoint is not the head the checkpoint signed' })
class HeadMismatchSchema {
  @ApiProperty() streamId: string;
  @ApiProperty({ type: SignedHeadSchema, nullable: true }) signed: SignedHeadSchema | null;
  @ApiProperty({ type: SignedHeadSchema, nullable: true }) found: SignedHeadSchema | null;
}

@ApiSchema({ name: 'StreamReport' })
class StreamReportSchema {
  @ApiProperty() streamId: string;
  @ApiProperty() ok: boolean;
  @ApiProperty({ type: 'integer' }) events: number;
  @ApiProperty({ type: 'integer' }) headVersion: number;
  @ApiProperty({ type: String, nullable: true }) headHash: string | null;
  @ApiProperty({ type: BrokenLinkSchema, nullable: true }) firstBreak: BrokenLinkSchema | null;
  @ApiPropertyOptional({ type: HeadMismatchSchema, nullable: true }) headMismatch?: HeadMismatchSchema | null;
}

@ApiSchema({ name: 'CheckpointReference' })
class CheckpointReferenceSchema {
  @ApiProperty({ ...BIGINT, example: '12' }) checkpointId: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ ...HEX64 }) keyId: string;
  @ApiProperty() signatureValid: boolean;
}

@ApiSchema({ name: 'ProjectVerification', description: "?projectId=: the project's streams recomputed in the request" })
export class ProjectVerificationSchema {
  @ApiProperty({ format: 'uuid' }) projectId: string;
  @ApiProperty({ example: '73.07.06' }) regionCode: string;
  @ApiProperty() ok: boolean;
  @ApiProperty({ format: 'date-time' }) verifiedAt: string;
  @ApiProperty({ type: 'integer' }) checkedEvents: number;
  @ApiProperty({ type: 'integer' }) scannedEvents: number;
  @ApiProperty({ type: BrokenLinkSchema, nullable: true }) firstBreak: BrokenLinkSchema | null;
  @ApiProperty({ type: CheckpointReferenceSchema, nullable: true }) checkpoint: CheckpointReferenceSchema | null;
  @ApiProperty({ type: [HeadMismatchSchema] }) headMismatches: HeadMismatchSchema[];
  @ApiProperty({ type: [StreamReportSchema] }) streams: StreamReportSchema[];
}

@ApiSchema({ name: 'VerificationStarted', description: '?regionCode= or nothing: a verification job (see Location)' })
export class VerificationStartedSchema {
  @ApiProperty({ format: 'uuid' }) verificationId: string;
  @ApiProperty({ type: [String], example: ['73.07'], description: "Region prefixes verified, or ['*'] for the whole log" }) regions: string[];
  @ApiProperty({ description: 'False when an identical verification was already queued or running: that one is returned' }) created: boolean;
  @ApiProperty({ enum: ['ACCEPTED'] }) status: string;
  @ApiProperty({ example: '/v1/audit/verifications/2f7c1a9e-5b3d-4c8e-9a6f-0d1e2f3a4b5c' }) location: string;
}

@ApiSchema({ name: 'Verification' })
export class VerificationSchema {
  @ApiProperty({ format: 'uuid' }) verificationId: string;
  @ApiProperty({ enum: ['QUEUED', 'RUNNING', 'COMPLETED', 'FAILED'] }) status: string;
  @ApiProperty({ type: [String], example: ['73.07'] }) regions: string[];
  @ApiProperty({ example: 'auditor-sinjai' }) requestedBy: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) startedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finishedAt: string | null;
  @ApiProperty({ ...ANY_OBJECT, description: 'scannedEvents, checkedStreams, brokenStreams, lastStreamId' }) progress: Record<string, unknown>;
  @ApiProperty({ ...ANY_OBJECT, nullable: true, description: 'When COMPLETED: ok, counts, the first broken link, and for the whole log the latest checkpoint compared' })
  result: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

@ApiSchema({ name: 'CheckpointBody', description: 'What a checkpoint signs' })
class CheckpointBodySchema {
  @ApiProperty({ ...BIGINT, example: '1042' }) logHeadPosition: string;
  @ApiProperty({ example: '771230:771240:', description: 'pg_snapshot as text' }) logSnapshot: string;
  @ApiProperty({ type: 'integer' }) streamCount: number;
  @ApiProperty({ type: 'integer' }) eventCount: number;
  @ApiProperty({ ...HEX64 }) merkleRoot: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ ...HEX64 }) keyId: string;
}

@ApiSchema({ name: 'CheckpointSignature' })
class CheckpointSignatureSchema {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: string;
  @ApiProperty({ ...HEX64 }) keyId: string;
  @ApiProperty({ description: 'base64 Ed25519 signature of signedText' }) value: string;
}

@ApiSchema({ name: 'CheckpointPublicKeyJwk' })
class CheckpointJwkSchema {
  @ApiProperty({ enum: ['OKP'] }) kty: string;
  @ApiProperty({ enum: ['Ed25519'] }) crv: string;
  @ApiProperty() x: string;
  @ApiProperty() kid: string;
}

@ApiSchema({ name: 'CheckpointPublicKey' })
class CheckpointPublicKeySchema {
  @ApiProperty({ ...HEX64, description: "SHA-256 of the key's DER SubjectPublicKeyInfo" }) keyId: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: string;
  @ApiProperty() pem: string;
  @ApiProperty({ type: CheckpointJwkSchema }) jwk: CheckpointJwkSchema;
}

@ApiSchema({ name: 'CheckpointListItem' })
class CheckpointListItemSchema {
  @ApiProperty({ ...BIGINT, example: '12' }) id: string;
  @ApiProperty({ type: CheckpointBodySchema }) checkpoint: CheckpointBodySchema;
  @ApiProperty({ type: CheckpointSignatureSchema }) signature: CheckpointSignatureSchema;
  @ApiProperty({ example: '/v1/audit/checkpoints/12', description: 'The document the offline check takes' }) documentUrl: string;
}

@ApiSchema({ name: 'CheckpointSigningOn' })
class CheckpointSigningOnSchema {
  @ApiProperty({ enum: [true] }) enabled: boolean;
  @ApiProperty({ type: 'integer', example: 3600 }) intervalSeconds: number;
  @ApiProperty({ type: CheckpointPublicKeySchema }) publicKey: CheckpointPublicKeySchema;
}

@ApiSchema({ name: 'CheckpointSigningOff' })
class CheckpointSigningOffSchema {
  @ApiProperty({ enum: [false] }) enabled: boolean;
  @ApiProperty({ example: 'AUDIT_SIGNING_KEY is not set' }) reason: string;
}

@ApiSchema({ name: 'CheckpointList' })
@ApiExtraModels(CheckpointSigningOnSchema, CheckpointSigningOffSchema)
export class CheckpointListSchema {
  @ApiProperty({ oneOf: [{ $ref: getSchemaPath(CheckpointSigningOnSchema) }, { $ref: getSchemaPath(CheckpointSigningOffSchema) }] })
  signing: CheckpointSigningOnSchema | CheckpointSigningOffSchema;
  @ApiProperty({ type: [CheckpointPublicKeySchema], description: 'Every key that signed a checkpoint on this page' }) publicKeys: CheckpointPublicKeySchema[];
  @ApiProperty({ type: [CheckpointListItemSchema], description: 'Newest first' }) items: CheckpointListItemSchema[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

@ApiSchema({ name: 'CheckpointDocument', description: 'The downloadable document that `npm run cli -- audit:verify --checkpoint FILE` checks' })
export class CheckpointDocumentSchema {
  @ApiProperty({ enum: ['sinergi-audit-checkpoint/1'] }) format: string;
  @ApiProperty({ ...BIGINT, example: '12' }) id: string;
  @ApiProperty({ type: CheckpointBodySchema }) checkpoint: CheckpointBodySchema;
  @ApiProperty({ description: 'RFC 8785 canonical JSON of checkpoint: exactly the bytes (UTF-8) that were signed' }) signedText: string;
  @ApiProperty({ type: CheckpointSignatureSchema }) signature: CheckpointSignatureSchema;
  @ApiProperty({ type: CheckpointPublicKeySchema }) publicKey: CheckpointPublicKeySchema;
  @ApiProperty({ type: [String] }) howToVerify: string[];
}
