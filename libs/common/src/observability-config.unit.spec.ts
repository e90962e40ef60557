import { ConfigError, loadConfig } from './config';

const base = { SINERGI_MODE: 'test', SECRETS_KEY: '7e1c0d5b9a3f48e2b6c4d2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918070605' };
const production = {
  SINERGI_MODE: 'production',
  SECRETS_KEY: base.SECRETS_KEY,
  DATABASE_URL: 'postgres://u@db:5432/sinergi',
  REDIS_URL: 'redis://redis:6379',
  BPJS_API_URL: 'https://bpjs.example/jakon',
  JWT_JWKS_URL: 'https://sso.example/jwks.json',
  PUBLIC_BASE_URL: 'https://sinergi.example.go.id',
};

describe('metrics configuration', () => {
  it('binds the metrics ports to loopback by default, the API on 9463 and the worker on 9464, without a token', () => {
    const config = loadConfig(base);
    expect(config.metrics).toEqual({ apiPort: 9463, host: '127.0.0.1', token: null });
    expect(config.workerMetricsPort).toBe(9464);
  });

  it('takes METRICS_PORT, METRICS_HOST and METRICS_TOKEN', () => {
    const config = loadConfig({ ...production, METRICS_PORT: '0', METRICS_HOST: '0.0.0.0', METRICS_TOKEN: 'a-long-enough-metrics-token' });
    expect(config.metrics).toEqual({ apiPort: 0, host: '0.0.0.0', token: 'a-long-enough-metrics-token' });
  });

  it('refuses a metrics port open to the network without a token in production', () => {
    expect(() => loadConfig({ ...production, METRICS_HOST: '0.0.0.0' })).toThrow(new ConfigError('METRICS_TOKEN is required when METRICS_HOST is not a loopback address (0.0.0.0): /metrics is never open to the network'));
    expect(loadConfig({ ...production, METRICS_HOST: '::1' }).metrics.host).toBe('::1');
  });

  it('refuses a short token and a malformed host, without echoing the token', () => {
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short' })).toThrow(/^METRICS_TOKEN must be 16 or more printable characters without spaces$/);
    expect(() => loadConfig({ ...base, METRICS_HOST: 'a b' })).toThrow(/METRICS_HOST/);
    expect(() => loadConfig({ ...base, METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });
});

describe('tracing configuration', () => {
  it('is off unless an OTLP endpoint is configured', () => {
    expect(loadConfig(base).tracing).toBeNull();
  });

  it('appends /v1/traces to OTEL_EXPORTER_OTLP_ENDPOINT, and takes OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is', () => {
    expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).tracing).toEqual({ endpoint: 'http://collector:4318/v1/traces', serviceName: null, sampleRatio: 1 });
    expect(loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/otlp/traces' }).tracing?.endpoint).toBe('https://b/otlp/traces');
  });

  it('reads the sample ratio and the service name', () => {
    const tracing = loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER_ARG: '0.25', OTEL_SERVICE_NAME: 'sinergi-sinjai' }).tracing;
    expect(tracing).toMatchObject({ sampleRatio: 0.25, serviceName: 'sinergi-sinjai' });
    expect(() => loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG/);
    expect(() => loadConfig({ ...base, OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://c' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must use/);
  });
});
