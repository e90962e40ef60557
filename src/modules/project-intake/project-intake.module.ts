import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { ProcurementClientsModule } from '../procurement-clients/procurement-clients.module';
import { RecordProcurementEventHttpController } from './commands/record-procurement-event/record-procurement-event.http.controller';
import { RecordProcurementEventsHandler } from './commands/record-procurement-event/record-procurement-events.handler';
import { HolidayCalendars } from './holidays/holiday-calendars';
import { ProvisionalDeadlinesMetric } from './holidays/provisional-deadlines.metric';

@Module({
  imports: [CqrsModule, ProcurementClientsModule],
  controllers: [RecordProcurementEventHttpController],
  providers: [RecordProcurementEventsHandler, HolidayCalendars, ProvisionalDeadlinesMetric],
  exports: [HolidayCalendars],
})
export class ProjectIntakeModule {}
