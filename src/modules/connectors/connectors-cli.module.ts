import { type DynamicModule, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { SinergiConfig } from '@sinergi/common';
import { DatabaseModule } from '@sinergi/database';
import { SinergiMetrics } from '../../platform/metrics';
import { SinergiConfigModule } from '../../platform/config.module';
import { ProcurementClientRepository } from '../procurement-clients/procurement-client.repository';
import { RecordProcurementEventsHandler } from '../project-intake/commands/record-procurement-event/record-procurement-events.handler';
import { HolidayCalendars } from '../project-intake/holidays/holiday-calendars';
import { InaprocPuller } from './inaproc/inaproc-puller';

/** What `cli inaproc:pull` needs: the database, the ingest's command handler and the puller; no HTTP, no queues. */
@Module({})
export class ConnectorsCliModule {
  static forRoot(config: SinergiConfig): DynamicModule {
    return {
      module: ConnectorsCliModule,
      imports: [SinergiConfigModule.forRoot(config), DatabaseModule, CqrsModule.forRoot()],
      providers: [
        { provide: SinergiMetrics, useFactory: () => new SinergiMetrics('worker') },
        HolidayCalendars,
        RecordProcurementEventsHandler,
        ProcurementClientRepository,
        InaprocPuller,
      ],
    };
  }
}
