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

describe('REDIS_CLUSTER_NODES and DATABASE_READ_URL', () => {
  const TEST = { SINERGI_MODE: 'test', SECRETS_KEY };

  it('are off unless set', () => {
    const config = loadConfig(TEST);
    expect(config.redisClusterNodes).toBeNull();
    expect(config.databaseReadUrl).toBeNull();
  });

  it('reads the seed nodes as host:port pairs', () => {
    expect(loadConfig({ ...TEST, REDIS_CLUSTER_NODES: 'redis-1:6379, 10.0.0.7:7001,[::1]:7002' }).redisClusterNodes).toEqual([
      { host: 'redis-1', port: 6379 },
      { host: '10.0.0.7', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
  });

  it.each(['redis-1', 'redis-1:0', 'redis://redis-1:6379', 'redis-1:6379,', 'redis-1:99999'])('refuses REDIS_CLUSTER_NODES=%s', (value) => {
    expect(() => loadConfig({ ...TEST, REDIS_CLUSTER_NODES: value })).toThrow(/^REDIS_CLUSTER_NODES must be a comma-separated list of host:port/);
  });

  it('takes a PostgreSQL URL for the replica and refuses anything else', () => {
    expect(loadConfig({ ...TEST, DATABASE_READ_URL: 'postgres://sinergi_api@replica:5432/sinergi' }).databaseReadUrl).toBe('postgres://sinergi_api@replica:5432/sinergi');
    expect(() => loadConfig({ ...TEST, DATABASE_READ_URL: 'mysql://replica/sinergi' })).toThrow(/^DATABASE_READ_URL must use postgres/);
  });
});
