import { Module } from '@nestjs/common';
import { ListParkedEventsHandler } from './parked-events/list-parked-events.handler';
import { ListParkedEventsHttpController } from './parked-events/list-parked-events.http.controller';

/** What operators look after beside the verification dead letters: events the log consumers parked. */
@Module({ controllers: [ListParkedEventsHttpController], providers: [ListParkedEventsHandler] })
export class OperationsApiModule {}
