import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown, type OnModuleInit, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { CLOCK, type Clock, type RedisClient, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { openPool, PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { FastifyInstance } from 'fastify';
import type { Pool } from 'pg';
import { SESSION_COOKIE } from '../modules/console/auth/console-sessions';
import { REDIS } from './redis.module';

/**
 * How long a caller's last write is remembered: its reads go to the primary until the replica has replayed that write,
 * or until this long has passed (a replica that far behind is an outage: the replica lag alert fires long before).
 */
export const READ_AFTER_WRITE_TTL_SECONDS = 15 * 60;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The caller of the request being handled, for the read it makes (null outside a request, or for an anonymous one). */
const requestCaller = new AsyncLocalStorage<{ caller: string | null; writes: boolean }>();

/**
 * Who is asking, as far as read-your-own-writes goes: the procurement client (`x-client-id`, whose signature the guard
 * checks), the bearer of a JWT, or the holder of a console session. Credentials are hashed, never kept.
 */
export function callerOf(headers: IncomingHttpHeaders): string | null {
  const clientId = headers['x-client-id'];
  if (typeof clientId === 'string' && clientId) return `client:${clientId}`;
  const authorization = headers.authorization;
  if (typeof authorization === 'string' && /^bearer\s+\S/i.test(authorization)) return `bearer:${sha256(authorization.replace(/^bearer\s+/i, ''))}`;
  const session = typeof headers.cookie === 'string' ? new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`).exec(headers.cookie)?.[1] : undefined;
  return session ? `console:${sha256(session)}` : null;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Where read-only queries run (DATABASE_READ_URL, docs/operations.md "Reads off the primary"). Without a replica,
 * everywhere the primary. With one, a read goes to the replica unless its caller has written something the replica has
 * not replayed yet: every write request that was not refused (not GET, HEAD or OPTIONS; status not 4xx) records the primary's
 * WAL position under its caller in Redis before its answer leaves, and a read by that caller goes to the primary until
 * the replica's replay position has passed it. Reads inside a write request, reads outside any request, reads by a
 * request with no caller to tell apart, and reads while Redis does not answer all go to the primary: the answer may cost more but is never older than what its caller wrote.
 */
@Injectable()
export class ReadDatabase implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ReadDatabase');
  private replica: Pool | null = null;
  private readonly stores = new Map<Pool, EventStore>();

  constructor(
    @Inject(PG_POOL) private readonly primary: Pool,
    @Inject(REDIS) private readonly redis: RedisClient,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    @Optional() private readonly adapterHost?: HttpAdapterHost,
  ) {}

  async onModuleInit(): Promise<void> {
    if (!this.config.databaseReadUrl) return;
    this.replica = await openPool(this.config.databaseReadUrl, this.config.databasePoolSize, `sinergi-${process.title}-read`);
    const fastify = this.adapterHost?.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('onRequest', (req, _reply, done) => requestCaller.run({ caller: callerOf(req.headers), writes: !SAFE_METHODS.has(req.method) }, done));
    fastify.addHook('onSend', async (req, reply, payload) => {
      // A refused request wrote nothing; any other may have committed (a 5xx after its commit too).
      if (!SAFE_METHODS.has(req.method) && (reply.statusCode < 400 || reply.statusCode >= 500)) {
        const caller = callerOf(req.headers);
        if (caller) await this.recordWrite(caller);
      }
      return payload;
    });
  }

  /** Every read on `primary` (a handler built by hand, outside the API's module). */
  static primaryOnly(primary: Pool, clock: Clock): ReadDatabase {
    return new ReadDatabase(primary, null as unknown as RedisClient, { databaseReadUrl: null } as SinergiConfig, clock);
  }

  /** Whether reads may go to a replica at all (DATABASE_READ_URL is set). */
  get hasReplica(): boolean {
    return this.replica !== null;
  }

  /** The pool the current request's read-only query should use. */
  async pool(): Promise<Pool> {
    const replica = this.replica;
    if (!replica) return this.primary;
    const request = requestCaller.getStore();
    // A read inside a write request may decide what is written: it sees the primary.
    const caller = request && !request.writes ? request.caller : null;
    if (!caller) return this.primary;
    try {
      const wrote = await this.redis.get(this.markKey(caller));
      if (!wrote) return replica;
      const { rows } = await replica.query<{ replayed: boolean | null }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS replayed', [wrote]);
      return rows[0]?.replayed ? replica : this.primary;
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'read routed to the primary: its caller\'s last write could not be checked');
      return this.primary;
    }
  }

  /** An event store reading through `pool()` (loads only: appends always go through the primary's EventStore). */
  async store(): Promise<EventStore> {
    const pool = await this.pool();
    let store = this.stores.get(pool);
    if (!store) this.stores.set(pool, (store = new EventStore(pool, { clock: this.clock })));
    return store;
  }

  /** Remembers that `caller` has just written: the primary's WAL insert position now is at or past its commit. */
  private async recordWrite(caller: string): Promise<void> {
    try {
      const { rows } = await this.primary.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
      await this.redis.set(this.markKey(caller), rows[0].lsn, 'EX', READ_AFTER_WRITE_TTL_SECONDS);
    } catch (error) {
      // Without the mark this caller's next read might see the replica before its write: say so loudly.
      this.logger.error({ err: (error as Error).message }, 'could not record a write for read-your-own-writes routing');
    }
  }

  private markKey(caller: string): string {
    return `${this.config.queuePrefix}:read-after-write:${sha256(caller)}`;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.replica?.end();
  }
}

/** ReadDatabase for the API process (global: the read-only query handlers of every module inject it). */
@Global()
@Module({ providers: [ReadDatabase], exports: [ReadDatabase] })
export class ReadRoutingModule {}
