import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProcurementClientsModule } from '../procurement-clients/procurement-clients.module';
import { ConfirmEnrolmentEvidenceHttpController } from './commands/confirm-enrolment-evidence/confirm-enrolment-evidence.http.controller';
import { DecideEnrolmentEvidenceHandler } from './commands/confirm-enrolment-evidence/decide-enrolment-evidence.handler';
import { RequestReverificationHandler } from './commands/request-reverification/request-reverification.handler';
import { RequestReverificationHttpController } from './commands/request-reverification/request-reverification.http.controller';
import { SubmitEnrolmentEvidenceHandler } from './commands/submit-enrolment-evidence/submit-enrolment-evidence.handler';
import { SubmitEnrolmentEvidenceHttpController } from './commands/submit-enrolment-evidence/submit-enrolment-evidence.http.controller';
import { DeadLettersHttpController } from './dead-letters/dead-letters.http.controller';
import { ListDeadLettersHandler } from './dead-letters/list-dead-letters/list-dead-letters.handler';
import { RetryDeadLetterHandler } from './dead-letters/retry-dead-letter/retry-dead-letter.handler';
import { GetProjectHandler } from './queries/get-project/get-project.handler';
import { GetProjectHttpController } from './queries/get-project/get-project.http.controller';
import { GetProjectsHandler } from './queries/get-projects/get-projects.handler';
import { ReaderAuthGuard } from './queries/get-project/reader-auth.guard';
import { VerificationQueue } from './verification-queue.provider';
import { VerificationMetrics } from './verification.metrics';

/** The HTTP side of verification: project reads, re-verification, enrolment evidence, dead letters, queue metrics. */
@Module({
  imports: [CqrsModule, ProcurementClientsModule],
  controllers: [
    GetProjectHttpController,
    RequestReverificationHttpController,
    SubmitEnrolmentEvidenceHttpController,
    ConfirmEnrolmentEvidenceHttpController,
    DeadLettersHttpController,
  ],
  providers: [
    GetProjectHandler,
    GetProjectsHandler,
    ReaderAuthGuard,
    SubmitEnrolmentEvidenceHandler,
    DecideEnrolmentEvidenceHandler,
    RequestReverificationHandler,
    ListDeadLettersHandler,
    RetryDeadLetterHandler,
    VerificationQueue,
    VerificationMetrics,
  ],
})
export class VerificationApiModule {}
