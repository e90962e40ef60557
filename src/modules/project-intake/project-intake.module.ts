import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProcurementClientsModule } from '../procurement-clients/procurement-clients.module';
import { RecordProcurementEventHttpController } from './commands/record-procurement-event/record-procurement-event.http.controller';
import { RecordProcurementEventsHandler } from './commands/record-procurement-event/record-procurement-events.handler';

@Module({
  imports: [CqrsModule, ProcurementClientsModule],
  controllers: [RecordProcurementEventHttpController],
  providers: [RecordProcurementEventsHandler],
})
export class ProjectIntakeModule {}
