import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { BpjsSimulator, exampleSimulatedProject, SimulatedProject, startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { BpjsCallOutcome, BpjsHttpRegistry, BpjsHttpRegistryOptions } from './bpjs-http.registry';
import { RegistryRateLimitedError, RegistryRejectedError, RegistryUnavailableError } from './enrolment-registry.port';

/** A company's NPWP: '0' + the old 15 digits, whose 9th digit is the Luhn check of the first 8. */
const NPWP = '0123456782012345';
const CONTRACT = 'SPK/027/PUPR/2025';
const COVERED_NIK = '3201014501900001';
const UNCOVERED_NIK = '3201011203850002';

const project = (overrides: Partial<SimulatedProject> = {}): SimulatedProject =>
  exampleSimulatedProject({ npwp: NPWP, contractNumber: CONTRACT, workerNiks: [COVERED_NIK], ...overrides });

const query = { npwp: NPWP, contractNumber: CONTRACT };

describe('BpjsHttpRegistry', () => {
  let sim: BpjsSimulator;
  let outcomes: BpjsCallOutcome[];

  const registry = (options: Partial<BpjsHttpRegistryOptions> = {}) =>
    new BpjsHttpRegistry({ baseUrl: sim.url, onCall: (outcome) => outcomes.push(outcome), ...options });

  beforeEach(async () => {
    sim = await startBpjsSimulator({ port: 0 });
    outcomes = [];
  });

  afterEach(async () => {
    await sim.close();
  });

  it('finds a registered project and answers the record from the bpjs api', async () => {
    sim.upsertProjects([project()]);

    const record = await registry().findProject(query);

    expect(record).toEqual({
      source: 'bpjs_api',
      projectNumber: '1234567890123',
      npp: '12345678',
      status: 'ACTIVE',
      coveredFrom: '2025-03-01',
      coveredTo: '2026-02-28',
      premiumAssessed: '3675000',
      premiumPaid: '3675000',
      workersRegistered: 1,
    });
    expect(outcomes).toEqual([{ operation: 'findProject', status: 200, durationMs: expect.any(Number) }]);
  });

  it('sends the contract number url-encoded and a 15-digit npwp in its 16-digit form', async () => {
    const contractNumber = 'SPK/027 & 028?/PUPR#2025';
    sim.upsertProjects([project({ contractNumber })]);

    const record = await registry().findProject({ npwp: '123456782012345', contractNumber });

    expect(record?.projectNumber).toBe('1234567890123');
    expect(sim.calls()).toEqual([expect.objectContaining({ npwp: NPWP, contractNumber, status: 200 })]);
  });

  it('answers null when bpjs answers 404 for an unregistered project', async () => {
    await expect(registry().findProject(query)).resolves.toBeNull();
    expect(outcomes).toEqual([expect.objectContaining({ status: 404 })]);
  });

  it('throws RegistryUnavailableError when bpjs answers 503', async () => {
    sim.upsertProjects([project()]);
    sim.setFaults({ errorRate: 1 });

    await expect(registry().findProject(query)).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(outcomes).toEqual([expect.objectContaining({ status: 503 })]);
  });

  it('gives up after timeoutMs and throws RegistryUnavailableError', async () => {
    sim.setFaults({ timeoutRate: 1 });
    const started = performance.now();

    const error = await registry({ timeoutMs: 200 }).findProject(query).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryUnavailableError);
    expect((error as Error).message).toBe('BPJS findProject timed out after 200 ms');
    expect(performance.now() - started).toBeLessThan(1000);
    expect(outcomes).toEqual([expect.objectContaining({ operation: 'findProject', status: 'timeout' })]);
  });

  it('throws RegistryUnavailableError when nothing listens at the base url', async () => {
    const baseUrl = sim.url;
    await sim.close();
    sim = await startBpjsSimulator({ port: 0 });

    await expect(registry({ baseUrl }).findProject(query)).rejects.toBeInstanceOf(RegistryUnavailableError);
    expect(outcomes).toEqual([expect.objectContaining({ status: 'error' })]);
  });

  it('throws RegistryRateLimitedError with Retry-After in milliseconds when bpjs answers 429', async () => {
    sim.setFaults({ rateLimitPerSecond: 1 });
    const bpjs = registry();
    await bpjs.findProject(query);

    const error = await bpjs.findProject(query).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryRateLimitedError);
    expect((error as RegistryRateLimitedError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect((error as RegistryRateLimitedError).retryAfterMs % 1000).toBe(0);
  });

  it('throws RegistryRejectedError for a 400, which retrying will not fix', async () => {
    const error = await registry().findProject({ npwp: '12345', contractNumber: CONTRACT }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryRejectedError);
    expect((error as RegistryRejectedError).status).toBe(400);
    expect((error as Error).message).toBe('BPJS findProject refused the request with 400 BAD_REQUEST');
  });

  describe('circuit breaker', () => {
    it('opens after the threshold of consecutive failures and then fails fast without calling bpjs', async () => {
      sim.setFaults({ errorRate: 1 });
      const bpjs = registry({ breaker: { failureThreshold: 3, halfOpenAfterMs: 60_000 } });
      for (let i = 0; i < 3; i++) await expect(bpjs.findProject(query)).rejects.toBeInstanceOf(RegistryUnavailableError);
      expect(bpjs.circuitState).toBe('open');

      const started = performance.now();
      const error = await bpjs.findProject(query).catch((e: unknown) => e);
      const lookup = await bpjs.lookupWorkers('1234567890123', [COVERED_NIK]).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(RegistryUnavailableError);
      expect((error as Error).message).toBe('circuit open');
      expect(lookup).toBeInstanceOf(RegistryUnavailableError);
      expect((lookup as Error).message).toBe('circuit open');
      expect(performance.now() - started).toBeLessThan(50);
      expect(sim.calls()).toHaveLength(3);
      expect(outcomes).toHaveLength(3);
    });

    it('half-opens after halfOpenAfterMs and closes when the trial call succeeds', async () => {
      sim.upsertProjects([project()]);
      sim.setFaults({ errorRate: 1 });
      const bpjs = registry({ breaker: { failureThreshold: 2, halfOpenAfterMs: 300 } });
      for (let i = 0; i < 2; i++) await expect(bpjs.findProject(query)).rejects.toBeInstanceOf(RegistryUnavailableError);
      await expect(bpjs.findProject(query)).rejects.toThrow('circuit open');
      sim.setFaults({ errorRate: 0 });

      await sleep(320);
      expect(bpjs.circuitState).toBe('half-open');
      await expect(bpjs.findProject(query)).resolves.toMatchObject({ projectNumber: '1234567890123' });

      expect(bpjs.circuitState).toBe('closed');
      await expect(bpjs.findProject(query)).resolves.not.toBeNull();
      expect(sim.calls().map((call) => call.status)).toEqual([503, 503, 200, 200]);
    });

    it('opens again at once when the half-open trial call fails', async () => {
      sim.setFaults({ errorRate: 1 });
      const bpjs = registry({ breaker: { failureThreshold: 2, halfOpenAfterMs: 200 } });
      for (let i = 0; i < 2; i++) await expect(bpjs.findProject(query)).rejects.toBeInstanceOf(RegistryUnavailableError);

      await sleep(220);
      await expect(bpjs.findProject(query)).rejects.toThrow('BPJS findProject answered 503');

      await expect(bpjs.findProject(query)).rejects.toThrow('circuit open');
      expect(sim.calls()).toHaveLength(3);
    });

    it('lets only one trial call through while half-open', async () => {
      sim.upsertProjects([project()]);
      sim.setFaults({ errorRate: 1 });
      const bpjs = registry({ breaker: { failureThreshold: 1, halfOpenAfterMs: 100 } });
      await expect(bpjs.findProject(query)).rejects.toBeInstanceOf(RegistryUnavailableError);
      sim.setFaults({ errorRate: 0, latencyMs: 100 });
      await sleep(120);

      const answers = await Promise.allSettled([bpjs.findProject(query), bpjs.findProject(query), bpjs.findProject(query)]);

      expect(answers.map((answer) => answer.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
      expect(sim.calls()).toHaveLength(2);
    });

    it('does not count 404, 429 or 400 answers as failures: bpjs is answering', async () => {
      const bpjs = registry({ breaker: { failureThreshold: 2, halfOpenAfterMs: 60_000 } });
      sim.setFaults({ errorRate: 1 });
      await expect(bpjs.findProject(query)).rejects.toBeInstanceOf(RegistryUnavailableError);
      sim.setFaults({ errorRate: 0 });
      await expect(bpjs.findProject(query)).resolves.toBeNull();
      await expect(bpjs.findProject({ npwp: '1', contractNumber: CONTRACT })).rejects.toBeInstanceOf(RegistryRejectedError);
      sim.setFaults({ errorRate: 1 });

      await expect(bpjs.findProject(query)).rejects.toThrow('BPJS findProject answered 503');

      expect(bpjs.circuitState).toBe('closed');
    });
  });

  describe('workers lookup', () => {
    it('tells which workers are covered, in the order asked', async () => {
      sim.upsertProjects([project()]);

      const covered = await registry().lookupWorkers('1234567890123', [UNCOVERED_NIK, COVERED_NIK]);

      expect([...(covered ?? [])]).toEqual([
        [UNCOVERED_NIK, false],
        [COVERED_NIK, true],
      ]);
    });

    it('asks in chunks of at most 5000 NIKs and answers every NIK in the order asked', async () => {
      const niks = Array.from({ length: 5003 }, (_, i) => String(3201010101000000 + i));
      const coveredNiks = niks.filter((_, i) => i % 3 === 0);
      sim.upsertProjects([project({ workerNiks: coveredNiks, workersRegistered: coveredNiks.length })]);

      const covered = await registry().lookupWorkers('1234567890123', [...niks].reverse());

      expect([...(covered?.keys() ?? [])]).toEqual([...niks].reverse());
      expect([...(covered?.entries() ?? [])].filter(([, isCovered]) => isCovered).map(([nik]) => nik).sort()).toEqual(coveredNiks);
      expect(sim.calls().map(({ path, nikCount }) => ({ path, nikCount }))).toEqual([
        { path: '/jakon/v1/workers/lookup', nikCount: 5000 },
        { path: '/jakon/v1/workers/lookup', nikCount: 3 },
      ]);
      expect(outcomes.map((outcome) => outcome.operation)).toEqual(['lookupWorkers', 'lookupWorkers']);
    });

    it('asks once for a NIK listed twice and not at all for none', async () => {
      sim.upsertProjects([project()]);
      const bpjs = registry();

      expect(await bpjs.lookupWorkers('1234567890123', [COVERED_NIK, COVERED_NIK])).toEqual(new Map([[COVERED_NIK, true]]));
      expect(await bpjs.lookupWorkers('1234567890123', [])).toEqual(new Map());
      expect(sim.calls().map((call) => call.nikCount)).toEqual([1]);
    });

    it('answers null when bpjs does not know the project number', async () => {
      await expect(registry().lookupWorkers('9999999999999', [COVERED_NIK])).resolves.toBeNull();
    });

    it('throws RegistryUnavailableError when bpjs answers 503', async () => {
      sim.upsertProjects([project()]);
      sim.setFaults({ errorRate: 1 });

      await expect(registry().lookupWorkers('1234567890123', [COVERED_NIK])).rejects.toBeInstanceOf(RegistryUnavailableError);
    });
  });
});

describe('BpjsHttpRegistry facing a malformed answer', () => {
  let server: Server;
  let baseUrl: string;
  let answer: { status: number; body: string };

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      request.on('end', () => response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const good = {
    projectNumber: '1234567890123',
    npp: '12345678',
    status: 'ACTIVE',
    coveredFrom: '2025-03-01',
    coveredTo: '2026-02-28',
    contractValue: '1500000000',
    premiumAssessed: '3675000',
    premiumPaid: '3675000',
    workersRegistered: 1,
  };

  it('reads a well-formed answer from the local server, with null premiumAssessed and workersRegistered', async () => {
    answer = { status: 200, body: JSON.stringify({ ...good, premiumAssessed: null, workersRegistered: null }) };

    await expect(new BpjsHttpRegistry({ baseUrl }).findProject(query)).resolves.toMatchObject({
      premiumAssessed: null,
      workersRegistered: null,
    });
  });

  it.each([
    ['a body that is not JSON', '<html>gateway</html>'],
    ['an array', '[]'],
    ['a 12-digit project number', JSON.stringify({ ...good, projectNumber: '123456789012' })],
    ['a 7-digit npp', JSON.stringify({ ...good, npp: '1234567' })],
    ['an unknown status', JSON.stringify({ ...good, status: 'PAID' })],
    ['an impossible date', JSON.stringify({ ...good, coveredFrom: '2025-02-30' })],
    ['cover ending before it starts', JSON.stringify({ ...good, coveredTo: '2025-01-01' })],
    ['a fractional premium', JSON.stringify({ ...good, premiumPaid: '12.5' })],
    ['a missing premiumPaid', JSON.stringify({ ...good, premiumPaid: undefined })],
    ['a negative worker count', JSON.stringify({ ...good, workersRegistered: -1 })],
  ])('treats %s as RegistryUnavailableError, never a crash', async (_what, body) => {
    answer = { status: 200, body };

    const error = await new BpjsHttpRegistry({ baseUrl }).findProject(query).catch((e: unknown) => e);

    expect(error).toEqual(new RegistryUnavailableError('BPJS findProject answered 200 with a malformed body'));
  });

  it.each([
    ['no results', JSON.stringify({})],
    ['a NIK that was not asked', JSON.stringify({ results: [{ nik: UNCOVERED_NIK, covered: true }] })],
    ['a NIK left unanswered', JSON.stringify({ results: [] })],
    ['covered as text', JSON.stringify({ results: [{ nik: COVERED_NIK, covered: 'yes' }] })],
  ])('treats a workers lookup answer with %s as RegistryUnavailableError', async (_what, body) => {
    answer = { status: 200, body };

    await expect(new BpjsHttpRegistry({ baseUrl }).lookupWorkers('1234567890123', [COVERED_NIK])).rejects.toEqual(
      new RegistryUnavailableError('BPJS lookupWorkers answered 200 with a malformed body'),
    );
  });

  it('counts malformed answers toward opening the circuit', async () => {
    answer = { status: 200, body: '{}' };
    const bpjs = new BpjsHttpRegistry({ baseUrl, breaker: { failureThreshold: 2 } });

    for (let i = 0; i < 2; i++) await expect(bpjs.findProject(query)).rejects.toBeInstanceOf(RegistryUnavailableError);

    await expect(bpjs.findProject(query)).rejects.toThrow('circuit open');
  });

  it('reads Retry-After as one second when bpjs sends none', async () => {
    answer = { status: 429, body: '{}' };

    await expect(new BpjsHttpRegistry({ baseUrl }).findProject(query)).rejects.toEqual(new RegistryRateLimitedError(1000));
  });

  it('keeps the message of a 4xx free of what bpjs echoed back', async () => {
    answer = { status: 422, body: JSON.stringify({ code: 'UNPROCESSABLE', message: `nik ${COVERED_NIK} is not valid` }) };

    const error = await new BpjsHttpRegistry({ baseUrl }).lookupWorkers('1234567890123', [COVERED_NIK]).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RegistryRejectedError);
    expect((error as RegistryRejectedError).status).toBe(422);
    expect((error as Error).message).not.toContain(COVERED_NIK);
  });
});
