import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintLocalToken } from '@sinergi/auth';
import { ensureAppLogin, runMigrations } from '@sinergi/database';
import {
  deleteKeysWithPrefix,
  postgresReplicaBinaries,
  projectRegistered,
  signedPost,
  startPostgresReplica,
  testConfig,
  type TestPostgresReplica,
  testRedisUrl,
  uniqueQueuePrefix,
} from '@sinergi/testing';
import { signedHeaders } from '@sinergi/auth';
import { Client, Pool } from 'pg';
import { createApiApp } from '../src/api';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { ReadDatabase } from '../src/platform/read-routing';

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
  let api: NestFastifyApplication;
  let baseUrl: string;
  let prefix: string;
  let replicaAppUrl: string;
  let superReplica: Client;
  let official: string;
  let auditor: string;
  const client = { id: 'spse-replica', secret: '' };

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

    prefix = uniqueQueuePrefix('read-replica');
    const config = testConfig({ DATABASE_URL: appUrl, DATABASE_READ_URL: replicaAppUrl, QUEUE_PREFIX: prefix, METRICS_PORT: '0', RATE_LIMIT_PER_MINUTE: '100000' });
    api = await createApiApp(config);
    await api.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await api.getUrl();
    client.secret = (await api.get(ProcurementClientRepository).create({ id: client.id, name: client.id, regionScopes: ['73.07'] })).secret;
    official = await mintLocalToken(config.jwt.secret!, { sub: 'kadis-pupr', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    auditor = await mintLocalToken(config.jwt.secret!, { sub: 'inspektorat', roles: ['auditor'], regions: ['73.07'] });
  }, 120_000);

  afterAll(async () => {
    await superReplica?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await superReplica?.end();
    await api?.close();
    await servers?.stop();
    if (prefix) await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  const asOfficial = (path: string, token = official) => fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const auditTrail = async (ref: string) => ((await (await asOfficial(`/v1/audit/events?projectRef=${ref}`, auditor)).json()) as { items: { type: string }[] }).items.map((e) => e.type);
  const asClient = (path: string) => fetch(`${baseUrl}${path}`, { headers: signedHeaders(client.id, client.secret, '') });
  const register = async (ref: string) => {
    const res = await signedPost(baseUrl, '/v1/procurement/events', client, projectRegistered(ref, {}, { contractNumber: `SPK/${ref}` }));
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
    const outside = await (await api.get(ReadDatabase).pool()).query('SELECT pg_is_in_recovery() AS standby');
    expect(outside.rows[0].standby).toBe(false);
  });

  it('serves others from the standby while the writer reads its own write from the primary', async () => {
    await superReplica.query('SELECT pg_wal_replay_pause()');
    const id = await register('RR-1');

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
