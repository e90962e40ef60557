import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import Redis from 'ioredis';

export const REDIS = Symbol('REDIS');

/** A shared producer-side Redis connection: offline queue off so a Redis outage fails fast (CONTRIBUTING.md, Jobs). */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [SINERGI_CONFIG],
      useFactory: (config: SinergiConfig) =>
        new Redis(config.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false }),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {
    this.redis.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
