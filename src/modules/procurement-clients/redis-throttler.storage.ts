import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RedisClient } from '@sinergi/common';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** What taking `cost` units from a budget came to. */
export interface BudgetOutcome {
  /** Whether the units were taken; a refusal takes none. */
  allowed: boolean;
  /** Units used in the current window, after this call. */
  used: number;
  /** Milliseconds until the window ends and the budget is whole again. */
  resetMs: number;
}

/**
 * A fixed-window budget shared by every API instance, in one atomic round trip: take `cost` units only if they
 * all fit in what is left (a batch is admitted whole or not at all), and start the window's expiry on first use.
 * A refusal takes nothing, so a client whose batch did not fit can still send a smaller one.
 */
const CONSUME_SCRIPT = `
local cost = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used + cost > limit then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then ttl = tonumber(ARGV[3]) end
  return {0, used, ttl}
end
used = redis.call('INCRBY', KEYS[1], cost)
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  ttl = tonumber(ARGV[3])
end
return {1, used, ttl}`;

export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.redis.defineCommand('sinergiConsumeBudget', { numberOfKeys: 1, lua: CONSUME_SCRIPT });
  }

  /** Takes `cost` units of `key`'s budget of `limit` per `windowMs`, or none when they do not all fit. */
  async consume(key: string, cost: number, limit: number, windowMs: number, name = 'default'): Promise<BudgetOutcome> {
    try {
      const [allowed, used, resetMs] = (await (this.redis as any).sinergiConsumeBudget(
        `${this.prefix}:throttle:${name}:${key}`,
        cost,
        limit,
        windowMs,
      )) as number[];
      return { allowed: allowed === 1, used, resetMs: Math.max(0, resetMs) };
    } catch (error) {
      // Redis is transport, not the system of record: without it, ingest goes on unthrottled.
      this.onError(error);
      return { allowed: true, used: 0, resetMs: 0 };
    }
  }

  /** ThrottlerStorage's one-hit form, for @nestjs/throttler's own guard: a request costs one unit, no extra block. */
  async increment(key: string, ttl: number, limit: number, _blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    const { allowed, used, resetMs } = await this.consume(key, 1, limit, ttl, name);
    const seconds = Math.ceil(resetMs / 1000);
    return { totalHits: allowed ? used : used + 1, timeToExpire: seconds, isBlocked: !allowed, timeToBlockExpire: allowed ? 0 : seconds };
  }
}
