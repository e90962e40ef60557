import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { type Clock, type SinergiConfig, systemClock } from '@sinergi/common';
import { DatabaseModule } from '@sinergi/database';
import { AuditVerificationWorkerModule } from './modules/audit/tamper-evidence/audit-verification-worker.module';
import { ConnectorsWorkerModule } from './modules/connectors/connectors-worker.module';
import { HeldEventsWorkerModule } from './modules/project-intake/held-events/held-events-worker.module';
import { RetentionWorkerModule } from './modules/operations/retention/retention.sweeper';
import { CoverageProjectionModule } from './modules/regional-coverage/projection/coverage-projection.module';
import { EscalationWorkerModule } from './modules/escalation/runtime/escalation-worker.module';
import { VerificationWorkerModule } from './modules/verification/verification-worker.module';
import { SinergiConfigModule } from './platform/config.module';
import { MetricsModule } from './platform/metrics.module';
import { LoggingModule } from './platform/logging.module';
import { RedisModule } from './platform/redis.module';

/**
 * The worker process (docs/architecture.md): relay, queue processors, projections and the reconciler. It
 * carries the shared infrastructure now; each capability adds its module here.
 */
@Module({})
export class WorkerModule {
  static forRoot(config?: SinergiConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        SinergiConfigModule.forRoot(config, clock),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        CqrsModule.forRoot(),
        MetricsModule.forRoot('worker'),
        VerificationWorkerModule,
        EscalationWorkerModule,
        CoverageProjectionModule,
        AuditVerificationWorkerModule,
        HeldEventsWorkerModule,
        ConnectorsWorkerModule,
        RetentionWorkerModule,
      ],
    };
  }
}
