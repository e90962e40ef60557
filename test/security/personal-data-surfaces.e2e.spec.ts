import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintLocalToken } from '@sinergi/auth';
import { type BpjsSimulator, startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { freePort, type MailCatcher, startMailCatcher } from '@sinergi/local-services';
import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  projectRegistered,
  signedPost,
  TEST_SECRETS_KEY,
  testConfig,
  testRedisUrl,
  uniqueQueuePrefix,
  waitFor,
  workersReported,
} from '@sinergi/testing';
import Redis from 'ioredis';
import { createApiApp } from '../../src/api';
import { PersonalDataScanner } from '../../src/modules/operations/invariants/personal-data-scanner';
import { ProcurementClientRepository } from '../../src/modules/procurement-clients/procurement-client.repository';

const METRICS_TOKEN = 'security-metrics-token-0123456789';
const WORKERS = [
  { nik: '7307051203850002', name: 'Baharuddin Rusdi' },
  { nik: '7307056512900003', name: 'Andi Nurhayati Pratiwi' },
  { nik: '7307091707880001', name: 'Muhammad Syamsul Bahri' },
];
const PPK = { nip: '198001012005011001', name: 'Andi Baso Makkulau', email: 'baso.makkulau@sinjaikab.example' };
/** Every seeded value, and each distinctive part of each name (a log line may carry one word of a name). */
const NEEDLES = [
  ...WORKERS.flatMap((w) => [w.nik, w.name, ...w.name.split(' ').filter((part) => !['Andi', 'Muhammad'].includes(part))]),
  PPK.nip,
  PPK.name,
  'Makkulau',
  PPK.email,
];

/**
 * The API and the worker as real processes, with every log line captured, their metrics scraped, their spans sent to
 * a stand-in OTLP collector and their BullMQ jobs read back from Redis: rosters with known NIKs and names and a PPK
 * with a known name, NIP and e-mail go through registration, BPJS worker look-ups, a case and its e-mails, and
 * refusals of every kind. Not one of those values, nor any NIK-shaped number, appears in any of the four.
 */
