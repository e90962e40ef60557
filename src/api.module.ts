import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { type Clock, type SinergiConfig, systemClock } from '@sinergi/common';
import { AuthModule } from '@sinergi/auth';
import { DatabaseModule } from '@sinergi/database';
import { AuditApiModule } from './modules/audit/audit-api.module';
import { AuditVerificationApiModule } from './modules/audit/tamper-evidence/audit-verification-api.module';
import { ConsoleModule } from './modules/console/console.module';
import { CoverageApiModule } from './modules/regional-coverage/api/coverage-api.module';
import { EscalationCasesApiModule } from './modules/escalation/cases-api/escalation-cases-api.module';
import { EscalationDirectoryApiModule } from './modules/escalation/directory/escalation-directory-api.module';
import { WhatsappWebhookModule } from './modules/escalation/notification/whatsapp/whatsapp-webhook.module';
import { OperationsApiModule } from './modules/operations/operations-api.module';
import { ProcurementClientsAdminModule } from './modules/procurement-clients/admin/procurement-clients-admin.module';
import { ProcurementClientsModule } from './modules/procurement-clients/procurement-clients.module';
import { ProjectIntakeModule } from './modules/project-intake/project-intake.module';
import { VerificationApiModule } from './modules/verification/verification-api.module';
import { MetricsModule } from './platform/metrics.module';
import { SinergiConfigModule } from './platform/config.module';
import { HealthModule } from './platform/health.module';
import { HttpShutdownState } from './platform/http-shutdown.state';
import { LoggingModule } from './platform/logging.module';
import { ReadRoutingModule } from './platform/read-routing';
import { RedisModule } from './platform/redis.module';

/** The HTTP API process (docs/architecture.md). */
@Module({})
export class ApiModule {
  static forRoot(config?: SinergiConfig, clock: Clock = systemClock): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        SinergiConfigModule.forRoot(config, clock),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        ReadRoutingModule,
        CqrsModule.forRoot(),
        HealthModule,
        ProcurementClientsModule,
        ProcurementClientsAdminModule,
        ProjectIntakeModule,
        AuthModule,
        MetricsModule.forRoot('api'),
        VerificationApiModule,
        EscalationDirectoryApiModule,
        EscalationCasesApiModule,
        WhatsappWebhookModule,
        CoverageApiModule,
        AuditApiModule,
        AuditVerificationApiModule,
        OperationsApiModule,
        ConsoleModule,
      ],
      providers: [HttpShutdownState],
    };
  }
}
