import { type DynamicModule, Inject, Injectable, Module } from '@nestjs/common';
import type { Pool } from 'pg';
import type { SinergiConfig } from '@sinergi/common';
import { DatabaseModule, PG_POOL } from '@sinergi/database';
import { ProcurementClientRepository } from './modules/procurement-clients/procurement-client.repository';
import { SinergiConfigModule } from './platform/config.module';

/** Hands the shared pg pool to CLI commands. */
@Injectable()
export class PoolHolder {
  constructor(@Inject(PG_POOL) readonly pool: Pool) {}
}

/** What the CLI's commands need: configuration and the database, no HTTP and no queues. */
@Module({})
export class CliModule {
  static forRoot(config: SinergiConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [SinergiConfigModule.forRoot(config), DatabaseModule],
      providers: [ProcurementClientRepository, PoolHolder],
    };
  }
}
