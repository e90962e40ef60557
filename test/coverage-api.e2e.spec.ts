import { randomUUID } from 'node:crypto';
import { EventStore } from '@sinergi/event-store';
import { projectRegistered, signedPost, waitFor } from '@sinergi/testing';
import { importSegmentsFile } from '../src/modules/regional-coverage/segments/import-segments-file';
import { targetPace } from '../src/modules/regional-coverage/targets/target-pace';
import { type RunningSystem, startSystem } from './support/running-system';
import { readCsvRows } from '@sinergi/common';
import { todayWita } from '@sinergi/domain';

const PUPR = '1.03.0.00.0.00.01.0000';
const DIKBUD = '1.01.0.00.0.00.01.0000';
const NPWP_A = '0012345674901000';
const NPWP_B = '0999999999999999';
const SINJAI_DISTRICTS = ['73.07.01', '73.07.02', '73.07.03', '73.07.04', '73.07.05', '73.07.06', '73.07.07', '73.07.08', '73.07.09'];
const INJECTION = '=HYPERLINK("http://evil.example","klik")';

interface Cell {
  region: string;
  agency?: string;
  funding?: string;
  month: string;
  total: number;
  registered: number;
  compliant?: number;
  nonCompliant?: number;
  pending?: number;
  workers?: [number, number];
  value?: [bigint, bigint];
  premium?: [bigint, bigint];
}

/**
 * The coverage API over HTTP. The coverage tables are seeded directly (the API's semantics do not depend on how the
 * projection filled them); the last test posts real projects through ingest, verification and the live projection.
 *
 * Sinjai (73.07): 10 projects, 4 registered (40 %, docs/domain.md): 5 in Sinjai Barat (73.07.01: 4 in a village, 1 at the
 * district), 4 in Sinjai Utara (73.07.05), 1 at the regency itself; the other seven districts have none.
 * Bone (73.08): 3 projects, all registered.
 */
const CELLS: Cell[] = [
  { region: '73.07.01.2003', month: '2025-04', total: 4, registered: 2, compliant: 2, nonCompliant: 1, pending: 1, workers: [40, 20], value: [4_000_000_000n, 2_000_000_000n], premium: [4_000_000n, 2_000_000n] },
  { region: '73.07.01', agency: DIKBUD, funding: 'DAK', month: '2025-05', total: 1, registered: 1, compliant: 1, workers: [10, 10], value: [9_007_199_254_740_993n, 9_007_199_254_740_993n], premium: [1_000n, 1_000n] },
  { region: '73.07.05', month: '2025-04', total: 4, registered: 1, compliant: 1, nonCompliant: 3, workers: [30, 5], value: [1_000_000_000n, 250_000_000n], premium: [1_000_000n, 250_000n] },
  { region: '73.07', month: '2025-06', total: 1, registered: 0, pending: 1, value: [500_000_000n, 0n] },
  { region: '73.08.01', month: '2025-04', total: 3, registered: 3, compliant: 3, workers: [15, 15], value: [300_000_000n, 300_000_000n], premium: [300_000n, 300_000n] },
];

