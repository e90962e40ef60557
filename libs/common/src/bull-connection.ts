import type { SinergiConfig } from './config';

/**
 * BullMQ connection options from `REDIS_URL`, for every queue and worker of every module. Workers block on Redis,
 * so they get no per-request retry limit and queue commands while reconnecting; producers fail fast instead
 * (CONTRIBUTING.md, Jobs).
 */
export function bullConnection(config: SinergiConfig, role: 'worker' | 'producer') {
  const url = new URL(config.redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
  };
}
