import { Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import { DomainError } from '@sinergi/common';
import type { SignedRequest } from './hmac-signature.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * What a request costs against its client's budget: one per procurement event, so a batch of N costs N and
 * POSTing singly or in batches spends the same budget. Runs before the controller validates the body, so
 * anything that is not a batch's `events` array counts as one event.
 */
export function eventCost(body: unknown): number {
  const events = typeof body === 'object' && body !== null ? (body as { events?: unknown }).events : undefined;
  return Array.isArray(events) ? Math.max(1, events.length) : 1;
}

/**
 * Per-client rate limit in events per minute, one budget across the single and the batch route. Runs after the
 * HMAC guard, so the tracker is the authenticated client id. A request whose events do not all fit in what is
 * left of the minute is refused whole (429 with Retry-After) and takes nothing from the budget.
 */
@Injectable()
export class ClientThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(req: SignedRequest): Promise<string> {
    return req.procurementClient?.id ?? req.ip;
  }

  /** The budget's key names the client only (not the route), so both routes draw on one budget. */
  protected override generateKey(_context: unknown, tracker: string): string {
    return `procurement-events:${tracker}`;
  }

  protected override async handleRequest({ context, limit, ttl, throttler, getTracker, generateKey }: ThrottlerRequest): Promise<boolean> {
    const { req, res } = this.getRequestResponse(context);
    const storage = this.storageService;
    if (!(storage instanceof RedisThrottlerStorage)) throw new Error('ClientThrottlerGuard needs the RedisThrottlerStorage');
    const name = throttler.name ?? 'default';
    const key = generateKey(context, await getTracker(req, context), name);
    const cost = eventCost(req.body);
    const { allowed, used, resetMs } = await storage.consume(key, cost, limit, ttl, name);
    const resetSeconds = Math.max(1, Math.ceil(resetMs / 1000));
    this.setResponseHeader(res, `${this.headerPrefix}-Limit`, limit);
    this.setResponseHeader(res, `${this.headerPrefix}-Remaining`, Math.max(0, limit - used));
    this.setResponseHeader(res, `${this.headerPrefix}-Reset`, resetSeconds);
    if (allowed) return true;

    this.setResponseHeader(res, 'Retry-After', resetSeconds);
    const per = ttl === 60_000 ? 'a minute' : `per ${ttl / 1000} s`;
    throw new DomainError(
      'rate_limited',
      'rate_limited',
      cost > limit
        ? `this request carries ${cost} events, more than this client's limit of ${limit} events ${per}; send smaller batches`
        : `this request carries ${cost} events and ${Math.max(0, limit - used)} of this client's ${limit} events ${per} are left; ` +
            'nothing was recorded, retry after the time in Retry-After',
    );
  }
}
