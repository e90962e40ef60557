import { randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintLocalToken } from '@sinergi/auth';
import type { SinergiConfig } from '@sinergi/common';
import { type BpjsSimulator, startBpjsSimulator } from '@sinergi/bpjs-simulator';
import { APP_ROLE, AUDITOR_READ_ONLY_ROLE } from '@sinergi/database/migrations/1764000000011-audit';
import { EventStore, NO_STREAM } from '@sinergi/event-store';
import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  projectRegistered,
  signedPost,
  testConfig,
  testPostgresUrl,
  testRedisUrl,
  uniqueQueuePrefix,
  waitFor,
} from '@sinergi/testing';
import { Client, Pool } from 'pg';
import { ProcurementClientRepository } from '../procurement-clients/procurement-client.repository';
import { createApiApp } from '../../api';
import { startWorker } from '../../worker';
import { sampleEvent } from '../../../test/support/audit-api';

jest.setTimeout(120_000);

/** Runs `sql` on the server's maintenance database (roles belong to the cluster). */
async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const urlAs = (url: string, user: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = '';
  return u.href;
};

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the database to refuse');
    },
    (error: { code?: string; message: string }) => error,
  );

describe('least privilege: the application role cannot rewrite the log', () => {
  let db: MigratedTestDatabase;
  // Roles are cluster-wide: unique names, dropped at the end.
  const appLogin = `sinergi_app_test_${randomBytes(4).toString('hex')}`;
  const auditorLogin = `sinergi_auditor_test_${randomBytes(4).toString('hex')}`;
  let app: Pool;
  let auditor: Pool;

  beforeAll(async () => {
    db = await createMigratedDatabase('audit_least_privilege');
    await onServer(`CREATE ROLE ${appLogin} LOGIN IN ROLE ${APP_ROLE}`);
    await onServer(`CREATE ROLE ${auditorLogin} LOGIN IN ROLE ${AUDITOR_READ_ONLY_ROLE}`);
    app = new Pool({ connectionString: urlAs(db.url, appLogin), max: 4 });
    auditor = new Pool({ connectionString: urlAs(db.url, auditorLogin), max: 2 });
  });

  afterAll(async () => {
    await app?.end();
    await auditor?.end();
    await db?.drop();
    await onServer(`DROP ROLE IF EXISTS ${appLogin}`);
    await onServer(`DROP ROLE IF EXISTS ${auditorLogin}`);
  });

  it('appends events as sinergi_app, and is refused UPDATE, DELETE and TRUNCATE on them by grant, not only by trigger', async () => {
    const store = new EventStore(app);
    const streamId = `project-${randomUUID()}`;
    await store.appendToStream(streamId, NO_STREAM, [sampleEvent('73.07.06', 1)]);
    expect((await store.readStream(streamId)).events).toHaveLength(1);
    for (const sql of [`UPDATE events SET data = '{}' WHERE stream_id = $1`, `DELETE FROM events WHERE stream_id = $1`]) {
      const error = await refusal(app.query(sql, [streamId]));
      expect(error).toMatchObject({ code: '42501', message: 'permission denied for table events' });
    }
    expect(await refusal(app.query('TRUNCATE events'))).toMatchObject({ code: '42501', message: 'permission denied for table events' });
    expect((await store.verifyStream(streamId)).ok).toBe(true);
  });

  it('keeps the audit access log append-only for sinergi_app, while the rest stays writable', async () => {
    await app.query(
      `INSERT INTO audit_access_log (access_id, at, actor_sub, roles, regions, action, outcome) VALUES ($1, now(), 'a', '{auditor}', '{73}', 'search', 'ok')`,
      [randomUUID()],
    );
    expect(await refusal(app.query(`UPDATE audit_access_log SET actor_sub = 'someone else'`))).toMatchObject({ code: '42501' });
    expect(await refusal(app.query(`DELETE FROM audit_access_log`))).toMatchObject({ code: '42501' });
    // Erasing a person is an UPDATE of personal_data, which the application needs.
    await app.query(`INSERT INTO personal_data (ref, kind, data) VALUES ('p_erase', 'worker', '{"nik":"1"}')`);
    await app.query(`UPDATE personal_data SET data = NULL, erased_at = now() WHERE ref = 'p_erase'`);
    // Schema changes are the owner's: the application runs no migrations.
    expect(await refusal(app.query(`INSERT INTO migrations (timestamp, name) VALUES (1, 'x')`))).toMatchObject({ code: '42501' });
    expect(await refusal(app.query('CREATE TABLE sneaky (id int)'))).toMatchObject({ code: '42501' });
  });

  it('lets sinergi_auditor_ro read the log but write nothing and see no personal data', async () => {
    expect((await auditor.query('SELECT count(*)::int AS n FROM events')).rows[0].n).toBeGreaterThan(0);
    expect(await refusal(auditor.query(`INSERT INTO audit_access_log (access_id, at, actor_sub, roles, regions, action, outcome) VALUES ($1, now(), 'a', '{}', '{}', 'search', 'ok')`, [randomUUID()]))).toMatchObject({ code: '42501' });
    expect(await refusal(auditor.query('SELECT * FROM personal_data'))).toMatchObject({ code: '42501' });
    expect(await refusal(auditor.query(`UPDATE events SET type = 'X'`))).toMatchObject({ code: '42501' });
  });

  describe('the API and the worker running as a sinergi_app login', () => {
    let api: NestFastifyApplication;
    let worker: INestApplicationContext;
    let sim: BpjsSimulator;
    let config: SinergiConfig;
    const prefix = uniqueQueuePrefix('audit_lp');

    beforeAll(async () => {
      sim = await startBpjsSimulator({ port: 0 });
      config = testConfig({
        DATABASE_URL: urlAs(db.url, appLogin),
        QUEUE_PREFIX: prefix,
        BPJS_API_URL: sim.url,
        WORKER_METRICS_PORT: '0',
        RATE_LIMIT_PER_MINUTE: '100000',
      });
      api = await createApiApp(config);
      await api.listen({ port: 0, host: '127.0.0.1' });
      worker = await startWorker(config);
    });

    afterAll(async () => {
      await worker?.close();
      await api?.close();
      await sim?.close();
      await deleteKeysWithPrefix(testRedisUrl(), prefix);
    });

    it('takes a procurement event through verification and escalation, and answers the audit history', async () => {
      const baseUrl = await api.getUrl();
      const client = { id: 'spse-least-privilege', secret: (await api.get(ProcurementClientRepository).create({ id: 'spse-least-privilege', name: 'lp', regionScopes: ['73.07'] })).secret };
      const posted = await signedPost(baseUrl, '/v1/procurement/events', client, projectRegistered('LP-0001'));
      expect(posted.status).toBe(202);
      const projectId = posted.body.projectId as string;
      // Not enrolled: verification finds it non-compliant and the escalation relay opens a case.
      await waitFor(
        () => db.pool.query(`SELECT 1 FROM escalation_cases WHERE project_id = $1`, [projectId]),
        (r) => r.rows.length === 1,
        30_000,
      );
      const auditorToken = await mintLocalToken(config.jwt.secret!, { sub: 'lp-auditor', roles: ['auditor'], regions: ['73'] });
      const res = await fetch(`${baseUrl}/v1/audit/projects/${projectId}/history`, { headers: { authorization: `Bearer ${auditorToken}` } });
      expect(res.status).toBe(200);
      const history = (await res.json()) as { events: { streamId: string; type: string }[] };
      expect(history.events.map((e) => e.type)).toEqual(expect.arrayContaining(['ProjectRegistered', 'EnrolmentMissing', 'CaseOpened']));
    });
  });
});
