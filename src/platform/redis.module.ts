import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { openRedis, type RedisClient, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';

export const REDIS = Symbol('REDIS');

/**
 * A shared producer-side Redis connection (a Redis Cluster client when REDIS_CLUSTER_NODES is set): offline queue off so
 * a Redis outage fails fast (CONTRIBUTING.md, Jobs).
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [SINERGI_CONFIG],
      useFactory: (config: SinergiConfig) => openRedis(config, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false }),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {
    this.redis.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
