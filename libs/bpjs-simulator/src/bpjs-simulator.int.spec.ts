import { BpjsSimulator, exampleSimulatedProject, SimulatedProject, startBpjsSimulator } from '@sinergi/bpjs-simulator';

const NPWP = '0123456789012345';
const COVERED_NIK = '3201014501900001';
const UNCOVERED_NIK = '3201011203850002';

const project = (overrides: Partial<SimulatedProject> = {}): SimulatedProject =>
  exampleSimulatedProject({ npwp: NPWP, contractNumber: 'SPK/027/PUPR/2025', workerNiks: [COVERED_NIK], ...overrides });

describe('BPJS simulator', () => {
  let sim: BpjsSimulator;

  beforeEach(async () => {
    sim = await startBpjsSimulator({ port: 0 });
  });

  afterEach(async () => {
    await sim.close();
  });

  const findProject = (npwp: string, contractNumber: string, init?: RequestInit) =>
    fetch(`${sim.url}/jakon/v1/projects?${new URLSearchParams({ npwp, contractNumber })}`, init);

  const lookupWorkers = (body: unknown) =>
    fetch(`${sim.url}/jakon/v1/workers/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  const control = async (method: string, path: string, body?: unknown) =>
    fetch(`${sim.url}/__sim/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('answers a registered project without its npwp, contract number or workers', async () => {
    sim.upsertProjects([project()]);

    const response = await findProject(NPWP, 'SPK/027/PUPR/2025');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      projectNumber: '1234567890123',
      npp: '12345678',
      status: 'ACTIVE',
      coveredFrom: '2025-03-01',
      coveredTo: '2026-02-28',
      contractValue: '1500000000',
      premiumAssessed: '3675000',
      premiumPaid: '3675000',
      workersRegistered: 1,
    });
  });

  it('answers 404 NOT_FOUND for a project that is not registered', async () => {
    const response = await findProject(NPWP, 'SPK/999/PUPR/2025');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NOT_FOUND' });
  });

  it('answers 400 when the npwp is not 16 digits or the contract number is missing', async () => {
    expect((await findProject('012345678901234', 'SPK/027/PUPR/2025')).status).toBe(400);
    expect((await fetch(`${sim.url}/jakon/v1/projects?npwp=${NPWP}`)).status).toBe(400);
  });

  it('tells which workers are covered, in the order asked', async () => {
    sim.upsertProjects([project()]);

    const response = await lookupWorkers({ projectNumber: '1234567890123', niks: [UNCOVERED_NIK, COVERED_NIK] });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      results: [
        { nik: UNCOVERED_NIK, covered: false },
        { nik: COVERED_NIK, covered: true },
      ],
    });
  });

  it('answers 404 for a workers lookup on an unknown project number', async () => {
    const response = await lookupWorkers({ projectNumber: '9999999999999', niks: [COVERED_NIK] });

    expect(response.status).toBe(404);
  });

  it('answers 400 for a workers lookup with bad niks or more than 5,000 of them', async () => {
    sim.upsertProjects([project()]);

    expect((await lookupWorkers({ projectNumber: '1234567890123', niks: ['12345'] })).status).toBe(400);
    expect((await lookupWorkers({ projectNumber: '1234567890123', niks: Array(5001).fill(COVERED_NIK) })).status).toBe(400);
    expect((await lookupWorkers({ niks: [COVERED_NIK] })).status).toBe(400);
  });

  it('replaces a project upserted again with the same npwp and contract number', async () => {
    await control('PUT', 'projects', { projects: [project()] });

    const upsert = await control('PUT', 'projects', {
      projects: [project({ projectNumber: '1234567890999', status: 'REGISTERED_UNPAID', premiumPaid: '0' })],
    });

    expect(upsert.status).toBe(200);
    expect(await (await findProject(NPWP, 'SPK/027/PUPR/2025')).json()).toMatchObject({
      projectNumber: '1234567890999',
      status: 'REGISTERED_UNPAID',
      premiumPaid: '0',
    });
    expect((await lookupWorkers({ projectNumber: '1234567890123', niks: [COVERED_NIK] })).status).toBe(404);
  });

  it('refuses a malformed project with 400 naming the field and keeps the earlier state', async () => {
    sim.upsertProjects([project()]);

    const response = await control('PUT', 'projects', { projects: [project({ contractNumber: 'SPK/2' }), { ...project(), npp: '123' }] });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ code: 'BAD_REQUEST', message: 'projects[1].npp must be 8 digits' });
    expect((await findProject(NPWP, 'SPK/2')).status).toBe(404);
  });

  it('refuses a project number that already belongs to another contract', async () => {
    sim.upsertProjects([project()]);

    const response = await control('PUT', 'projects', { projects: [project({ contractNumber: 'SPK/028/PUPR/2025' })] });

    expect(response.status).toBe(400);
    expect((await findProject(NPWP, 'SPK/028/PUPR/2025')).status).toBe(404);
  });

  it('forgets every project on DELETE /__sim/projects', async () => {
    sim.upsertProjects([project()]);

    expect((await control('DELETE', 'projects')).status).toBe(204);

    expect((await findProject(NPWP, 'SPK/027/PUPR/2025')).status).toBe(404);
  });

  it('answers 503 to every call when errorRate is 1 and to none when it is 0', async () => {
    sim.upsertProjects([project()]);

    sim.setFaults({ errorRate: 1 });
    for (let i = 0; i < 5; i++) expect((await findProject(NPWP, 'SPK/027/PUPR/2025')).status).toBe(503);

    sim.setFaults({ errorRate: 0 });
    for (let i = 0; i < 5; i++) expect((await findProject(NPWP, 'SPK/027/PUPR/2025')).status).toBe(200);
  });

  it('answers the error status asked for, and bodies cut short when malformedRate is 1', async () => {
    sim.upsertProjects([project()]);

    sim.setFaults({ errorRate: 1, errorStatus: 500 });
    expect((await findProject(NPWP, 'SPK/027/PUPR/2025')).status).toBe(500);

    sim.setFaults({ errorRate: 0, malformedRate: 1 });
    const malformed = await findProject(NPWP, 'SPK/027/PUPR/2025');
    expect(malformed.status).toBe(200);
    const text = await malformed.text();
    expect(() => JSON.parse(text)).toThrow('Unterminated string');
    sim.setFaults({ malformedRate: 0, errorStatus: 503 });
  });

  it('fails the share of calls that the injected random says', async () => {
    await sim.close();
    const dice = [0.2, 0.7, 0.49, 0.5];
    sim = await startBpjsSimulator({ port: 0, random: () => dice.shift() ?? 1 });
    sim.setFaults({ errorRate: 0.5 });

    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await findProject(NPWP, 'SPK/027/PUPR/2025')).status);

    expect(statuses).toEqual([503, 404, 503, 404]);
  });

  it('holds the call when timeoutRate is 1 until the client gives up', async () => {
    sim.setFaults({ timeoutRate: 1 });

    await expect(findProject(NPWP, 'SPK/027/PUPR/2025', { signal: AbortSignal.timeout(200) })).rejects.toMatchObject({
      name: 'TimeoutError',
    });
    expect(sim.calls()).toEqual([expect.objectContaining({ path: '/jakon/v1/projects', status: null })]);
  });

  it('closes promptly while a held call is still waiting', async () => {
    sim.setFaults({ timeoutRate: 1 });
    const held = findProject(NPWP, 'SPK/027/PUPR/2025').then(
      (response) => response.status,
      (error: Error) => error.name,
    );
    await waitFor(() => sim.calls().length === 1);

    const started = Date.now();
    await sim.close();

    expect(Date.now() - started).toBeLessThan(1000);
    expect(await held).toBe('TypeError');
  });

  it('answers 429 with Retry-After to the third call within a second when the limit is 2', async () => {
    sim.setFaults({ rateLimitPerSecond: 2 });

    const statuses = [];
    for (let i = 0; i < 2; i++) statuses.push((await findProject(NPWP, 'SPK/027/PUPR/2025')).status);
    const third = await findProject(NPWP, 'SPK/027/PUPR/2025');

    expect(statuses).toEqual([404, 404]);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('delays the answer by latencyMs', async () => {
    sim.setFaults({ latencyMs: 150 });

    const started = performance.now();
    await findProject(NPWP, 'SPK/027/PUPR/2025');

    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('draws each delay from latencyMs..latencyMaxMs when a range is given', async () => {
    const ranged = await startBpjsSimulator({ port: 0, random: () => 0.99 });
    try {
      ranged.setFaults({ latencyMs: 20, latencyMaxMs: 300 });
      const started = performance.now();
      await fetch(`${ranged.url}/jakon/v1/projects?${new URLSearchParams({ npwp: NPWP, contractNumber: 'x' })}`);
      // The dice say 99 % of the way from 20 to 300 ms.
      expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    } finally {
      await ranged.close();
    }
  });

  it('logs each call with its query and status, counting NIKs without keeping them', async () => {
    sim.upsertProjects([project()]);
    await findProject(NPWP, 'SPK/027/PUPR/2025');
    await lookupWorkers({ projectNumber: '1234567890123', niks: [COVERED_NIK, UNCOVERED_NIK] });

    const response = await control('GET', 'calls');
    const body = await response.text();

    expect(JSON.parse(body)).toEqual({
      calls: [
        {
          method: 'GET',
          path: '/jakon/v1/projects',
          npwp: NPWP,
          contractNumber: 'SPK/027/PUPR/2025',
          status: 200,
          at: expect.any(String),
        },
        { method: 'POST', path: '/jakon/v1/workers/lookup', projectNumber: '1234567890123', nikCount: 2, status: 200, at: expect.any(String) },
      ],
    });
    expect(body).not.toContain(COVERED_NIK);
    expect(JSON.stringify(sim.calls())).not.toContain(UNCOVERED_NIK);

    expect((await control('DELETE', 'calls')).status).toBe(204);
    expect(sim.calls()).toEqual([]);
  });

  it('never faults the /__sim controls', async () => {
    sim.setFaults({ errorRate: 1, timeoutRate: 1, rateLimitPerSecond: 1, latencyMs: 5000 });

    const started = performance.now();
    const faults = await control('GET', 'faults', undefined);
    for (let i = 0; i < 3; i++) expect((await control('PUT', 'projects', { projects: [project()] })).status).toBe(200);

    expect(faults.status).toBe(200);
    expect(await faults.json()).toEqual({ errorRate: 1, errorStatus: 503, malformedRate: 0, timeoutRate: 1, rateLimitPerSecond: 1, latencyMs: 5000, latencyMaxMs: 0 });
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('updates faults partially and answers the full faults', async () => {
    const response = await control('PUT', 'faults', { latencyMs: 10 });

    expect(await response.json()).toEqual({ latencyMs: 10, latencyMaxMs: 0, errorRate: 0, errorStatus: 503, malformedRate: 0, timeoutRate: 0, rateLimitPerSecond: 0 });
    expect((await control('PUT', 'faults', { errorRate: 2 })).status).toBe(400);
    expect((await control('PUT', 'faults', { errorStatus: 429 })).status).toBe(400);
    expect((await control('PUT', 'faults', { malformedRate: -1 })).status).toBe(400);
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
}
