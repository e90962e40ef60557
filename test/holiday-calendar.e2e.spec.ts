import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRegistered, signedPost, TEST_SECRETS_KEY, waitFor } from '@sinergi/testing';
import { type RunningSystem, startSystem } from './support/running-system';

/**
 * Deadlines that run into a year without holiday data are counted on weekends only and marked provisional; a
 * year's decree imported through the CLI recounts them by recording events, and readiness says when data runs out.
 */
describe('the holiday calendar knows where it ends (API + worker + CLI)', () => {
  let system: RunningSystem;
  let client: { id: string; secret: string };
  let official: string;

  beforeAll(async () => {
    system = await startSystem('holidays');
    client = await system.client('spse-holidays', ['73.07']);
    official = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
  });
  afterAll(() => system?.stop());

  const project = async (id: string) =>
    (await (await fetch(`${system.baseUrl}/v1/projects/${id}`, { headers: { authorization: `Bearer ${official}` } })).json()) as {
      registrationDeadline: string;
      registrationDeadlineProvisional: boolean;
    };

  it('marks a deadline counted into 2028 provisional, and recounts it when 2028 is imported', async () => {
    const late = await signedPost(system.baseUrl, '/v1/procurement/events', client, projectRegistered('hol-1', {}, { contractDate: '2027-12-20', startDate: '2027-12-27', endDate: '2028-06-30', maintenanceEndDate: '2028-12-31' }));
    const early = await signedPost(system.baseUrl, '/v1/procurement/events', client, projectRegistered('hol-2', {}, { contractDate: '2027-06-01', startDate: '2027-06-07', endDate: '2027-12-20', maintenanceEndDate: '2028-06-20' }));
    expect([late.status, early.status]).toEqual([202, 202]);
    expect(await project(late.body.projectId)).toMatchObject({ registrationDeadline: '2028-01-10', registrationDeadlineProvisional: true });
    expect(await project(early.body.projectId)).toMatchObject({ registrationDeadlineProvisional: false });
    const provisionalGauge = async () => /^sinergi_registration_deadlines_provisional(?:\{[^}]*\})? (\d+)$/m.exec(await system.metrics())?.[1];
    expect(await provisionalGauge()).toBe('1');

    const dir = mkdtempSync(join(tmpdir(), 'holidays-'));
    const file = join(dir, 'libur-2028.csv');
    writeFileSync(file, 'date,name,kind,region_prefix,provisional\n2028-01-01,Tahun Baru 2028 Masehi,national,,\n2028-01-03,Cuti bersama contoh,cuti_bersama,,true\n');
    const cli = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'src', 'cli.js'), 'holidays:import', file, '--source', 'SKB contoh 2027'], {
      env: { ...process.env, SINERGI_MODE: 'test', SECRETS_KEY: TEST_SECRETS_KEY, DATABASE_URL: system.db.url, REDIS_URL: system.config.redisUrl },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(0);
    expect(cli.stdout).toContain('imported 2 holiday(s) of 2028');
    expect(cli.stdout).toContain('deadlines recomputed: 1');

    const { rows } = await system.db.pool.query(`SELECT type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`project-${late.body.projectId}`]);
    expect(rows.map((r) => r.type)).toEqual(['ProjectRegistered', 'RegistrationDeadlineRecomputed']);
    expect(rows[0].data.registrationDeadline).toBe('2028-01-10'); // the registration itself is never rewritten
    expect(rows[1].data).toMatchObject({ registrationDeadline: '2028-01-11', provisional: false, previousDeadline: '2028-01-10', holidayYear: 2028 });
    expect(await project(late.body.projectId)).toMatchObject({ registrationDeadline: '2028-01-11', registrationDeadlineProvisional: false });
    expect(await provisionalGauge()).toBe('0');
    // The coverage projection follows the recorded event.
    await waitFor(
      () => system.db.pool.query(`SELECT registration_deadline::text AS d FROM coverage_projects WHERE project_id = $1`, [late.body.projectId]),
      (r) => r.rows[0]?.d === '2028-01-11',
    );

    // Importing the same year again changes nothing more.
    const again = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'src', 'cli.js'), 'holidays:import', file], {
      env: { ...process.env, SINERGI_MODE: 'test', SECRETS_KEY: TEST_SECRETS_KEY, DATABASE_URL: system.db.url, REDIS_URL: system.config.redisUrl },
      encoding: 'utf8',
    });
    expect(again.stdout).toContain('deadlines recomputed: 0');
  });

  it('refuses a bad holiday file with a non-zero exit, naming the lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'holidays-'));
    const file = join(dir, 'salah.csv');
    writeFileSync(file, 'date,name,kind\n2028-02-30,Salah,national\n');
    const cli = spawnSync(process.execPath, [join(__dirname, '..', 'dist', 'src', 'cli.js'), 'holidays:import', file], {
      env: { ...process.env, SINERGI_MODE: 'test', SECRETS_KEY: TEST_SECRETS_KEY, DATABASE_URL: system.db.url, REDIS_URL: system.config.redisUrl },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(2);
    expect(cli.stdout).toContain('line 2: date must be YYYY-MM-DD');
  });

  it('reports the last year with data on readiness', async () => {
    const res = await fetch(`${system.baseUrl}/health/ready`);
    const body = (await res.json()) as { info: { holidayCalendar: { status: string; lastCoveredYear: number } } };
    expect(res.status).toBe(200);
    expect(body.info.holidayCalendar).toMatchObject({ status: 'up', lastCoveredYear: 2028 });
  });
});
