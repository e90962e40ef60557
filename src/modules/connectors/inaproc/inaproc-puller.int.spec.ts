import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import { SecretBox, type SinergiConfig, systemClock } from '@sinergi/common';
import { EventStore } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase, testConfig } from '@sinergi/testing';
import { inaprocRows, type InaprocFixture, startInaprocFixture } from '../../../../test/support/inaproc-fixture';
import { SinergiMetrics } from '../../../platform/metrics';
import { ProcurementClientRepository } from '../../procurement-clients/procurement-client.repository';
import { HolidayCalendars } from '../../project-intake/holidays/holiday-calendars';
import { RecordProcurementEventsHandler } from '../../project-intake/commands/record-procurement-event/record-procurement-events.handler';
import { projectStreamId } from '../../project-intake/construction-project.events';
import { projectIdFor } from '../../project-intake/project-id';
import { ConnectorMetrics } from '../connector.metrics';
import { InaprocPuller, type PullReport } from './inaproc-puller';

const KONTRAK = 'tender/tender-ekontrak-kontrak';
const SPMK = 'tender/tender-ekontrak-spmkspp';
const BAST = 'tender/tender-ekontrak-bapbast';
const NT_KONTRAK = 'non-tender/non-tender-ekontrak-kontrak';

describe('the INAPROC pull connector against a local INAPROC (PostgreSQL, the ingest command handler)', () => {
  let db: MigratedTestDatabase;
  let inaproc: InaprocFixture;
  let config: SinergiConfig;
  let store: EventStore;
  let metrics: SinergiMetrics;
  let commands: CommandBus;
  let clients: ProcurementClientRepository;

  const puller = (overrides: Partial<NonNullable<SinergiConfig['inaproc']>> = {}) =>
    new InaprocPuller(commands, clients, store, db.pool, { ...config, inaproc: { ...config.inaproc!, ...overrides } }, systemClock, {
      client: { backoffMs: 20, attempts: 3 },
    });
  const streamOf = (ref: string) => projectStreamId(projectIdFor('inaproc', ref));
  const eventsOf = async (ref: string) =>
    (await db.pool.query(`SELECT type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [streamOf(ref)])).rows;
  const eventCount = async () => Number((await db.pool.query(`SELECT count(*) FROM events`)).rows[0].count);
  const cursors = async () => (await db.pool.query(`SELECT endpoint, fiscal_year, cursor, last_success_at FROM connector_cursors ORDER BY endpoint`)).rows;
  const rejects = async () => (await db.pool.query(`SELECT * FROM connector_rejects ORDER BY row_key`)).rows;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createMigratedDatabase('inaproc_pull');
    inaproc = await startInaprocFixture({ pageSize: 3 });
    config = testConfig({ DATABASE_URL: db.url, INAPROC_API_URL: inaproc.url, INAPROC_TOKEN: inaproc.token, INAPROC_KLPD: 'D123', INAPROC_REGION: '73.07' });
    store = new EventStore(db.pool);
    metrics = new SinergiMetrics('worker');
    const box = new SecretBox(config.secretsKey);
    const handler = new RecordProcurementEventsHandler(store, box, metrics, db.pool, systemClock, new HolidayCalendars(db.pool));
    commands = { execute: (command: never) => handler.execute(command) } as unknown as CommandBus;
    clients = new ProcurementClientRepository(db.pool, box, config);

    inaproc.set(KONTRAK, 2025, [
      inaprocRows.kontrak(10001),
      inaprocRows.kontrak(10002, { lokasi_pekerjaan: 'Kabupaten Sinjai' }),
      inaprocRows.kontrak(10003, { jenis_pengadaan: 'Pengadaan Barang' }),
      // Page 2: an addendum, a row without NPWP, a row with a date that does not exist.
      inaprocRows.kontrak(10001, { apakah_addendum: true, versi_addendum: 1, nilai_kontrak: '2750000000.00', tgl_kontrak_akhir: '2025-11-30', alasan_addendum: 'Pekerjaan tambah (CCO)' }),
      inaprocRows.kontrak(10004, { npwp_penyedia: null, npwp_16_penyedia: null }),
      inaprocRows.kontrak(10005, { tgl_kontrak: '2025-13-01' }),
      // Page 3: planning and supervision need Jakon too.
      inaprocRows.kontrak(10006, { jenis_pengadaan: 'Jasa Konsultansi Konstruksi', lokasi_pekerjaan: 'Kecamatan Tellu Limpoe' }),
    ]);
    // The start of work of a contract INAPROC has not published yet: held until it is.
    inaproc.set(SPMK, 2025, [inaprocRows.spmk(10001), inaprocRows.spmk(10007)]);
    // A hand-over dated before the contract starts: the ingest refuses it.
    inaproc.set(BAST, 2025, [inaprocRows.bast(10002, { tgl_bast: '2025-04-01' })]);
    inaproc.set(NT_KONTRAK, 2025, [{ ...inaprocRows.kontrak(0), kd_tender: undefined, kd_nontender: '7700123', nama_paket: 'Pengadaan langsung drainase' }]);
  });
  afterAll(async () => {
    await inaproc?.close();
    await db?.drop();
  });

  let first: PullReport;

  it('pulls every page of each endpoint, through a 429, and records the events as the built-in client inaproc-d123', async () => {
    inaproc.fail(KONTRAK, { status: 429, retryAfter: '1', when: (cursor) => cursor !== null });
    first = await puller().pull({ fiscalYears: [2025], trigger: 'cli' });

    expect(first.status).toBe('SUCCEEDED');
    expect(first.totals).toEqual({
      fetched: 11,
      mapped: 8,
      posted: 8,
      recorded: 6,
      held: 1,
      duplicate: 0,
      skipped: { not_construction: 1, missing_npwp: 1, invalid_date: 1 },
      refused: { invalid_dates: 1 },
      rejected: 3,
    });
    expect(first.endpoints.find((e) => e.endpoint === KONTRAK)).toMatchObject({ fiscalYear: 2025, pages: 3, fetched: 7, mapped: 4, recorded: 4 });

    // The second page was asked for twice: after the 429, no sooner than its Retry-After.
    const page2 = inaproc.requests.filter((r) => r.path === `/api/v1/${KONTRAK}` && r.cursor !== null && r.cursor === inaproc.requests.find((q) => q.status === 429)?.cursor);
    expect(page2.map((r) => r.status)).toEqual([429, 200]);
    expect(page2[1].at - page2[0].at).toBeGreaterThanOrEqual(950);
    expect(inaproc.requests.every((r) => r.authorised && r.kodeKlpd === 'D123' && r.tahun === '2025' && r.limit === '500')).toBe(true);

    // The client, created at the first run: source system inaproc, scoped to the regency.
    expect((await db.pool.query(`SELECT source_system, region_scopes FROM procurement_clients WHERE id = 'inaproc-d123'`)).rows).toEqual([
      { source_system: 'inaproc', region_scopes: ['73.07'] },
    ]);

    const k1 = await eventsOf('10001');
    expect(k1.map((e) => [e.type, e.metadata.sourceEventId])).toEqual([
      ['ProjectRegistered', 'inaproc-10001-kontrak-v0'],
      ['ContractAmended', 'inaproc-10001-kontrak-v1'],
      ['WorkStarted', 'inaproc-10001-spmk-spmk-10001-2025'],
    ]);
    // The ingest's audit metadata: the client as actor, the run as correlation, the project's region.
    expect(k1[0].metadata).toMatchObject({ actor: { kind: 'client', id: 'inaproc-d123' }, correlationId: first.runId, regionCode: '73.07.05' });
    expect(k1[0].data).toMatchObject({ regionCode: '73.07.05', workType: 'KONSTRUKSI', fundingSource: 'APBD', contractValue: '2500000000', contractDate: '2025-04-21', ppk: { ref: expect.any(String) } });
    expect(k1[1].data).toMatchObject({ contractValue: '2750000000', endDate: '2025-11-30', addendumNumber: '027/SPK/PUPR-SJ/IV/2025/10001 (adendum 1)' });
    expect((await eventsOf('10002'))[0].data.regionCode).toBe('73.07');
    expect((await eventsOf('10006'))[0].data).toMatchObject({ regionCode: '73.07.08', workType: 'KONSULTANSI_KONSTRUKSI' });
    expect((await eventsOf('nt-7700123')).map((e) => e.metadata.sourceEventId)).toEqual(['inaproc-nt-7700123-kontrak-v0']);
    expect(await eventsOf('10003')).toEqual([]);
    expect(await eventsOf('10007')).toEqual([]);
    expect(Number((await db.pool.query(`SELECT count(*) FROM held_events WHERE client_id = 'inaproc-d123'`)).rows[0].count)).toBe(1);

    // Every endpoint read to its end; the run and its report are kept.
    expect((await cursors()).every((c) => c.last_success_at !== null)).toBe(true);
    expect((await db.pool.query(`SELECT status, trigger, fiscal_years, report->'totals'->>'fetched' AS fetched FROM connector_runs`)).rows).toEqual([
      { status: 'SUCCEEDED', trigger: 'cli', fiscal_years: [2025], fetched: '11' },
    ]);
  });

  it('records the rows it could not map, and the events the ingest refused, with identifiers and reason codes only', async () => {
    const rows = await rejects();
    expect(rows.map((r) => [r.endpoint, r.row_key, r.kind, r.reason, r.status, r.errors, r.region_code, r.times_seen])).toEqual([
      [BAST, 'inaproc-10002-bast-bast-10002-2025', 'REFUSED', 'invalid_dates', 400, [{ path: 'data.completedAt', code: 'date_order' }], '73.07', 1],
      [KONTRAK, 'inaproc-10004-kontrak-v0', 'UNMAPPABLE', 'missing_npwp', null, [{ path: 'npwp_penyedia', code: 'missing' }], '73.07', 1],
      [KONTRAK, 'inaproc-10005-kontrak-v0', 'UNMAPPABLE', 'invalid_date', null, [{ path: 'tgl_kontrak', code: 'invalid_date' }], '73.07', 1],
    ]);
    const stored = JSON.stringify(rows);
    for (const personal of ['Andi Baso', 'CV Karya', '0012345674901000', '012345674901000', '198001012005011001', '2500000000', 'Rehabilitasi']) {
      expect(stored).not.toContain(personal);
    }
  });

  it('answers a re-pull from the first page as duplicates: nothing new in the log', async () => {
    const before = await eventCount();
    const again = await puller().pull({ fiscalYears: [2025], trigger: 'cli', fromStart: true });
    expect(again.totals).toMatchObject({ fetched: 11, mapped: 8, posted: 8, recorded: 0, held: 0, duplicate: 7, refused: { invalid_dates: 1 } });
    expect(await eventCount()).toBe(before);
    expect((await rejects()).map((r) => r.times_seen)).toEqual([2, 2, 2]);
  });

  it('pulls on from the stored cursors: what was added, a registration that releases its held start of work, a corrected row', async () => {
    inaproc.add(KONTRAK, 2025, inaprocRows.kontrak(10007));
    inaproc.set(BAST, 2025, [inaprocRows.bast(10002)]);
    const requestsBefore = inaproc.requests.length;
    const next = await puller().pull({ fiscalYears: [2025], trigger: 'schedule' });

    // Only the last page of the contracts (10006, 10007) is read again, not the whole year.
    expect(next.endpoints.find((e) => e.endpoint === KONTRAK)).toMatchObject({ pages: 1, fetched: 2, recorded: 1, duplicate: 1 });
    expect(inaproc.requests.slice(requestsBefore).filter((r) => r.path === `/api/v1/${KONTRAK}`)).toHaveLength(1);
    expect((await eventsOf('10007')).map((e) => e.type)).toEqual(['ProjectRegistered', 'WorkStarted']);
    expect((await eventsOf('10002')).map((e) => e.type)).toEqual(['ProjectRegistered', 'ProjectCompleted']);
    // The refused hand-over, accepted now, is resolved; the unmappable rows are still open.
    const rows = await rejects();
    expect(rows.filter((r) => r.resolved_at === null).map((r) => r.row_key)).toEqual(['inaproc-10004-kontrak-v0', 'inaproc-10005-kontrak-v0']);
  });

  it('dry run: fetches and maps, posts and writes nothing, and says what is already recorded', async () => {
    inaproc.add(KONTRAK, 2025, inaprocRows.kontrak(10008));
    const [events, cursorRows, runs, rejectRows] = [await eventCount(), await cursors(), (await db.pool.query('SELECT count(*) FROM connector_runs')).rows[0].count, await rejects()];
    const dry = await puller().pull({ fiscalYears: [2025], trigger: 'cli', fromStart: true, dryRun: true });
    expect(dry).toMatchObject({ status: 'SUCCEEDED', dryRun: true });
    expect(dry.totals).toMatchObject({ fetched: 13, mapped: 10, posted: 0, recorded: 0, duplicate: 9, skipped: { not_construction: 1, missing_npwp: 1, invalid_date: 1 } });
    expect(await eventCount()).toBe(events);
    expect(await cursors()).toEqual(cursorRows);
    expect((await db.pool.query('SELECT count(*) FROM connector_runs')).rows[0].count).toBe(runs);
    expect(await rejects()).toEqual(rejectRows);
  });

  it('runs one pull at a time: a second one while the first runs is skipped', async () => {
    inaproc.fail(KONTRAK, { status: 429, retryAfter: '1' });
    const [a, b] = await Promise.all([puller().pull({ fiscalYears: [2025], trigger: 'schedule' }), new Promise((r) => setTimeout(r, 200)).then(() => puller().pull({ fiscalYears: [2025], trigger: 'schedule' }))]);
    expect([a.status, b.status].sort()).toEqual(['SKIPPED', 'SUCCEEDED']);
    expect([a, b].find((r) => r.status === 'SKIPPED')?.reason).toBe('another_run_in_progress');
    // The first registered the new contract; nothing twice.
    expect((await eventsOf('10008')).map((e) => e.type)).toEqual(['ProjectRegistered']);
  });

  it('fails an endpoint INAPROC keeps failing (5xx) or refuses (401) without moving its cursor; the others go on', async () => {
    const before = await cursors();
    inaproc.fail(SPMK, { status: 503 }, { status: 502 }, { status: 500 });
    const flaky = await puller().pull({ fiscalYears: [2025], trigger: 'schedule' });
    expect(flaky.status).toBe('FAILED');
    expect(flaky.endpoints.filter((e) => e.status === 'FAILED')).toEqual([expect.objectContaining({ endpoint: SPMK, error: { code: 'inaproc_unavailable', status: 500 } })]);
    const spmkCursor = (rows: { endpoint: string; cursor: string | null }[]) => rows.find((c) => c.endpoint === SPMK)?.cursor;
    expect(spmkCursor(await cursors())).toBe(spmkCursor(before));

    const refused = await puller({ token: 'not-the-right-token' }).pull({ fiscalYears: [2025], trigger: 'schedule' });
    expect(refused.status).toBe('FAILED');
    expect(refused.endpoints.every((e) => e.status === 'FAILED' && e.error?.code === 'inaproc_unauthorized' && e.error.status === 401)).toBe(true);
    expect(JSON.stringify(refused)).not.toContain('not-the-right-token');
  });

  it('publishes the last successful pull per endpoint as sinergi_connector_last_success_timestamp_seconds', async () => {
    new ConnectorMetrics(metrics, db.pool).onModuleInit();
    const text = await metrics.registry.metrics();
    const lines = text.split('\n').filter((l) => l.startsWith('sinergi_connector_last_success_timestamp_seconds{'));
    expect(lines).toHaveLength(6);
    expect(lines.find((l) => l.includes(`endpoint="${KONTRAK}"`))).toMatch(/connector="inaproc-d123".* \d{10}(\.\d+)?$/);
  });
});
