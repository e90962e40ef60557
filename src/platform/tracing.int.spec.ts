import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { contextFrom, inSpan, traceparentOf } from '@sinergi/common/tracing';
import { testConfig } from '@sinergi/testing';
import { startTracingFromConfig } from './tracing';

const DIST = join(__dirname, '..', '..', 'dist');
const built = existsSync(join(DIST, 'src', 'platform', 'tracing.js'));

/**
 * What a built process does with OTEL_EXPORTER_OTLP_ENDPOINT set: the OTLP exporter loads `http` with a dynamic
 * import, which Jest's module sandbox refuses, so this runs in a child Node process over dist/ (`npm run build` first).
 */
const CHILD = `
const { loadConfig } = require(${JSON.stringify(join(DIST, 'libs', 'common', 'src', 'config.js'))});
const tracing = require(${JSON.stringify(join(DIST, 'src', 'platform', 'tracing.js'))});
const t = require(${JSON.stringify(join(DIST, 'libs', 'common', 'src', 'tracing.js'))});
(async () => {
  const config = loadConfig(process.env);
  if (!tracing.startTracingFromConfig(config, 'worker')) throw new Error('tracing did not start');
  const parent = t.contextFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  const traceparent = await t.inSpan('export check', { kind: t.SpanKind.CONSUMER, parent, attributes: { 'sinergi.attempt': 1 } }, async () => t.traceparentOf());
  await t.inSpan('failing', {}, async () => { throw new RangeError('NIK 7307010101010001 echoed'); }).catch(() => undefined);
  await tracing.flushTracing();
  await tracing.stopTracing();
  process.stdout.write(traceparent);
})().catch((error) => { process.stderr.write(String(error && error.stack)); process.exit(1); });
`;

describe('tracing', () => {
  it('is a no-op while off: spans run their callback, nothing carries a traceparent', async () => {
    expect(startTracingFromConfig(testConfig({}), 'api')).toBe(false);
    expect(await inSpan('off', {}, async () => traceparentOf())).toBeUndefined();
    expect(traceparentOf(contextFrom('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'))).toBeUndefined();
  });

  (built ? describe : describe.skip)('exported over OTLP/HTTP by a built process', () => {
    let server: Server;
    const received: { path: string; contentType: string; body: string }[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ path: req.url ?? '', contentType: String(req.headers['content-type']), body: Buffer.concat(chunks).toString('utf8') });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('sends the spans to OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces under the service name, continuing a traceparent, errors by kind only', async () => {
      const env = {
        PATH: process.env.PATH,
        SINERGI_MODE: 'test',
        SECRETS_KEY: '7e1c0d5b9a3f48e2b6c4d2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918070605',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        OTEL_SERVICE_NAME: 'sinergi-export-test',
      };
      const child = spawn(process.execPath, ['-e', CHILD], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      expect(stdout).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);

      expect(received.map((r) => [r.path, r.contentType])).toEqual([['/v1/traces', 'application/json']]);
      const body = received[0].body;
      expect(body).toContain('sinergi-export-test');
      expect(body).toContain('export check');
      expect(body).toContain('4bf92f3577b34da6a3ce929d0e0e4736');
      expect(body).toContain('RangeError');
      expect(body).not.toContain('7307010101010001');
    });
  });
});
