import { randomBytes } from 'node:crypto';
import { signedHeaders } from '@sinergi/auth';
import { ensureAppLogin, runMigrations } from '@sinergi/database';
import { postgresReplicaBinaries, projectRegistered, signedPost, startPostgresReplica, type TestPostgresReplica } from '@sinergi/testing';
import { Client, Pool } from 'pg';
import { ReadDatabase } from '../src/platform/read-routing';
import { Browserless, PUPR, seedConsoleFixture } from './support/console-fixture';
import { type RunningSystem, startSystem } from './support/running-system';

const KADIS_SUB = '7307e5c0-0000-4000-8000-000000000002';
/** The hidden CSRF token of the first form on a page. */
const csrfOf = (page: string) => /name="_csrf" value="([^"]+)"/.exec(page)?.[1];

const binaries = postgresReplicaBinaries();
if (typeof binaries === 'string') process.stderr.write(`[read-replica.int.spec] skipped: ${binaries}\n`);
const describeWithReplica = typeof binaries === 'string' ? describe.skip : describe;

/**
 * DATABASE_READ_URL against a real streaming replica (a private primary, `pg_basebackup -R`, a hot standby): reads are
 * served by the standby, which refuses writes, and with its replay paused the caller who just wrote still sees its
 * write (read from the primary) while everyone else sees the standby's older state.
 */
describeWithReplica('reads off the primary (DATABASE_READ_URL)', () => {
  let servers: TestPostgresReplica;
  let system: RunningSystem;
  let baseUrl: string;
  let replicaAppUrl: string;
  let superReplica: Client;
  let official: string;
  let auditor: string;
  let client: { id: string; secret: string };

  beforeAll(async () => {
    servers = await startPostgresReplica();
    const admin = new Client({ connectionString: servers.primaryUrl('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE sinergi');
    await admin.end();
    await runMigrations(servers.primaryUrl('sinergi'));
    const appUrl = await ensureAppLogin(servers.primaryUrl('sinergi'), { user: 'sinergi_api', password: randomBytes(12).toString('hex') });
    const replicaUrl = new URL(appUrl);
    replicaUrl.port = new URL(servers.replicaUrl('sinergi')).port;
    replicaAppUrl = replicaUrl.href;
    await servers.caughtUp();
    superReplica = new Client({ connectionString: servers.replicaUrl('sinergi') });
    await superReplica.connect();

    // API, worker and BPJS simulator on the private primary, the API reading from its standby.
    system = await startSystem('read_replica', { DATABASE_URL: appUrl, DATABASE_READ_URL: replicaAppUrl });
    baseUrl = system.baseUrl;
    client = await system.client('spse-replica', ['73.07']);
    official = await system.token({ sub: 'kadis-pupr', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: PUPR });
    auditor = await system.token({ sub: 'inspektorat', roles: ['auditor'], regions: ['73.07'] });
  }, 120_000);

  afterAll(async () => {
    await superReplica?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await superReplica?.end();
    await system?.stop();
    await servers?.stop();
  });

  const asOfficial = (path: string, token = official) => fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const auditTrail = async (ref: string) => ((await (await asOfficial(`/v1/audit/events?projectRef=${ref}`, auditor)).json()) as { items: { type: string }[] }).items.map((e) => e.type);
  const asClient = (path: string) => fetch(`${baseUrl}${path}`, { headers: signedHeaders(client.id, client.secret, '') });
  const register = async (ref: string, data: Record<string, unknown> = {}) => {
    const res = await signedPost(baseUrl, '/v1/procurement/events', client, projectRegistered(ref, {}, { contractNumber: `SPK/${ref}`, ...data }));
    expect(res.status).toBe(202);
    return res.body.projectId as string;
  };

  it('points the read pool at a standby that refuses writes', async () => {
    const reads = new Pool({ connectionString: replicaAppUrl, max: 1 });
    try {
      expect((await reads.query('SELECT pg_is_in_recovery() AS standby')).rows[0].standby).toBe(true);
      await expect(reads.query(`INSERT INTO held_events DEFAULT VALUES`)).rejects.toMatchObject({ code: '25006' });
    } finally {
      await reads.end();
    }
    // Outside a request (a worker, the CLI) every read stays on the primary.
    const outside = await (await system.api.get(ReadDatabase).pool()).query('SELECT pg_is_in_recovery() AS standby');
    expect(outside.rows[0].standby).toBe(false);
  });

  it('shows the official the page after a console form post with the post in it, from the primary', async () => {
    // First: the fixture counts the region's projects.
    const admin = await system.token({ sub: 'admin', roles: ['admin'], regions: ['73.07'] });
    const fixture = await seedConsoleFixture(system, admin, official);
    const target = fixture.cases[0];
    const browser = new Browserless(baseUrl);
    const accounts = await browser.follow(`/console/masuk/oidc?kembali=${encodeURIComponent('/console/cases')}`);
    await browser.follow(new URL(accounts.url).pathname, 'POST', { _csrf: csrfOf(await accounts.res.text())!, akun: KADIS_SUB });
    expect(browser.cookies.has('sinergi_console')).toBe(true);
    const casePage = await (await browser.request('GET', `/console/cases/${target.caseId}`)).text();
    await servers.caughtUp();

    await superReplica.query('SELECT pg_wal_replay_pause()');
    const note = 'PPK sudah menghubungi penyedia (replika dijeda)';
    const posted = await browser.request('POST', `/console/cases/${target.caseId}/acknowledge`, { _csrf: csrfOf(casePage)!, note });
    expect(posted.status).toBe(303);
    // The page the form leads to shows the acknowledgement: this session's reads go to the primary.
    const after = await (await browser.request('GET', posted.headers.get('location')!)).text();
    expect(after).toContain(`“${note}”`);
    // Another caller reads the same case from the paused standby, without it.
    const notes = async () => ((await (await asOfficial(`/v1/cases/${target.caseId}`)).json()) as { acknowledgements: { note: string }[] }).acknowledgements.map((a) => a.note);
    expect(await notes()).not.toContain(note);

    await superReplica.query('SELECT pg_wal_replay_resume()');
    await servers.caughtUp();
    expect(await notes()).toContain(note);
  });

  it('serves others from the standby while the writer reads its own write from the primary', async () => {
    await superReplica.query('SELECT pg_wal_replay_pause()');
    const id = await register('RR-1', { contractDate: '2099-01-05', startDate: '2099-01-12', endDate: '2099-12-31', maintenanceEndDate: '2099-12-31' });

    // The standby has not replayed the registration: an official (another caller) reads from it and finds nothing.
    expect((await asOfficial(`/v1/projects/${id}`)).status).toBe(404);
    expect(await auditTrail('RR-1')).toEqual([]);
    // The client that posted it reads it at once, from the primary, however far behind the standby is.
    const own = await asClient(`/v1/projects/${id}`);
    expect(own.status).toBe(200);
    expect(((await own.json()) as { id: string }).id).toBe(id);

    await superReplica.query('SELECT pg_wal_replay_resume()');
    await servers.caughtUp();
    // Replayed: everyone sees it now, the client from the standby again.
    expect((await asOfficial(`/v1/projects/${id}`)).status).toBe(200);
    expect(await auditTrail('RR-1')).toEqual(['ProjectRegistered']);
    expect((await asClient(`/v1/projects/${id}`)).status).toBe(200);
  });
});
