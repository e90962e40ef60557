import { Module } from '@nestjs/common';
import { AuditJobsProcessor } from './audit-jobs.processor';
import { AuditQueue } from './audit-queue.provider';
import { checkpointSignerProvider } from './checkpoint/checkpoint-signer.provider';
import { WriteCheckpointHandler } from './checkpoint/write-checkpoint/write-checkpoint.handler';
import { RunLogVerificationHandler } from './verify/run-log-verification/run-log-verification.handler';

/** The worker side of tamper evidence: the periodic signed checkpoint and the verification jobs. */
@Module({
  providers: [checkpointSignerProvider, AuditQueue, WriteCheckpointHandler, RunLogVerificationHandler, AuditJobsProcessor],
  exports: [WriteCheckpointHandler],
})
export class AuditVerificationWorkerModule {}
