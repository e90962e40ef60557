import { Module } from '@nestjs/common';
import { VerificationRelay } from './commands/request-verification/verification.relay';
import { VerifyEnrolmentHandler } from './commands/verify-enrolment/verify-enrolment.handler';
import { VerifyEnrolmentProcessor } from './commands/verify-enrolment/verify-enrolment.processor';
import { VerificationReconciler } from './reconciler/verification.reconciler';
import { enrolmentRegistryProvider } from './registry/enrolment-registry.provider';
import { VerificationQueue } from './verification-queue.provider';

/** The worker side of verification: relay, BullMQ processor and reconciler (docs/api.md). */
@Module({
  providers: [VerificationQueue, VerificationRelay, VerifyEnrolmentHandler, VerifyEnrolmentProcessor, VerificationReconciler, enrolmentRegistryProvider],
  exports: [VerificationQueue, VerificationRelay, VerificationReconciler],
})
export class VerificationWorkerModule {}
