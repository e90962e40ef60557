import { Module } from '@nestjs/common';
import { AcknowledgeCaseHandler } from './commands/acknowledge-case/acknowledge-case.handler';
import { AcknowledgeCaseHttpController } from './commands/acknowledge-case/acknowledge-case.http.controller';
import { WaiveCaseHandler } from './commands/waive-case/waive-case.handler';
import { WaiveCaseHttpController } from './commands/waive-case/waive-case.http.controller';
import { ListInboxHandler } from './inbox/list-inbox/list-inbox.handler';
import { ListInboxHttpController } from './inbox/list-inbox/list-inbox.http.controller';
import { MarkInboxItemReadHandler } from './inbox/mark-inbox-item-read/mark-inbox-item-read.handler';
import { MarkInboxItemReadHttpController } from './inbox/mark-inbox-item-read/mark-inbox-item-read.http.controller';
import { GetCaseHandler } from './queries/get-case/get-case.handler';
import { GetCaseHttpController } from './queries/get-case/get-case.http.controller';
import { ListCasesHandler } from './queries/list-cases/list-cases.handler';
import { ListCasesHttpController } from './queries/list-cases/list-cases.http.controller';

/** The officials' API of escalation (docs/api.md, §10): cases (`/v1/cases`) and the in-app inbox (`/v1/inbox`). */
@Module({
  controllers: [
    ListCasesHttpController,
    GetCaseHttpController,
    AcknowledgeCaseHttpController,
    WaiveCaseHttpController,
    ListInboxHttpController,
    MarkInboxItemReadHttpController,
  ],
  providers: [ListCasesHandler, GetCaseHandler, AcknowledgeCaseHandler, WaiveCaseHandler, ListInboxHandler, MarkInboxItemReadHandler],
})
export class EscalationCasesApiModule {}
