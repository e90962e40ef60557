import { type ConnectionOptions, createIORedisClient, RedisConnection } from 'bullmq';
import Redis, { Cluster, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { SinergiConfig } from './config';

/** A client of the configured Redis: one server, or a Redis Cluster when REDIS_CLUSTER_NODES is set. */
export type RedisClient = Redis | Cluster;

/** Where `bullConnection`'s options carry the cluster's seed nodes to the client factory installed below. */
const CLUSTER_NODES = 'sinergiClusterNodes';

/** REDIS_URL's server, credentials, database and TLS as ioredis options (on a cluster: the credentials and TLS of every node). */
function urlOptions(config: SinergiConfig): { host: string; port: number; username?: string; password?: string; db: number; tls?: object } {
  const url = new URL(config.redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username || undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

/** A Cluster over `nodes` whose node connections take `options` (what a single-server client would have taken). */
function clusterClient(nodes: ReadonlyArray<{ host: string; port: number }>, options: RedisOptions, extra: ClusterOptions = {}): Cluster {
  const { host: _host, port: _port, db: _db, enableOfflineQueue, lazyConnect, ...redisOptions } = options;
  return new Cluster(
    nodes.map((n) => ({ ...n })),
    {
      redisOptions,
      enableOfflineQueue: enableOfflineQueue ?? true,
      lazyConnect: lazyConnect ?? false,
      // A failover moves slots: wait for the new master instead of failing the command at once.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      retryDelayOnTryAgain: 200,
      ...extra,
    },
  );
}

/**
 * Teaches BullMQ (once per loaded copy of it) to open a Redis Cluster for the options `bullConnection` marks, so
 * BullMQ creates, duplicates (a worker's blocking connection) and closes cluster clients exactly as it does its own.
 */
function installClusterClientFactory(): void {
  if (RedisConnection.clientFactory) return;
  RedisConnection.clientFactory = (opts) => {
    const { [CLUSTER_NODES]: nodes, ...options } = opts as RedisOptions & { [CLUSTER_NODES]?: ReadonlyArray<{ host: string; port: number }> };
    return createIORedisClient(nodes ? clusterClient(nodes, options) : new Redis(options));
  };
}

/**
 * BullMQ connection options from `REDIS_URL` (and `REDIS_CLUSTER_NODES`), for every queue and worker of every module.
 * Workers block on Redis, so they get no per-request retry limit and queue commands while reconnecting; producers
 * fail fast instead (CONTRIBUTING.md, Jobs). Pass the queue's prefix from `queuePrefixOf`.
 */
export function bullConnection(config: SinergiConfig, role: 'worker' | 'producer'): ConnectionOptions {
  const options = {
    ...urlOptions(config),
    maxRetriesPerRequest: role === 'worker' ? null : 1,
    enableOfflineQueue: role === 'worker',
  };
  if (!config.redisClusterNodes) return options;
  installClusterClientFactory();
  return { ...options, [CLUSTER_NODES]: config.redisClusterNodes };
}

/**
 * The key prefix of one BullMQ queue. On one Redis it is QUEUE_PREFIX, as it always was. On a Redis Cluster BullMQ
 * needs all of one queue's keys in one hash slot (its scripts touch several at once), and queues spread best when
 * each has a slot of its own: the prefix becomes the hash tag `{<QUEUE_PREFIX without braces>:<queue>}`, e.g.
 * `{sinergi:verification}`, so its keys read `{sinergi:verification}:verification:wait`.
 */
export function queuePrefixOf(config: SinergiConfig, queueName: string): string {
  if (!config.redisClusterNodes) return config.queuePrefix;
  return `{${config.queuePrefix.replace(/[{}]/g, '')}:${queueName}}`;
}

/**
 * A general-purpose Redis client (sessions, rate limits, health, queue gauges): a Cluster when REDIS_CLUSTER_NODES
 * is set, else one connection to REDIS_URL. Every key such a client uses stands alone (single-key commands and
 * single-key scripts), so it works on a cluster unchanged.
 */
export function openRedis(config: SinergiConfig, options: RedisOptions = {}): RedisClient {
  const merged: RedisOptions = { ...urlOptions(config), ...options };
  return config.redisClusterNodes ? clusterClient(config.redisClusterNodes, merged) : new Redis(merged);
}
