import { Global, Inject, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type SinergiConfig, SINERGI_CONFIG, CLOCK, type Clock } from '@sinergi/common';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { openPool } from './data-source';

export const PG_POOL = Symbol('PG_POOL');

/** Ends the pool once everything that used it has stopped (consumers stop in beforeApplicationShutdown). */
@Injectable()
class PoolShutdown implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [SINERGI_CONFIG],
      useFactory: (config: SinergiConfig) => openPool(config.databaseUrl, config.databasePoolSize, `sinergi-${process.title}`),
    },
    PoolShutdown,
    { provide: EventStore, inject: [PG_POOL, CLOCK], useFactory: (pool, clock: Clock) => new EventStore(pool, { clock }) },
  ],
  exports: [PG_POOL, EventStore],
})
export class DatabaseModule {}
