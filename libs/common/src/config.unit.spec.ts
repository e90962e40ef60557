import { ConfigError, loadConfig } from './config';

const SECRETS_KEY = 'a'.repeat(64);
const PRODUCTION = {
  SINERGI_MODE: 'production',
  SECRETS_KEY,
  DATABASE_URL: 'postgres://sinergi_api@db:5432/sinergi',
  REDIS_URL: 'redis://redis:6379',
  BPJS_API_URL: 'https://bpjs.example',
  JWT_SECRET: 'x'.repeat(40),
};

describe('PUBLIC_BASE_URL', () => {
  it('is required in production, with a clear ConfigError', () => {
    expect(() => loadConfig(PRODUCTION)).toThrow(ConfigError);
    expect(() => loadConfig(PRODUCTION)).toThrow(/^PUBLIC_BASE_URL is required in production/);
  });

  it('is taken as an origin, without a trailing slash', () => {
    expect(loadConfig({ ...PRODUCTION, PUBLIC_BASE_URL: 'https://sinergi.sinjaikab.go.id/' }).publicBaseUrl).toBe('https://sinergi.sinjaikab.go.id');
    expect(loadConfig({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://10.0.0.5:8080' }).publicBaseUrl).toBe('http://10.0.0.5:8080');
  });

  it.each([
    ['ftp://sinergi.example', 'PUBLIC_BASE_URL must use'],
    ['sinergi.example', 'PUBLIC_BASE_URL is not a valid URL'],
    ['https://sinergi.example/sinergi', 'PUBLIC_BASE_URL must be an origin only'],
    ['https://sinergi.example/?a=1', 'PUBLIC_BASE_URL must be an origin only'],
    ['https://user:pw@sinergi.example', 'PUBLIC_BASE_URL must be an origin only'],
  ])('refuses %s', (value, message) => {
    expect(() => loadConfig({ ...PRODUCTION, PUBLIC_BASE_URL: value })).toThrow(message);
  });

  it('defaults to the loopback port in local and test mode', () => {
    expect(loadConfig({ SINERGI_MODE: 'test', SECRETS_KEY, PORT: '3100' }).publicBaseUrl).toBe('http://127.0.0.1:3100');
    expect(loadConfig({ SINERGI_MODE: 'local', SECRETS_KEY }).publicBaseUrl).toBe('http://127.0.0.1:3000');
  });
});
