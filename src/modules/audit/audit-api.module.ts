import { Module } from '@nestjs/common';
import { AuditAccessLogModule } from './access-log/audit-access-log.module';
import { ExportEventsHandler } from './queries/export-events/export-events.handler';
import { ExportEventsHttpController } from './queries/export-events/export-events.http.controller';
import { GetProjectHistoryHandler } from './queries/get-project-history/get-project-history.handler';
import { GetProjectHistoryHttpController } from './queries/get-project-history/get-project-history.http.controller';
import { SearchEventsHandler } from './queries/search-events/search-events.handler';
import { SearchEventsHttpController } from './queries/search-events/search-events.http.controller';

/**
 * The auditors' reading API (docs/api.md, §10; issue 6): a project's history, a search of the log, and exports, for the
 * role `auditor` within its regions, read-only. Every call is recorded in `audit_access_log` (who looked).
 */
@Module({
  imports: [AuditAccessLogModule],
  controllers: [GetProjectHistoryHttpController, SearchEventsHttpController, ExportEventsHttpController],
  providers: [GetProjectHistoryHandler, SearchEventsHandler, ExportEventsHandler],
})
export class AuditApiModule {}
