import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BpjsSimulator, exampleSimulatedProject, SimulatedProject, startBpjsSimulator } from '@sinergi/bpjs-simulator';

const NPWP = '0123456789012345';
const NIK = '3201014501900001';

const project = (overrides: Partial<SimulatedProject> = {}): SimulatedProject =>
  exampleSimulatedProject({ npwp: NPWP, contractNumber: 'SPK/027/PUPR/2025', workerNiks: [NIK], ...overrides });

describe('BPJS simulator state file', () => {
  let dir: string;
  let stateFile: string;
  let sim: BpjsSimulator | null = null;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bpjs-sim-state-'));
    stateFile = join(dir, 'bpjs-simulator.json');
  });

  afterEach(async () => {
    await sim?.close();
    sim = null;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async () => {
    await sim?.close();
    sim = await startBpjsSimulator({ port: 0, stateFile });
    return sim;
  };
  const findProject = (npwp: string, contractNumber: string) => fetch(`${sim!.url}/jakon/v1/projects?${new URLSearchParams({ npwp, contractNumber })}`);
  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${sim!.url}/__sim/${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('keeps enrolments put through /__sim/projects across a restart, workers included', async () => {
    await start();
    expect((await control('PUT', 'projects', { projects: [project(), project({ contractNumber: 'SPK/028/PUPR/2025', projectNumber: '1234567890124' })] })).status).toBe(200);

    await start();

    expect(sim!.projectCount()).toBe(2);
    expect(await (await findProject(NPWP, 'SPK/027/PUPR/2025')).json()).toMatchObject({ projectNumber: '1234567890123', status: 'ACTIVE' });
    expect((await findProject(NPWP, 'SPK/028/PUPR/2025')).status).toBe(200);
    const lookup = await fetch(`${sim!.url}/jakon/v1/workers/lookup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ projectNumber: '1234567890123', niks: [NIK] }),
    });
    expect(await lookup.json()).toEqual({ results: [{ nik: NIK, covered: true }] });
  });

  it('keeps the latest upsert and a DELETE across restarts', async () => {
    await start();
    sim!.upsertProjects([project()]);
    sim!.upsertProjects([project({ status: 'REGISTERED_UNPAID', premiumPaid: '0' })]);
    await start();
    expect(await (await findProject(NPWP, 'SPK/027/PUPR/2025')).json()).toMatchObject({ status: 'REGISTERED_UNPAID', premiumPaid: '0' });

    expect((await control('DELETE', 'projects')).status).toBe(204);
    await start();
    expect(sim!.projectCount()).toBe(0);
    expect((await findProject(NPWP, 'SPK/027/PUPR/2025')).status).toBe(404);
  });

  it('writes the file whole, for its owner only, with no temporary file left beside it', async () => {
    await start();
    sim!.upsertProjects([project()]);

    expect(readdirSync(dir)).toEqual(['bpjs-simulator.json']);
    expect(statSync(stateFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toEqual({ version: 1, savedAt: expect.any(String), projects: [project()] });
  });

  it('leaves the file as it was when an upsert is refused', async () => {
    await start();
    sim!.upsertProjects([project()]);
    const before = readFileSync(stateFile, 'utf8');

    expect((await control('PUT', 'projects', { projects: [project({ contractNumber: 'SPK/2' }), { ...project(), npp: '1' }] })).status).toBe(400);

    expect(readFileSync(stateFile, 'utf8')).toBe(before);
  });

  it('undoes a change it cannot keep: the call fails and the simulator answers as before', async () => {
    await start();
    sim!.upsertProjects([project()]);
    rmSync(dir, { recursive: true, force: true });
    writeFileSync(dir, 'a file where the folder was');

    expect((await control('PUT', 'projects', { projects: [project({ contractNumber: 'SPK/029/PUPR/2025', projectNumber: '1234567890125' })] })).status).toBe(500);
    expect((await control('DELETE', 'projects')).status).toBe(500);

    expect(sim!.projectCount()).toBe(1);
    expect((await findProject(NPWP, 'SPK/027/PUPR/2025')).status).toBe(200);
    expect((await findProject(NPWP, 'SPK/029/PUPR/2025')).status).toBe(404);
  });

  it('starts with no enrolments when the file does not exist yet, and refuses a file that is not its own, naming it', async () => {
    await start();
    expect(sim!.projectCount()).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
    await sim!.close();
    sim = null;

    writeFileSync(stateFile, '{"projects": [');
    await expect(startBpjsSimulator({ port: 0, stateFile })).rejects.toThrow(`${stateFile} is not a BPJS simulator state file`);
    writeFileSync(stateFile, JSON.stringify({ version: 1, projects: [{ ...project(), npwp: '12' }] }));
    await expect(startBpjsSimulator({ port: 0, stateFile })).rejects.toThrow(/projects\[0\]\.npwp must be 16 digits/);
  });

  it('keeps nothing on disk without a state file', async () => {
    sim = await startBpjsSimulator({ port: 0 });
    sim.upsertProjects([project()]);
    expect(sim.stateFile).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });
});
