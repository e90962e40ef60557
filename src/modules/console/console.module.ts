import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { RegionsModule } from '../regional-coverage/regions/regions.module';
import { AssetsConsoleController } from './assets/assets.console.controller';
import { CaseLinkConsoleController } from './case-link/case-link.console.controller';
import { ConsoleAuthGuard } from './auth/console-auth.guard';
import { ConsoleSessions } from './auth/console-sessions';
import { ConsoleSignIn } from './auth/oidc/console-sign-in.service';
import { LocalIdentityProvider } from './auth/oidc/local-identity-provider';
import { CaseEvidenceSection } from './evidence/case-evidence.section';
import { EvidenceConsoleController } from './evidence/evidence.console.controller';
import { EvidenceOnFileReader } from './evidence/evidence-on-file';
import { AdminConsoleController } from './pages/admin/admin.console.controller';
import { ClientsConsoleController } from './pages/admin/clients.console.controller';
import { LadderConsoleController } from './pages/admin/ladder.console.controller';
import { OfficialsConsoleController } from './pages/admin/officials.console.controller';
import { AuditConsoleController } from './pages/audit/audit.console.controller';
import { CasesConsoleController } from './pages/cases/cases.console.controller';
import { QueueDashboardConsoleController } from './queue-dashboard/queue-dashboard.console.controller';
import { QueueDashboardQueues } from './queue-dashboard/queue-dashboard';
import { CoverageConsoleController } from './pages/region-coverage/coverage.console.controller';
import { ProjectsConsoleController } from './pages/projects/projects.console.controller';
import { SignInConsoleController } from './pages/sign-in/sign-in.console.controller';

/**
 * The officials' console (docs/api.md, issue 12): server-rendered pages under /console in Bahasa Indonesia. It adds
 * presentation and sessions only: every figure and every decision comes from the API's own queries and commands,
 * dispatched through the QueryBus and CommandBus to the handlers the API modules register, with the same scope rules.
 */
@Module({
  imports: [CqrsModule, RegionsModule],
  controllers: [
    AssetsConsoleController,
    SignInConsoleController,
    CoverageConsoleController,
    CasesConsoleController,
    EvidenceConsoleController,
    ProjectsConsoleController,
    CaseLinkConsoleController,
    QueueDashboardConsoleController,
    AuditConsoleController,
    AdminConsoleController,
    OfficialsConsoleController,
    LadderConsoleController,
    ClientsConsoleController,
  ],
  providers: [
    ConsoleSessions,
    ConsoleAuthGuard,
    ConsoleSignIn,
    LocalIdentityProvider,
    EvidenceOnFileReader,
    CaseEvidenceSection,
    QueueDashboardQueues,
  ],
})
export class ConsoleModule {}
