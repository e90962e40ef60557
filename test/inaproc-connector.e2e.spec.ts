import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bullConnection } from '@sinergi/common';
import { todayWita } from '@sinergi/domain';
import { TEST_SECRETS_KEY, testRedisUrl, waitFor } from '@sinergi/testing';
import { Queue } from 'bullmq';
import { CONNECTOR_QUEUE, INAPROC_PULL_SCHEDULER_ID } from '../src/modules/connectors/connector.queue';
import { projectIdFor } from '../src/modules/project-intake/project-id';
import { inaprocRows, type InaprocFixture, startInaprocFixture } from './support/inaproc-fixture';
import { type RunningSystem, startSystem } from './support/running-system';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli.js');
/** The compiled CLI, when this checkout's build has the command (npm test builds first). */
const builtCli = existsSync(CLI) && readFileSync(CLI, 'utf8').includes('inaproc:pull');
const KONTRAK = 'tender/tender-ekontrak-kontrak';
/** The schedule pulls the current fiscal year (WITA) and the one before: the rows are the year before's. */
const year = Number(todayWita(new Date()).slice(0, 4)) - 1;

/**
 * The INAPROC connector in the running system: the worker's scheduled pull (first run at start), the events in the
 * log through the ingest, rejects for the region's admins, the last-success metric, and the CLI backfill.
 */
