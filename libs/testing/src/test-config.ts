import { loadConfig, type SinergiConfig } from '@sinergi/common';

/** A fixed 32-byte key for tests only. */
export const TEST_SECRETS_KEY = '7e1c0d5b9a3f48e2b6c4d2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918070605';

/** A validated test configuration pointing at the given database and Redis key prefix. */
export function testConfig(overrides: Record<string, string | undefined>): SinergiConfig {
  return loadConfig({
    SINERGI_MODE: 'test',
    SECRETS_KEY: TEST_SECRETS_KEY,
    REDIS_URL: process.env.SINERGI_TEST_REDIS_URL,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}
