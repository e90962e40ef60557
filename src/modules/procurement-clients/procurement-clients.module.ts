import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { type RedisClient, type SinergiConfig, SINERGI_CONFIG } from '@sinergi/common';
import { REDIS } from '../../platform/redis.module';
import { ClientThrottlerGuard } from './client-throttler.guard';
import { HmacSignatureGuard, type SignedRequest } from './hmac-signature.guard';
import { ProcurementClientRepository } from './procurement-client.repository';
import { RedisThrottlerStorage } from './redis-throttler.storage';

@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [SINERGI_CONFIG, REDIS],
      useFactory: (config: SinergiConfig, redis: RedisClient) => ({
        throttlers: [
          {
            name: 'default',
            ttl: 60_000,
            limit: (ctx) => ctx.switchToHttp().getRequest<SignedRequest>().procurementClient?.rateLimitPerMinute ?? config.rateLimitPerMinute,
          },
        ],
        storage: new RedisThrottlerStorage(redis, config.queuePrefix),
      }),
    }),
  ],
  providers: [ProcurementClientRepository, HmacSignatureGuard, ClientThrottlerGuard],
  exports: [ProcurementClientRepository, HmacSignatureGuard, ClientThrottlerGuard, ThrottlerModule],
})
export class ProcurementClientsModule {}
