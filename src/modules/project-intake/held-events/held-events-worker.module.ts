import { Module } from '@nestjs/common';
import { RecordProcurementEventsHandler } from '../commands/record-procurement-event/record-procurement-events.handler';
import { HeldEventsSweeper } from './held-events.sweeper';
import { HolidayCalendars } from '../holidays/holiday-calendars';

/** The worker's part of intake: held events applied when their registration is in, or expired to dead letters. */
@Module({ providers: [RecordProcurementEventsHandler, HeldEventsSweeper, HolidayCalendars] })
export class HeldEventsWorkerModule {}
