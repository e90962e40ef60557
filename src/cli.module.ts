import { type DynamicModule, Module } from '@nestjs/common';
import type { SinergiConfig } from '@sinergi/common';
import { DatabaseModule } from '@sinergi/database';
import { ProcurementClientRepository } from './modules/procurement-clients/procurement-client.repository';
import { SinergiConfigModule } from './platform/config.module';

/** What the CLI's commands need: configuration and the database, no HTTP and no queues. */
@Module({})
export class CliModule {
  static forRoot(config: SinergiConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [SinergiConfigModule.forRoot(config), DatabaseModule],
      providers: [ProcurementClientRepository],
    };
  }
}