describe('coverage API (regions, series, agencies, projects, targets, segments; JSON and CSV)', () => {
  let system: RunningSystem;
  let official: string;
  let boneOfficial: string;
  let provinceOfficial: string;
  let auditor: string;
  let admin: string;
  let sinjaiProjects: { id: string; date: string }[];

  const call = async (method: string, path: string, token: string, options: { body?: unknown; accept?: string } = {}) => {
    const res = await fetch(`${system.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.accept ? { accept: options.accept } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* CSV stays text */
    }
    return { status: res.status, headers: res.headers, text, body };
  };
  const get = (path: string, token = official) => call('GET', path, token);
  const csv = async (path: string, token = official) => {
    const res = await call('GET', path, token, { accept: 'text/csv' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('vary')).toMatch(/accept/i);
    const rows = readCsvRows(res.text).map((r) => ('fields' in r ? r.fields : []));
    return { ...res, header: rows[0], rows: rows.slice(1) };
  };

  async function seedCell(c: Cell): Promise<void> {
    await system.db.pool.query(
      `INSERT INTO coverage_cells (region_code, agency_code, funding_source, contract_month, projects_total, projects_registered,
         projects_compliant, projects_non_compliant, projects_pending, projects_unverifiable, workers_reported, workers_covered,
         contract_value_total, contract_value_covered, premium_due, premium_paid)
       VALUES ($1, $2, $3, $4::date, $5, $6, $7, $8, $9, 0, $10, $11, $12, $13, $14, $15)`,
      [
        c.region,
        c.agency ?? PUPR,
        c.funding ?? 'APBD',
        `${c.month}-01`,
        c.total,
        c.registered,
        c.compliant ?? 0,
        c.nonCompliant ?? 0,
        c.pending ?? 0,
        c.workers?.[0] ?? 0,
        c.workers?.[1] ?? 0,
        String(c.value?.[0] ?? 0n),
        String(c.value?.[1] ?? 0n),
        String(c.premium?.[0] ?? 0n),
        String(c.premium?.[1] ?? 0n),
      ],
    );
  }

  async function seedProject(p: {
    region: string;
    date: string;
    ref?: string | null;
    name?: string;
    agency?: string;
    status?: string;
    npwp?: string;
    year?: number;
    cancelled?: boolean;
    registered?: boolean;
  }): Promise<string> {
    const id = randomUUID();
    await system.db.pool.query(
      `INSERT INTO coverage_projects (project_id, project_ref, name, contract_number, region_code, agency_code, agency_name, funding_source,
         fiscal_year, contract_date, contract_month, contractor_npwp, contractor_name, registration_deadline, lifecycle, cancelled, status,
         reasons, registered, workers_estimated, workers_reported, workers_uncovered, workers_covered, contract_value, premium_due, premium_paid, last_position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'APBD', $8, $9::date, date_trunc('month', $9::date)::date, $10, 'CV Karya Sinjai', $9::date + 20,
               $11, $12, $13, $14, $15, 20, 10, 0, $16, 850000000, 1105000, $17, 1)`,
      [
        id,
        p.ref === undefined ? `ref-${id.slice(0, 8)}` : p.ref,
        p.name ?? 'Rehabilitasi Jalan',
        `SPK/${id.slice(0, 8)}`,
        p.region,
        p.agency ?? PUPR,
        p.agency === DIKBUD ? 'Dinas Pendidikan, Pemuda dan Olahraga' : 'Dinas PUPR',
        p.year ?? 2025,
        p.date,
        p.npwp ?? NPWP_B,
        p.cancelled ? 'CANCELLED' : 'REGISTERED',
        p.cancelled ?? false,
        p.status ?? 'PENDING',
        p.status === 'NON_COMPLIANT' ? ['NOT_REGISTERED'] : [],
        p.registered ?? false,
        p.registered ? 10 : 0,
        p.registered ? '1105000' : '0',
      ],
    );
    return id;
  }

  beforeAll(async () => {
    system = await startSystem('coverage-api');
    official = await system.token({ sub: 'kadis-pupr', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    boneOfficial = await system.token({ sub: 'kadis-bone', roles: ['official'], regions: ['73.08'] });
    provinceOfficial = await system.token({ sub: 'gubernur-staff', roles: ['official'], regions: ['73'] });
    auditor = await system.token({ sub: 'inspektorat', roles: ['auditor'], regions: ['73.07'] });
    admin = await system.token({ sub: 'admin-sinjai', roles: ['admin'], regions: ['73.07'] });

    for (const c of CELLS) await seedCell(c);
    await system.db.pool.query(
      `INSERT INTO coverage_agencies (regency_code, agency_code, agency_name, last_position) VALUES
         ('73.07', $1, 'Dinas PUPR Kabupaten Sinjai', 1), ('73.07', $2, 'Dinas Pendidikan, Pemuda dan Olahraga', 1), ('73.08', $1, 'Dinas PUPR Kabupaten Bone', 1)`,
      [PUPR, DIKBUD],
    );

    // 25 listed Sinjai projects, three to a contract date (so the id breaks ties), plus one cancelled.
    const statuses = ['COMPLIANT', 'NON_COMPLIANT', 'PENDING', 'UNVERIFIABLE'];
    sinjaiProjects = [];
    for (let i = 0; i < 25; i++) {
      const date = `2025-04-${String(1 + Math.floor(i / 3)).padStart(2, '0')}`;
      const id = await seedProject({
        region: SINJAI_DISTRICTS[i % 9],
        date,
        name: i === 3 ? INJECTION : `Rehabilitasi Jalan ${i}`,
        agency: i % 2 ? DIKBUD : PUPR,
        status: statuses[i % 4],
        npwp: i % 5 === 0 ? NPWP_A : NPWP_B,
        year: i >= 20 ? 2024 : 2025,
        registered: i % 4 === 0,
      });
      sinjaiProjects.push({ id, date });
    }
    sinjaiProjects.push({ id: await seedProject({ region: '73.07.02', date: '2025-03-15', cancelled: true }), date: '2025-03-15' });
    // Compliance facts of a project whose registration was not read yet: never listed.
    await seedProject({ region: '73.07.01', date: '2025-04-02', ref: null });
    for (let i = 0; i < 3; i++) await seedProject({ region: '73.08.01', date: '2025-04-10', npwp: NPWP_A });
  });

  afterAll(() => system?.stop());

  describe('GET /v1/coverage/regions/{code}', () => {
    it('shows Sinjai with its nine districts, the empty ones as zeros', async () => {
      const res = await get('/v1/coverage/regions/73.07');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        regionCode: '73.07',
        name: 'Kabupaten Sinjai',
        level: 'regency',
        projects: { total: 10, registered: 4, compliant: 4, nonCompliant: 4, pending: 2, unverifiable: 0 },
        workers: { reported: 80, covered: 35 },
        contractValue: { total: '9007204754740993', covered: '9007201504740993' },
        premium: { due: '5001000', paid: '2251000' },
        coveragePercent: { projects: 40, workers: 43.75, value: 100 },
        target: null,
        otherSegments: [],
        overall: { enrolled: 35, eligible: 80, percent: 43.75 },
        asOf: todayWita(new Date()),
      });
      expect(res.body.unassigned.projects.total).toBe(1);
      expect(res.body.children.map((c: any) => c.regionCode)).toEqual(SINJAI_DISTRICTS);
      expect(res.body.children.map((c: any) => c.name)).toEqual([
        'Sinjai Barat',
        'Sinjai Selatan',
        'Sinjai Timur',
        'Sinjai Tengah',
        'Sinjai Utara',
        'Bulupoddo',
        'Sinjai Borong',
        'Tellu Limpoe',
        'Pulau Sembilan',
      ]);
      const [barat, , , , utara, , , , pulau] = res.body.children;
      expect(barat).toMatchObject({ level: 'district', projects: { total: 5, registered: 3 }, coveragePercent: { projects: 60 } });
      expect(utara).toMatchObject({ projects: { total: 4, registered: 1 }, coveragePercent: { projects: 25, workers: 16.67, value: 25 } });
      expect(pulau).toEqual({
        regionCode: '73.07.09',
        name: 'Pulau Sembilan',
        level: 'district',
        projects: { total: 0, registered: 0, compliant: 0, nonCompliant: 0, pending: 0, unverifiable: 0 },
        workers: { reported: 0, covered: 0 },
        contractValue: { total: '0', covered: '0' },
        premium: { due: '0', paid: '0' },
        coveragePercent: { projects: null, workers: null, value: null },
        target: null,
        otherSegments: [],
        overall: { enrolled: 0, eligible: 0, percent: null },
      });
    });

    it('rolls up village → district → regency → province', async () => {
      const district = await get('/v1/coverage/regions/73.07.01');
      expect(district.status).toBe(200);
      expect(district.body.projects.total).toBe(5);
      expect(district.body.unassigned.projects.total).toBe(1); // registered at the district itself
      expect(district.body.children.find((v: any) => v.regionCode === '73.07.01.2003')).toMatchObject({ level: 'village', name: 'Gunung Perak', projects: { total: 4 } });

      const province = await get('/v1/coverage/regions/73', provinceOfficial);
      expect(province.status).toBe(200);
      expect(province.body).toMatchObject({ regionCode: '73', level: 'province', projects: { total: 13, registered: 7 } });
      expect(province.body.children).toHaveLength(24);
      expect(province.body.children.find((c: any) => c.regionCode === '73.07').projects).toMatchObject({ total: 10, registered: 4 });
      expect(province.body.children.find((c: any) => c.regionCode === '73.08').projects).toMatchObject({ total: 3, registered: 3 });
      expect(province.body.children.find((c: any) => c.regionCode === '73.71')).toMatchObject({ name: 'Kota Makassar', projects: { total: 0 } });
    });

    it('shows Indonesia (ID) with its 38 provinces to a ministry token, in the same shape', async () => {
      const ministry = await system.token({ sub: 'kemnaker-staff', roles: ['official'], regions: ['ID'] });
      const res = await get('/v1/coverage/regions/ID', ministry);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        regionCode: 'ID',
        name: 'Indonesia',
        level: 'country',
        projects: { total: 13, registered: 7, compliant: 7, nonCompliant: 4, pending: 2, unverifiable: 0 },
        workers: { reported: 95, covered: 50 },
        target: null,
        asOf: todayWita(new Date()),
        unplacedRegionCodes: [],
      });
      expect(res.body.unassigned.projects.total).toBe(0);
      expect(res.body.children).toHaveLength(38);
      expect(res.body.children.every((c: any) => c.level === 'province' && /^\d{2}$/.test(c.regionCode))).toBe(true);
      expect(res.body.children.find((c: any) => c.regionCode === '73')).toMatchObject({ name: 'Sulawesi Selatan', projects: { total: 13, registered: 7 } });
      expect(res.body.children.find((c: any) => c.regionCode === '11')).toMatchObject({ projects: { total: 0 } });
      expect(Object.keys(res.body).sort()).toEqual(Object.keys((await get('/v1/coverage/regions/73', provinceOfficial)).body).sort());
      // The whole country is for scopes that cover it: '*' too, never a province's or a regency's.
      const everywhere = await system.token({ sub: 'ops', roles: ['admin'], regions: ['*'] });
      expect((await get('/v1/coverage/regions/ID', everywhere)).body.projects.total).toBe(13);
      expect((await get('/v1/coverage/regions/ID', provinceOfficial)).status).toBe(404);
      expect((await get('/v1/coverage/regions/ID')).status).toBe(404);
      // A ministry token reads any region below, as '*' does.
      expect((await get('/v1/coverage/regions/73.08', ministry)).body.projects.total).toBe(3);
      const rows = (await csv('/v1/coverage/regions/ID', ministry)).rows;
      expect(rows).toHaveLength(39);
      expect(rows[0].slice(0, 4)).toEqual(['region', 'ID', 'Indonesia', 'country']);
    });

    it('official scoped to 73.07 gets 404 for 73.08', async () => {
      const res = await get('/v1/coverage/regions/73.08');
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
      // Out of scope reads exactly like unknown: no existence leak.
      const unknown = await get('/v1/coverage/regions/73.07.99');
      expect(unknown.status).toBe(404);
      expect(unknown.body.detail).toBe(res.body.detail);
      expect((await get('/v1/coverage/regions/73')).status).toBe(404);
      expect((await get('/v1/coverage/regions/not-a-code')).status).toBe(404);
      expect((await get('/v1/coverage/regions/73.08', boneOfficial)).status).toBe(200);
    });

    it('lets an auditor read; refuses a request without a token', async () => {
      expect((await get('/v1/coverage/regions/73.07', auditor)).status).toBe(200);
      const res = await fetch(`${system.baseUrl}/v1/coverage/regions/73.07`);
      expect(res.status).toBe(401);
    });

    it('answers CSV on the same URL: one row for the region and one per district', async () => {
      const res = await csv('/v1/coverage/regions/73.07');
      expect(res.header.slice(0, 6)).toEqual(['row', 'region_code', 'name', 'level', 'projects_total', 'projects_registered']);
      expect(res.rows).toHaveLength(10);
      const col = (name: string) => res.header.indexOf(name);
      expect(res.rows[0][col('row')]).toBe('region');
      expect(res.rows[0][col('coverage_projects_percent')]).toBe('40');
      expect(res.rows[0][col('contract_value_total')]).toBe('9007204754740993');
      expect(res.rows.slice(1).map((r) => r[col('region_code')])).toEqual(SINJAI_DISTRICTS);
      expect(res.rows[9][col('coverage_projects_percent')]).toBe(''); // no projects: no percent
      expect(res.headers.get('content-disposition')).toBe('attachment; filename="coverage-73.07.csv"');
      expect((await call('GET', '/v1/coverage/regions/73.07?format=csv', official)).headers.get('content-type')).toBe('text/csv; charset=utf-8');
    });

    it('refuses unknown query parameters', async () => {
      const res = await get('/v1/coverage/regions/73.07?regionCod=73.08');
      expect(res.status).toBe(400);
      expect(res.body.errors[0]).toMatchObject({ path: 'regionCod', code: 'unknown_parameter' });
    });
  });

  describe('targets', () => {
    const deadline = `${Number(todayWita(new Date()).slice(0, 4)) + 1}-12-31`;

    it('an admin sets Sinjai’s target; the region shows the gap and the pace to meet it', async () => {
      const put = await call('PUT', '/v1/coverage/targets/73.07', admin, { body: { metric: 'projects', targetPercent: 60, deadline } });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ regionCode: '73.07', metric: 'projects', targetPercent: 60, deadline, setBy: 'admin-sinjai', version: 1 });

      const region = await get('/v1/coverage/regions/73.07');
      const today = todayWita(new Date());
      const pace = targetPace(40, 60, today, deadline);
      expect(region.body.target).toEqual({
        metric: 'projects',
        targetPercent: 60,
        deadline,
        currentPercent: 40,
        gapPoints: 20,
        monthsLeft: pace.monthsLeft,
        pacePointsPerMonth: pace.pacePointsPerMonth,
        status: 'OPEN',
        asOf: today,
        setBy: 'admin-sinjai',
        setAt: put.body.setAt,
      });
      expect(pace.pacePointsPerMonth).toBeGreaterThan(0);
      // Targets belong to the region they are set on.
      expect(region.body.children.every((c: any) => c.target === null)).toBe(true);

      const { rows } = await system.db.pool.query(`SELECT type, data, metadata FROM events WHERE stream_id = 'coverage-target-73.07' ORDER BY stream_version`);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        type: 'CoverageTargetSet',
        data: { regionCode: '73.07', metric: 'projects', targetPercent: 60, deadline, setBy: 'admin-sinjai' },
        metadata: { actor: { kind: 'user', id: 'admin-sinjai' }, regionCode: '73.07' },
      });
    });

    it('records nothing for the same target again, and a new event for a change', async () => {
      const again = await call('PUT', '/v1/coverage/targets/73.07', admin, { body: { metric: 'projects', targetPercent: 60, deadline } });
      expect(again.body.version).toBe(1);
      const changed = await call('PUT', '/v1/coverage/targets/73.07.05', admin, { body: { metric: 'value', targetPercent: 25, deadline } });
      expect(changed.status).toBe(200);
      const district = await get('/v1/coverage/regions/73.07.05');
      expect(district.body.target).toMatchObject({ metric: 'value', currentPercent: 25, gapPoints: 0, pacePointsPerMonth: 0, status: 'MET' });
      const parent = await get('/v1/coverage/regions/73.07');
      expect(parent.body.children[4].target).toMatchObject({ metric: 'value', status: 'MET' });
    });

    it('refuses an invalid target with a problem naming each field', async () => {
      const res = await call('PUT', '/v1/coverage/targets/73.07', admin, { body: { metric: 'money', targetPercent: 120, deadline: '2020-01-01' } });
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: any) => [e.path, e.code])).toEqual([
        ['metric', 'not_allowed'],
        ['targetPercent', 'out_of_range'],
        ['deadline', 'deadline_passed'],
      ]);
      const unknownRegion = await call('PUT', '/v1/coverage/targets/73.07.99', admin, { body: { metric: 'projects', targetPercent: 60, deadline } });
      expect(unknownRegion.status).toBe(400);
      expect(unknownRegion.body.errors[0]).toMatchObject({ path: 'regionCode', code: 'unknown_region' });
      expect((await call('PUT', '/v1/coverage/targets/7307', admin, { body: { metric: 'projects', targetPercent: 60, deadline } })).status).toBe(400);
    });

    it('auditor can read, cannot PUT (403); officials cannot either; an admin only within scope', async () => {
      const body = { metric: 'projects', targetPercent: 70, deadline };
      const asAuditor = await call('PUT', '/v1/coverage/targets/73.07', auditor, { body });
      expect(asAuditor.status).toBe(403);
      expect(asAuditor.body.code).toBe('forbidden_role');
      expect((await call('PUT', '/v1/coverage/targets/73.07', official, { body })).status).toBe(403);
      const outOfScope = await call('PUT', '/v1/coverage/targets/73.08', admin, { body });
      expect(outOfScope.status).toBe(403);
      expect(outOfScope.body.code).toBe('region_out_of_scope');
      expect((await get('/v1/coverage/regions/73.07', auditor)).body.target.targetPercent).toBe(60);
    });
  });

  describe('GET /v1/coverage/regions/{code}/series', () => {
    it('has every month in range, zeros included', async () => {
      const res = await get('/v1/coverage/regions/73.07/series?from=2025-03&to=2025-07');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ regionCode: '73.07', name: 'Kabupaten Sinjai', from: '2025-03', to: '2025-07' });
      expect(res.body.months.map((m: any) => [m.month, m.projects.total, m.coveragePercent.projects])).toEqual([
        ['2025-03', 0, null],
        ['2025-04', 8, 37.5],
        ['2025-05', 1, 100],
        ['2025-06', 1, 0],
        ['2025-07', 0, null],
      ]);
      expect(res.body.months[1].contractValue).toEqual({ total: '5000000000', covered: '2250000000' });
    });

    it('defaults to the twelve months up to this month, across a year end', async () => {
      const res = await get('/v1/coverage/regions/73.07/series?to=2026-02');
      expect(res.body.from).toBe('2025-03');
      expect(res.body.months).toHaveLength(12);
      expect(res.body.months[11].month).toBe('2026-02');
      const current = await get('/v1/coverage/regions/73.07/series');
      expect(current.body.to).toBe(todayWita(new Date()).slice(0, 7));
    });

    it('refuses bad months with a problem naming the parameter; out of scope is 404', async () => {
      const bad = await get('/v1/coverage/regions/73.07/series?from=2025-13');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0]).toMatchObject({ path: 'from', code: 'invalid_month' });
      const reversed = await get('/v1/coverage/regions/73.07/series?from=2025-08&to=2025-07');
      expect(reversed.body.errors[0]).toMatchObject({ path: 'from', code: 'after_to' });
      const long = await get('/v1/coverage/regions/73.07/series?from=2010-01&to=2025-07');
      expect(long.body.errors[0]).toMatchObject({ path: 'from', code: 'range_too_long' });
      expect((await get('/v1/coverage/regions/73.08/series')).status).toBe(404);
    });

    it('answers CSV: one row per month', async () => {
      const res = await csv('/v1/coverage/regions/73.07/series?from=2025-03&to=2025-07');
      expect(res.header.slice(0, 3)).toEqual(['region_code', 'month', 'projects_total']);
      expect(res.rows.map((r) => r[1])).toEqual(['2025-03', '2025-04', '2025-05', '2025-06', '2025-07']);
    });
  });

  describe('GET /v1/coverage/agencies', () => {
    it('sums per agency with its name, within the region', async () => {
      const res = await get('/v1/coverage/agencies?regionCode=73.07');
      expect(res.status).toBe(200);
      expect(res.body.regionCode).toBe('73.07');
      expect(res.body.items.map((a: any) => [a.regencyCode, a.agencyCode, a.agencyName, a.projects.total, a.coveragePercent.projects])).toEqual([
        ['73.07', DIKBUD, 'Dinas Pendidikan, Pemuda dan Olahraga', 1, 100],
        ['73.07', PUPR, 'Dinas PUPR Kabupaten Sinjai', 9, 33.33],
      ]);
      const district = await get('/v1/coverage/agencies?regionCode=73.07.05');
      expect(district.body.items.map((a: any) => [a.agencyCode, a.projects.total])).toEqual([[PUPR, 4]]);
    });

    it('without a region, sums the caller’s regions and never more', async () => {
      const own = await get('/v1/coverage/agencies');
      expect(own.body.items.map((a: any) => a.regencyCode)).toEqual(['73.07', '73.07']);
      const province = await get('/v1/coverage/agencies', provinceOfficial);
      expect(province.body.items.map((a: any) => [a.regencyCode, a.agencyName])).toContainEqual(['73.08', 'Dinas PUPR Kabupaten Bone']);
    });

    it('is 404 for a region out of scope or unknown, 400 for a malformed one', async () => {
      expect((await get('/v1/coverage/agencies?regionCode=73.08')).status).toBe(404);
      expect((await get('/v1/coverage/agencies?regionCode=73.07.99')).status).toBe(404);
      const bad = await get('/v1/coverage/agencies?regionCode=7307');
      expect(bad.status).toBe(400);
      expect(bad.body.errors[0].path).toBe('regionCode');
    });

    it('answers CSV: one row per agency, a name with a comma quoted', async () => {
      const res = await csv('/v1/coverage/agencies?regionCode=73.07');
      expect(res.header.slice(0, 4)).toEqual(['regency_code', 'agency_code', 'agency_name', 'projects_total']);
      expect(res.rows.map((r) => r[2])).toEqual(['Dinas Pendidikan, Pemuda dan Olahraga', 'Dinas PUPR Kabupaten Sinjai']);
      expect(res.text).toContain('"Dinas Pendidikan, Pemuda dan Olahraga"');
    });
  });

  describe('GET /v1/projects', () => {
    it('pages through every project in scope, newest contract first, without repeats or gaps', async () => {
      const seen: any[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await get(`/v1/projects?limit=7${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(7);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(4);
      expect(seen.map((p) => p.projectId).sort()).toEqual(sinjaiProjects.map((p) => p.id).sort());
      const keys = seen.map((p) => `${p.contractDate}|${p.projectId}`);
      expect(keys).toEqual([...keys].sort().reverse());
      expect(seen.every((p) => p.regionCode.startsWith('73.07'))).toBe(true);
      expect(seen[0]).toMatchObject({ contractValue: '850000000', premium: { due: '1105000' }, agency: { code: expect.any(String) }, contractor: { name: 'CV Karya Sinjai' } });
    });

    it('filters by region, agency, status, contractor NPWP, fiscal year and cancellation', async () => {
      const ids = async (query: string) => ((await get(`/v1/projects?limit=200&${query}`)).body.items as any[]).map((p) => p.projectId);
      expect(await ids('regionCode=73.07.05')).toHaveLength(3);
      expect((await ids(`agencyCode=${DIKBUD}`)).length).toBe(12);
      expect((await ids('status=UNVERIFIABLE')).length).toBe(6);
      expect((await ids(`contractorNpwp=${NPWP_A}`)).length).toBe(5);
      expect((await ids('contractorNpwp=00.123.456.7-490.1000')).length).toBe(5);
      expect((await ids('fiscalYear=2024')).length).toBe(5);
      expect(await ids('cancelled=true')).toEqual([sinjaiProjects[25].id]);
      expect((await ids('cancelled=false&status=COMPLIANT&agencyCode=1.03.0.00.0.00.01.0000')).length).toBe(7);
      // The NPWP of Bone's projects too, but the caller's scope always applies.
      expect((await ids(`contractorNpwp=${NPWP_A}`)).every((id) => sinjaiProjects.some((p) => p.id === id))).toBe(true);
      expect((await get(`/v1/projects?contractorNpwp=${NPWP_A}`, provinceOfficial)).body.items).toHaveLength(8);
    });

    it('a regionCode filter outside the caller’s regions is 404, like the region', async () => {
      const res = await get('/v1/projects?regionCode=73.08');
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('not_found');
      expect((await get('/v1/projects?regionCode=73.08', boneOfficial)).body.items).toHaveLength(3);
    });

    it('refuses bad filters with a problem naming the parameter', async () => {
      const cases: [string, string][] = [
        ['status=LATE', 'status'],
        ['limit=0', 'limit'],
        ['limit=201', 'limit'],
        ['fiscalYear=25', 'fiscalYear'],
        ['contractorNpwp=123', 'contractorNpwp'],
        ['regionCode=73-07', 'regionCode'],
        ['agencyCode=%3Cscript%3E', 'agencyCode'],
        ['fundingSource=CASH', 'fundingSource'],
        ['cancelled=maybe', 'cancelled'],
        ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
        ['stauts=PENDING', 'stauts'],
        ['status=PENDING&status=COMPLIANT', 'status'],
      ];
      for (const [query, path] of cases) {
        const res = await get(`/v1/projects?${query}`);
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
        expect([query, res.body.errors[0].path]).toEqual([query, path]);
      }
    });

    it('leaves GET /v1/projects/{id} to the verification module', async () => {
      expect((await get(`/v1/projects/${randomUUID()}`)).status).toBe(404);
    });

    it('answers CSV: one row per project, a formula in a name made inert, the next page in Link', async () => {
      const res = await csv('/v1/projects?limit=200');
      expect(res.header.slice(0, 3)).toEqual(['project_id', 'project_ref', 'name']);
      expect(res.rows).toHaveLength(26);
      const nameOf = (id: string) => res.rows.find((r) => r[0] === id)![2];
      expect(nameOf(sinjaiProjects[3].id)).toBe(`'${INJECTION}`);
      expect(res.text).toContain(`"'=HYPERLINK(""http://evil.example"",""klik"")"`);
      expect(res.text).not.toMatch(/(^|,)=HYPERLINK/m);

      const paged = await csv('/v1/projects?limit=3&status=PENDING');
      expect(paged.headers.get('link')).toMatch(/^<\/v1\/projects\?limit=3&status=PENDING&cursor=[A-Za-z0-9_-]+>; rel="next"$/);
    });
  });

  describe('other worker segments', () => {
    it('an admin reports a segment; the region shows it beside construction, and overall coverage', async () => {
      const put = await call('PUT', '/v1/coverage/segments/73.07/VILLAGE_OFFICIALS/2026-10', admin, { body: { enrolled: 1040, eligible: 1040, source: 'ADMIN' } });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ regionCode: '73.07', segment: 'VILLAGE_OFFICIALS', period: '2026-10', enrolled: 1040, eligible: 1040, percent: 100, source: 'ADMIN', reportedBy: 'admin-sinjai' });
      const region = await get('/v1/coverage/regions/73.07');
      expect(region.body.otherSegments).toEqual([{ segment: 'VILLAGE_OFFICIALS', period: '2026-10', enrolled: 1040, eligible: 1040, percent: 100, source: 'ADMIN' }]);
      expect(region.body.overall).toEqual({ enrolled: 1075, eligible: 1120, percent: 95.98 });
      const { rows } = await system.db.pool.query(`SELECT type, metadata FROM events WHERE stream_id = 'coverage-segments-73.07'`);
      expect(rows).toEqual([{ type: 'SegmentEnrolmentReported', metadata: expect.objectContaining({ actor: { kind: 'user', id: 'admin-sinjai' } }) }]);
    });

    it('refuses bad figures naming the field, and writes only by admins in scope', async () => {
      const bad = await call('PUT', '/v1/coverage/segments/73.07/FARMERS/2026-10', admin, { body: { enrolled: 5, eligible: 4, source: 'ADMIN' } });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: any) => [e.path, e.code])).toEqual([
        ['segment', 'not_allowed'],
        ['enrolled', 'exceeds_eligible'],
      ]);
      const body = { enrolled: 1, eligible: 2, source: 'ADMIN' };
      expect((await call('PUT', '/v1/coverage/segments/73.07/OTHER/2026-10', auditor, { body })).status).toBe(403);
      expect((await call('PUT', '/v1/coverage/segments/73.08/OTHER/2026-10', admin, { body })).status).toBe(403);
      expect((await call('PUT', '/v1/coverage/segments/73.07/OTHER/2026-10', admin, { body: { ...body, extra: 1 } })).body.errors[0].path).toBe('extra');
    });

    it('imports a BPJS file (segments:import): valid lines recorded, bad lines reported by line number', async () => {
      const file = [
        'region_code,segment,period,enrolled,eligible',
        '73.07.01,NON_ASN_STAFF,2026-09,300,320',
        '73.07.05,NON_ASN_STAFF,2026-10,500,500',
        '73.07.05,VULNERABLE_WORKERS,2026-10,120,900',
        '73.07.99,VULNERABLE_WORKERS,2026-10,1,2',
        '73.07.02,FARMERS,2026-10,1,2',
        '73.07.02,OTHER,2026-10,3,2',
        '73.07.02,OTHER,9999-01,x,2',
        '73.07.05,NON_ASN_STAFF,2026-10,400,500',
        '73.07.03,OTHER,2026-10',
      ].join('\n');
      const deps = { store: system.api.get(EventStore), pool: system.db.pool, clock: { now: () => new Date() } };
      const result = await importSegmentsFile(deps, file, { sourceFile: 'bpjs-sinjai-2026-10.csv' });
      expect(result.recorded).toBe(3);
      expect(result.rejected).toEqual([
        { line: 5, reason: 'region_code: 73.07.99 is not a known region' },
        { line: 6, reason: expect.stringMatching(/^segment: /) },
        { line: 7, reason: 'enrolled: enrolled cannot be more than eligible' },
        { line: 8, reason: expect.stringMatching(/^period: .*; enrolled: /) },
        { line: 9, reason: 'same region_code, segment and period as line 3' },
        { line: 10, reason: 'has 3 fields, the header has 5' },
      ]);
      expect((await importSegmentsFile(deps, file, { sourceFile: 'again.csv' })).recorded).toBe(0);

      const region = await get('/v1/coverage/regions/73.07');
      expect(region.body.otherSegments).toEqual([
        { segment: 'VILLAGE_OFFICIALS', period: '2026-10', enrolled: 1040, eligible: 1040, percent: 100, source: 'ADMIN' },
        { segment: 'NON_ASN_STAFF', period: '2026-10', enrolled: 800, eligible: 820, percent: 97.56, source: 'BPJS_FILE' },
        { segment: 'VULNERABLE_WORKERS', period: '2026-10', enrolled: 120, eligible: 900, percent: 13.33, source: 'BPJS_FILE' },
      ]);
      expect(region.body.children[4].otherSegments.map((s: any) => s.segment)).toEqual(['NON_ASN_STAFF', 'VULNERABLE_WORKERS']);
      const header = readCsvRows((await call('GET', '/v1/coverage/regions/73.07', official, { accept: 'text/csv' })).text)[0];
      expect('fields' in header && header.fields).toContain('overall_percent');
    });
  });

  it('shows projects posted through ingest once the live projection has them', async () => {
    const client = await system.client('spse-pangkep', ['73.10']);
    const post = (ref: string) => signedPost(system.baseUrl, '/v1/procurement/events', client, projectRegistered(ref, {}, { regionCode: '73.10.01', contractNumber: `SPK/${ref}` }));
    expect((await post('731001')).status).toBe(202);
    expect((await post('731002')).status).toBe(202);
    const pangkep = await system.token({ sub: 'pangkep', roles: ['official'], regions: ['73.10'] });
    const region = await waitFor(
      () => get('/v1/coverage/regions/73.10', pangkep),
      (r) => r.status === 200 && r.body.projects.total === 2,
    );
    expect(region.body.children.find((c: any) => c.regionCode === '73.10.01').projects.total).toBe(2);
    const list = await get('/v1/projects?regionCode=73.10', pangkep);
    expect(list.body.items).toHaveLength(2);
  });
});
