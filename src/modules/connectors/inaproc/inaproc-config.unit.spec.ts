import { ConfigError, loadConfig } from '@sinergi/common';
import { TEST_SECRETS_KEY } from '@sinergi/testing';

const load = (env: Record<string, string>) => loadConfig({ SINERGI_MODE: 'test', SECRETS_KEY: TEST_SECRETS_KEY, ...env });
const on = { INAPROC_API_URL: 'https://inaproc.example/', INAPROC_TOKEN: 'token-value-123', INAPROC_KLPD: 'D123', INAPROC_REGION: '73.07' };

describe('INAPROC connector configuration', () => {
  it('is off when INAPROC_API_URL is unset', () => {
    expect(load({}).inaproc).toBeNull();
  });

  it('reads the connector with PT1H by default', () => {
    expect(load(on).inaproc).toEqual({ apiUrl: 'https://inaproc.example', token: 'token-value-123', klpd: 'D123', regionCode: '73.07', pullEvery: 'PT1H' });
    expect(load({ ...on, INAPROC_PULL_EVERY: 'PT30M' }).inaproc?.pullEvery).toBe('PT30M');
  });

  it.each([
    [{ ...on, INAPROC_TOKEN: '' }, 'INAPROC_TOKEN is required'],
    [{ ...on, INAPROC_KLPD: 'D 123' }, 'INAPROC_KLPD must be'],
    [{ ...on, INAPROC_REGION: '73.07.05' }, 'INAPROC_REGION must be'],
    [{ ...on, INAPROC_REGION: '73.99' }, 'INAPROC_REGION must be'],
    [{ ...on, INAPROC_PULL_EVERY: 'P1M' }, 'INAPROC_PULL_EVERY must be'],
    [{ ...on, INAPROC_PULL_EVERY: 'PT0S' }, 'INAPROC_PULL_EVERY must be'],
    [{ ...on, INAPROC_PULL_EVERY: 'hourly' }, 'INAPROC_PULL_EVERY must be'],
    [{ ...on, INAPROC_API_URL: 'ftp://x' }, 'INAPROC_API_URL must use'],
    [{ INAPROC_TOKEN: 'token-value-123' }, 'INAPROC_API_URL is required with INAPROC_TOKEN'],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => load(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => load(env as Record<string, string>)).toThrow(message);
  });

  it('never puts the token in an error message', () => {
    try {
      load({ ...on, INAPROC_TOKEN: 'has space secret' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
  });
});
