import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type SinergiConfig, SINERGI_CONFIG, CLOCK, type Clock } from '@sinergi/common';
import { EventStore } from '@sinergi/event-store';
import { DataSource } from 'typeorm';
import { dataSourceOptions, poolOf } from './data-source';

export const PG_POOL = Symbol('PG_POOL');

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [SINERGI_CONFIG],
      useFactory: (config: SinergiConfig) => dataSourceOptions(config.databaseUrl, config.databasePoolSize, `sinergi-${process.title}`),
    }),
  ],
  providers: [
    { provide: PG_POOL, inject: [DataSource], useFactory: poolOf },
    { provide: EventStore, inject: [PG_POOL, CLOCK], useFactory: (pool, clock: Clock) => new EventStore(pool, { clock }) },
  ],
  exports: [PG_POOL, EventStore],
})
export class DatabaseModule {}
