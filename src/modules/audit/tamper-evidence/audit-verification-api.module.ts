import { Module } from '@nestjs/common';
import { AuditAccessLogModule } from '../access-log/audit-access-log.module';
import { AuditQueue } from './audit-queue.provider';
import { checkpointSignerProvider } from './checkpoint/checkpoint-signer.provider';
import { GetCheckpointHandler } from './checkpoint/get-checkpoint/get-checkpoint.handler';
import { GetCheckpointHttpController } from './checkpoint/get-checkpoint/get-checkpoint.http.controller';
import { ListCheckpointsHandler } from './checkpoint/list-checkpoints/list-checkpoints.handler';
import { ListCheckpointsHttpController } from './checkpoint/list-checkpoints/list-checkpoints.http.controller';
import { GetVerificationHandler } from './verify/get-verification/get-verification.handler';
import { GetVerificationHttpController } from './verify/get-verification/get-verification.http.controller';
import { StartLogVerificationHandler } from './verify/start-log-verification/start-log-verification.handler';
import { VerifyHttpController } from './verify/verify.http.controller';
import { VerifyProjectHandler } from './verify/verify-project/verify-project.handler';

/**
 * Tamper evidence for auditors (docs/api.md, issue 6): `GET /v1/audit/verify`, `/v1/audit/verifications/{id}`,
 * `/v1/audit/checkpoints` and `/v1/audit/checkpoints/{id}`. Every call is recorded in the audit access log.
 */
@Module({
  imports: [AuditAccessLogModule],
  controllers: [VerifyHttpController, GetVerificationHttpController, ListCheckpointsHttpController, GetCheckpointHttpController],
  providers: [checkpointSignerProvider, AuditQueue, VerifyProjectHandler, StartLogVerificationHandler, GetVerificationHandler, ListCheckpointsHandler, GetCheckpointHandler],
})
export class AuditVerificationApiModule {}