describe('pulling contracts from INAPROC (API + worker + CLI over HTTP)', () => {
  let inaproc: InaprocFixture;
  let system: RunningSystem;
  let env: Record<string, string>;

  const get = async (path: string, token?: string) => {
    const res = await fetch(`${system.baseUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    const text = await res.text();
    return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : null };
  };
  /** Events of project streams: the worker adds verification events of its own beside them. */
  const eventCount = async () => Number((await system.db.pool.query(`SELECT count(*) FROM events WHERE stream_id LIKE 'project-%'`)).rows[0].count);
  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });

  beforeAll(async () => {
    inaproc = await startInaprocFixture({ pageSize: 2 });
    inaproc.set(KONTRAK, year, [
      inaprocRows.kontrak(20001),
      inaprocRows.kontrak(20002, { lokasi_pekerjaan: 'Kec. Bulupoddo' }),
      // Page 2: an addendum, and a row without NPWP.
      inaprocRows.kontrak(20001, { apakah_addendum: true, versi_addendum: 1, tgl_kontrak_akhir: '2025-11-30', alasan_addendum: 'Perpanjangan waktu' }),
      inaprocRows.kontrak(20003, { npwp_penyedia: '', npwp_16_penyedia: null }),
    ]);
    inaproc.set('tender/tender-ekontrak-spmkspp', year, [inaprocRows.spmk(20001)]);
    inaproc.fail(KONTRAK, { status: 429, retryAfter: '1', when: (cursor) => cursor !== null });
    env = {
      INAPROC_API_URL: inaproc.url,
      INAPROC_TOKEN: inaproc.token,
      INAPROC_KLPD: 'D123',
      INAPROC_REGION: '73.07',
      INAPROC_PULL_EVERY: 'PT1H',
    };
    system = await startSystem('inaproc', env);
    env = {
      ...env,
      SINERGI_MODE: 'test',
      SECRETS_KEY: TEST_SECRETS_KEY,
      DATABASE_URL: system.config.databaseUrl,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: system.config.queuePrefix,
      WORKER_METRICS_PORT: '0',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    await system?.stop();
    await inaproc?.close();
  });

  it('pulls at worker start through the scheduler on the connector queue, and records the projects through the ingest', async () => {
    const runs = await waitFor(
      async () => (await system.db.pool.query(`SELECT status, trigger, report FROM connector_runs WHERE status <> 'RUNNING'`)).rows,
      (rows) => rows.length > 0,
      30_000,
      100,
    );
    expect(runs[0]).toMatchObject({ status: 'SUCCEEDED', trigger: 'schedule' });
    expect(runs[0].report.totals).toMatchObject({ fetched: 5, mapped: 4, recorded: 4, duplicate: 0, skipped: { missing_npwp: 1 }, rejected: 1 });
    expect(inaproc.requests.filter((r) => r.status === 429)).toHaveLength(1);
    expect(inaproc.requests.every((r) => r.authorised)).toBe(true);

    const queue = new Queue(CONNECTOR_QUEUE, { connection: bullConnection(system.config, 'producer'), prefix: system.config.queuePrefix });
    try {
      expect(await queue.getJobSchedulers()).toEqual([expect.objectContaining({ key: INAPROC_PULL_SCHEDULER_ID, every: 3_600_000 })]);
    } finally {
      await queue.close();
    }

    const official = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    const project = await get(`/v1/projects/${projectIdFor('inaproc', '20001')}`, official);
    expect(project.status).toBe(200);
    expect(project.body).toMatchObject({ projectRef: '20001', regionCode: '73.07.05', contractValue: '2500000000' });
    const events = (await system.db.pool.query(`SELECT type, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`project-${projectIdFor('inaproc', '20001')}`])).rows;
    expect(events.map((e) => [e.type, e.metadata.actor.id])).toEqual([
      ['ProjectRegistered', 'inaproc-d123'],
      ['ContractAmended', 'inaproc-d123'],
      ['WorkStarted', 'inaproc-d123'],
    ]);
  });

  it('shows the rejected rows to the region’s admins only, without personal data', async () => {
    const admin = await system.token({ sub: 'ops', roles: ['admin'], regions: ['73.07'] });
    const res = await get('/v1/ops/connector-rejects', admin);
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      expect.objectContaining({
        connector: 'inaproc-d123',
        endpoint: KONTRAK,
        fiscalYear: year,
        rowKey: 'inaproc-20003-kontrak-v0',
        sourceRef: '20003',
        kind: 'UNMAPPABLE',
        reason: 'missing_npwp',
        errors: [{ path: 'npwp_penyedia', code: 'missing' }],
        regionCode: '73.07',
        timesSeen: 1,
        resolvedAt: null,
      }),
    ]);
    expect(res.text).not.toMatch(/Andi Baso|CV Karya|2500000000|198001012005011001/);

    const boneAdmin = await system.token({ sub: 'ops-bone', roles: ['admin'], regions: ['73.08'] });
    expect((await get('/v1/ops/connector-rejects', boneAdmin)).body).toEqual({ items: [] });
    const official = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    expect((await get('/v1/ops/connector-rejects', official)).status).toBe(403);
    expect((await get('/v1/ops/connector-rejects')).status).toBe(401);
    const bad = await get('/v1/ops/connector-rejects?endpoint=tender/x&since=1', admin);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(['endpoint', 'since']);
    expect((await get(`/v1/ops/connector-rejects?status=resolved&endpoint=${KONTRAK}`, admin)).body).toEqual({ items: [] });
  });

  it('publishes the last successful pull per endpoint on /metrics', async () => {
    const text = await system.metrics();
    const line = text.split('\n').find((l) => l.startsWith('sinergi_connector_last_success_timestamp_seconds{') && l.includes(`endpoint="${KONTRAK}"`));
    expect(line).toMatch(/connector="inaproc-d123"/);
    const seconds = Number(line!.split(' ').pop());
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(120);
  });

  (builtCli ? it : it.skip)('backfills a fiscal year from the CLI: the dry run posts nothing, the backfill finds everything recorded already', async () => {
    const before = await eventCount();
    const dry = await cli(['inaproc:pull', '--year', String(year), '--dry-run']);
    expect(dry.stdout).toContain(`inaproc-d123: pull of fiscal year ${year} SUCCEEDED (dry run: nothing posted, nothing written)`);
    expect(dry.stdout).toContain(`${KONTRAK} ${year}: 2 page(s), fetched 4, mapped 3, posted 0 (dry run; 3 already recorded), skipped 1 (missing_npwp 1)`);
    expect(dry.code).toBe(2);

    inaproc.add(KONTRAK, year, inaprocRows.kontrak(20004));
    const backfill = await cli(['inaproc:pull', '--year', String(year)]);
    expect(backfill.stdout).toContain(`${KONTRAK} ${year}: 3 page(s), fetched 5, mapped 4, posted 4 (recorded 1, held 0, duplicate 3), skipped 1 (missing_npwp 1), refused 0`);
    expect(backfill.stdout).toContain('1 row(s) recorded as rejects: GET /v1/ops/connector-rejects');
    expect(backfill.code).toBe(2);
    // Re-pulled, nothing twice: only the new contract's registration.
    expect(await eventCount()).toBe(before + 1);
    for (const out of [dry, backfill]) expect(out.stdout + out.stderr).not.toContain(inaproc.token);

    const usage = await cli(['inaproc:pull']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('inaproc:pull needs --year YYYY');
  });
});