describe('no personal data in logs, job payloads, metrics or traces (API and worker as processes)', () => {
  let db: MigratedTestDatabase;
  let sim: BpjsSimulator;
  let catcher: MailCatcher;
  let mailDir: string;
  let collector: Server;
  let prefix: string;
  const processes: ChildProcess[] = [];
  const logs: string[] = [];
  const spans: string[] = [];
  const client = { id: 'spse-pii-surfaces', secret: '' };
  let baseUrl: string;
  let apiMetrics: number;
  let workerMetrics: number;
  const scanner = new PersonalDataScanner({ names: [...WORKERS.map((w) => w.name), PPK.name], niks: WORKERS.map((w) => w.nik), emails: [PPK.email] });

  /** Each needle found in `text`, and whether the scanner finds a NIK-shaped number or a stored name or address. */
  const leaks = (text: string) => [...NEEDLES.filter((n) => text.includes(n)), ...scanner.scan(text).map((h) => `a ${h.kind}`)];

  function start(script: string, env: Record<string, string>): void {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'src', script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
    processes.push(child);
  }

  beforeAll(async () => {
    db = await createMigratedDatabase('pii_surfaces');
    prefix = uniqueQueuePrefix('pii-surfaces');
    sim = await startBpjsSimulator({ port: 0 });
    mailDir = await mkdtemp(join(tmpdir(), 'sinergi-pii-mail-'));
    catcher = await startMailCatcher({ dir: mailDir });
    collector = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        spans.push(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const setup = await createApiApp(testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix }));
    client.secret = (await setup.get(ProcurementClientRepository).create({ id: client.id, name: 'SPSE PII', regionScopes: ['73.07'] })).secret;
    await setup.close();

    const [port, api, worker] = [await freePort(), await freePort(), await freePort()];
    [apiMetrics, workerMetrics] = [api, worker];
    const env = {
      SINERGI_MODE: 'test',
      SECRETS_KEY: TEST_SECRETS_KEY,
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'debug',
      RATE_LIMIT_PER_MINUTE: '100000',
      BPJS_API_URL: sim.url,
      BPJS_TIMEOUT_MS: '1000',
      VERIFICATION_BACKOFF_MS: '20',
      SMTP_URL: catcher.url,
      METRICS_TOKEN,
      METRICS_PORT: String(api),
      WORKER_METRICS_PORT: String(worker),
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    };
    start('main.js', { ...env, OTEL_SERVICE_NAME: 'sinergi-api' });
    start('worker.js', { ...env, OTEL_SERVICE_NAME: 'sinergi-worker' });
    baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(
      () => fetch(`${baseUrl}/health/live`).then((r) => r.status, () => 0),
      (status) => status === 200,
      30_000,
    );
  }, 90_000);

  afterAll(async () => {
    for (const child of processes) if (child.exitCode === null) child.kill('SIGKILL');
    await new Promise<void>((resolve) => (collector ? collector.close(() => resolve()) : resolve()));
    await catcher?.close();
    await sim?.close();
    if (mailDir) await rm(mailDir, { recursive: true, force: true });
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  /** Every value BullMQ keeps under the prefix (job hashes with their data, lists, sets, streams), as text. */
  async function redisText(): Promise<{ text: string; jobs: number }> {
    const redis = new Redis(testRedisUrl());
    try {
      const parts: string[] = [];
      let jobs = 0;
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        for (const key of keys) {
          const type = await redis.type(key);
          if (type === 'hash') {
            const hash = await redis.hgetall(key);
            if (hash.data !== undefined) jobs += 1;
            parts.push(JSON.stringify(hash));
          } else if (type === 'string') parts.push((await redis.get(key)) ?? '');
          else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
          else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
          else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
          else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
        }
      } while (cursor !== '0');
      return { text: parts.join('\n'), jobs };
    } finally {
      redis.disconnect();
    }
  }

  it('keeps every NIK, name, NIP and e-mail address out of all four', async () => {
    sim.upsertProjects([
      {
        npwp: '0012345674901000',
        contractNumber: 'SPK/PII/1',
        projectNumber: '7307250000011',
        npp: '73070011',
        status: 'ACTIVE',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        contractValue: '2500000000',
        premiumAssessed: '3252703',
        premiumPaid: '3252703',
        workersRegistered: 1,
        workerNiks: [WORKERS[0].nik],
      },
    ]);
    const post = (body: unknown, raw?: string) => signedPost(baseUrl, '/v1/procurement/events', client, body, raw === undefined ? {} : { raw });
    // Enrolled at BPJS, but two of three workers are not: WORKERS_UNCOVERED, a case, e-mails to the contractor and the PPK.
    expect((await post(projectRegistered('PII-1', {}, { contractNumber: 'SPK/PII/1', ppk: { ...PPK } }))).status).toBe(202);
    expect((await post(workersReported('PII-1', WORKERS))).status).toBe(202);
    // Refused in every way a request can be.
    const refusals = [
      await post(workersReported('PII-1', [WORKERS[1], WORKERS[1]], 2)),
      await post(workersReported('PII-1', [{ ...WORKERS[2], name: `${WORKERS[2].name}\u0000` }], 3)),
      await post(null, JSON.stringify(workersReported('PII-1', [WORKERS[1]], 4)).replace('Andi', '\\udc00Andi')),
      await post(workersReported('PII-1', [{ nik: `${WORKERS[0].nik}9`, name: WORKERS[0].name }], 5)),
      await post(null, `{"eventId":"x","type":"WorkersReported","data":{"workers":[{"nik":"${WORKERS[0].nik}","name":"${WORKERS[0].name}"`),
      await post(projectRegistered('PII-1', {}, { ppk: { ...PPK } })),
      await post(workersReported('PII-1', WORKERS, 1).data),
    ];
    expect(refusals.map((r) => r.status).every((s) => s >= 400 && s < 500)).toBe(true);
    const batch = await signedPost(baseUrl, '/v1/procurement/events/batch', client, { events: [workersReported('PII-1', WORKERS.slice(0, 2), 6), { ...workersReported('PII-1', WORKERS, 7), data: { workers: WORKERS } }] });
    expect(batch.body.results.map((r: { status: number }) => r.status)).toEqual([202, 400]);
    // Read with personal data revealed (pii:read), which is logged as an access: the access, never the data.
    const secret = testConfig({ DATABASE_URL: db.url }).jwt.secret!;
    const auditor = await mintLocalToken(secret, { sub: 'auditor-pii', roles: ['auditor'], regions: ['73.07'], permissions: ['pii:read'] });
    const projectId = (await post(projectRegistered('PII-1', {}, { contractNumber: 'SPK/PII/1', ppk: { ...PPK } }))).body.projectId as string;
    const history = await fetch(`${baseUrl}/v1/audit/projects/${projectId}/history`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(history.status).toBe(200);
    // The check below finds what it looks for: the history read with pii:read holds the PPK and the roster.
    expect(leaks(await history.text())).toEqual(expect.arrayContaining([PPK.name, PPK.nip, PPK.email, WORKERS[0].nik, WORKERS[1].name]));

    // The worker looked the roster up at BPJS, a case opened and its level-0 e-mails went out.
    await waitFor(() => Promise.resolve(catcher.count), (n) => n >= 2, 60_000);
    const official = await mintLocalToken(secret, { sub: 'kadis-pii', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    const cases = (await (await fetch(`${baseUrl}/v1/cases?projectId=${projectId}`, { headers: { authorization: `Bearer ${official}` } })).json()) as { items: unknown[] };
    expect(cases.items).toHaveLength(1);

    const jobs = await redisText();
    const metrics = [
      await (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text(),
      await (await fetch(`http://127.0.0.1:${apiMetrics}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text(),
      await (await fetch(`http://127.0.0.1:${workerMetrics}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text(),
    ].join('\n');
    // Stopped with SIGTERM, each process flushes the spans it still buffers to the collector; 'close' comes once its
    // output is read to the end.
    for (const child of processes) {
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    const log = logs.join('');
    const traces = spans.join('\n');

    // What was read is what it should be: the surfaces were not empty.
    expect(log).toContain('"msg":"worker started"');
    expect(log).toContain('"msg":"Nest application successfully started"');
    expect(jobs.jobs).toBeGreaterThan(2);
    expect(metrics).toContain('sinergi_http_request_duration_seconds');
    expect(metrics).toContain('sinergi_verification_outcomes_total');
    expect(traces).toContain('bpjs lookupWorkers');
    expect(traces).toContain('notification delivery');
    expect({ logs: leaks(log), jobs: leaks(jobs.text), metrics: leaks(metrics), traces: leaks(traces) }).toEqual({ logs: [], jobs: [], metrics: [], traces: [] });
  });
});
