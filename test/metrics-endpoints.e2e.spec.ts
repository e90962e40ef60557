import { freePort } from '@sinergi/local-services';
import { MetricsServer } from '../src/platform/metrics.module';
import { SINERGI_QUEUES } from '../src/platform/queue-metrics';
import { type RunningSystem, startSystem, TEST_METRICS_TOKEN } from './support/running-system';

describe('/metrics: a port of its own on loopback, or the bearer token; never open on the public port', () => {
  let system: RunningSystem;
  let apiPort: number;
  let workerPort: number;

  beforeAll(async () => {
    [apiPort, workerPort] = [await freePort(), await freePort()];
    system = await startSystem('metrics', { METRICS_PORT: String(apiPort), WORKER_METRICS_PORT: String(workerPort) });
  });
  afterAll(() => system?.stop());

  const scrape = (url: string, token?: string) => fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('binds the API and the worker metrics servers to 127.0.0.1 by default', () => {
    expect(system.config.metrics.host).toBe('127.0.0.1');
    expect(system.api.get(MetricsServer).address()).toEqual({ host: '127.0.0.1', port: apiPort });
    expect(system.worker.get(MetricsServer).address()).toEqual({ host: '127.0.0.1', port: workerPort });
  });

  it('answers the public /metrics only with the METRICS_TOKEN bearer', async () => {
    const anonymous = await scrape(`${system.baseUrl}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toContain('application/problem+json');
    expect(await anonymous.text()).not.toContain('sinergi_');
    expect((await scrape(`${system.baseUrl}/metrics`, 'not-the-metrics-token-at-all')).status).toBe(401);
    const scraped = await scrape(`${system.baseUrl}/metrics`, TEST_METRICS_TOKEN);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain('sinergi_http_request_duration_seconds');
  });

  it('asks for the token on the metrics ports too when one is configured, and serves nothing else there', async () => {
    for (const port of [apiPort, workerPort]) {
      expect((await scrape(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      expect((await scrape(`http://127.0.0.1:${port}/metrics`, TEST_METRICS_TOKEN)).status).toBe(200);
      expect((await scrape(`http://127.0.0.1:${port}/health/live`, TEST_METRICS_TOKEN)).status).toBe(404);
    }
  });

  it('reports depth and age gauges for every BullMQ queue, from the API and from the worker', async () => {
    for (const [port, process] of [[apiPort, 'api'], [workerPort, 'worker']] as const) {
      const text = await (await scrape(`http://127.0.0.1:${port}/metrics`, TEST_METRICS_TOKEN)).text();
      for (const queue of SINERGI_QUEUES) {
        for (const state of ['waiting', 'active', 'delayed', 'failed', 'prioritized']) {
          expect(text).toMatch(new RegExp(`^sinergi_queue_jobs\\{queue="${queue}",state="${state}",process="${process}"\\} \\d+$`, 'm'));
        }
        expect(text).toMatch(new RegExp(`^sinergi_queue_oldest_job_age_seconds\\{queue="${queue}",process="${process}"\\} [\\d.e+-]+$`, 'm'));
      }
    }
  });
});
