import { Module } from '@nestjs/common';
import { ConnectorsApiModule } from '../connectors/connectors-api.module';
import { ListParkedEventsHandler } from './parked-events/list-parked-events.handler';
import { ListParkedEventsHttpController } from './parked-events/list-parked-events.http.controller';

/** What operators look after beside the verification dead letters: events the log consumers parked, rows the pull connectors rejected. */
@Module({ imports: [ConnectorsApiModule], controllers: [ListParkedEventsHttpController], providers: [ListParkedEventsHandler] })
export class OperationsApiModule {}
