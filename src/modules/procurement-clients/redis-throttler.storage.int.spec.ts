import { deleteKeysWithPrefix, testRedisUrl, uniqueQueuePrefix } from '@sinergi/testing';
import Redis from 'ioredis';
import { RedisThrottlerStorage } from './redis-throttler.storage';

describe('RedisThrottlerStorage (Redis)', () => {
  const prefix = uniqueQueuePrefix('throttle');
  const connections: Redis[] = [];
  const storage = () => {
    const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return new RedisThrottlerStorage(redis, prefix);
  };

  afterAll(async () => {
    connections.forEach((r) => r.disconnect());
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  it('takes a cost only when all of it fits in what is left, and a refusal takes nothing', async () => {
    const s = storage();
    expect(await s.consume('client-a', 10, 30, 60_000)).toMatchObject({ allowed: true, used: 10 });
    expect(await s.consume('client-a', 25, 30, 60_000)).toMatchObject({ allowed: false, used: 10 });
    expect(await s.consume('client-a', 20, 30, 60_000)).toMatchObject({ allowed: true, used: 30 });
    const refused = await s.consume('client-a', 1, 30, 60_000);
    expect(refused).toMatchObject({ allowed: false, used: 30 });
    expect(refused.resetMs).toBeGreaterThan(50_000);
    expect(refused.resetMs).toBeLessThanOrEqual(60_000);
    // Another client has a budget of its own.
    expect(await s.consume('client-b', 30, 30, 60_000)).toMatchObject({ allowed: true, used: 30 });
  });

  it('admits exactly the limit of many concurrent requests from several API instances', async () => {
    const instances = [storage(), storage(), storage()];
    const outcomes = await Promise.all(Array.from({ length: 90 }, (_, i) => instances[i % 3].consume('client-c', 1, 30, 60_000)));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(30);
    expect(await instances[0].consume('client-c', 1, 30, 60_000)).toMatchObject({ allowed: false, used: 30 });
  });

  it('makes the budget whole again when the window ends', async () => {
    const s = storage();
    expect(await s.consume('client-d', 3, 3, 300)).toMatchObject({ allowed: true, used: 3 });
    expect(await s.consume('client-d', 1, 3, 300)).toMatchObject({ allowed: false });
    await new Promise((r) => setTimeout(r, 400));
    expect(await s.consume('client-d', 3, 3, 300)).toMatchObject({ allowed: true, used: 3 });
  });

  it('answers the one-hit ThrottlerStorage form as a cost of one', async () => {
    const s = storage();
    expect(await s.increment('client-e', 60_000, 2, 60_000, 'default')).toMatchObject({ totalHits: 1, isBlocked: false });
    expect(await s.increment('client-e', 60_000, 2, 60_000, 'default')).toMatchObject({ totalHits: 2, isBlocked: false });
    const blocked = await s.increment('client-e', 60_000, 2, 60_000, 'default');
    expect(blocked).toMatchObject({ totalHits: 3, isBlocked: true });
    expect(blocked.timeToBlockExpire).toBeGreaterThan(0);
  });
});
