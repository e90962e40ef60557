import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { NotFoundException, UnauthorizedException } from '@nestjs/common';
import type { SinergiConfig } from '@sinergi/common';
import { SinergiMetrics } from './metrics';
import { bearerMatches, MetricsController } from './metrics.module';
import { SINERGI_QUEUES } from './queue-metrics';

const SRC = join(__dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('queue gauges', () => {
  it('cover every BullMQ queue the code declares', () => {
    const declared = new Set<string>();
    for (const file of sources(SRC)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/export const [A-Z_]+_QUEUE = '([a-z0-9-]+)'/g)) declared.add(m[1]);
    }
    expect(declared.size).toBeGreaterThanOrEqual(4);
    expect([...SINERGI_QUEUES].sort()).toEqual([...declared].sort());
  });
});

describe('the public /metrics route', () => {
  const controller = (token: string | null) => new MetricsController(new SinergiMetrics('api'), { metrics: { token, apiPort: 0, host: '127.0.0.1' } } as SinergiConfig);

  it('is not there (404) without METRICS_TOKEN', () => {
    expect(() => controller(null).scrape({ headers: { authorization: 'Bearer anything-at-all-here' } })).toThrow(NotFoundException);
  });

  it('asks for the bearer token when one is configured', async () => {
    const token = 'a-metrics-token-of-some-length';
    expect(() => controller(token).scrape({ headers: {} })).toThrow(UnauthorizedException);
    expect(() => controller(token).scrape({ headers: { authorization: `Basic ${token}` } })).toThrow(UnauthorizedException);
    await expect(controller(token).scrape({ headers: { authorization: `Bearer ${token}` } })).resolves.toContain('sinergi_');
  });

  it('compares bearer tokens exactly', () => {
    expect(bearerMatches('Bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('bearer abc', 'abc')).toBe(true);
    expect(bearerMatches('Bearer abcd', 'abc')).toBe(false);
    expect(bearerMatches('Bearer ', 'abc')).toBe(false);
    expect(bearerMatches(undefined, 'abc')).toBe(false);
    expect(bearerMatches(['Bearer abc'], 'abc')).toBe(true);
  });
});
