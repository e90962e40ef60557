import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  projectRegistered,
  signedPost,
  TEST_SECRETS_KEY,
  testConfig,
  testRedisUrl,
  uniqueQueuePrefix,
  waitFor,
  workersReported,
} from '@sinergi/testing';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { createApiApp } from '../src/api';
import { type ApiProcess, startApiProcess } from './support/api-process';

/**
 * The API as a real process, its every log line captured: rosters with NIKs and names posted through each way a
 * request can fail — refused by validation, refused by the project's state, and failed inside PostgreSQL with an
 * error that quotes the row — and not one line carries a NIK or a name.
 */
describe('no personal data in the logs (the API as a process)', () => {
  let db: MigratedTestDatabase;
  let prefix: string;
  let api: ApiProcess;
  let baseUrl: string;
  let output: string[] = [];
  const client = { id: 'spse-logs', secret: '' };
  const workers = [
    { nik: '7307051203850002', name: 'Baharuddin Rusdi' },
    { nik: '7307056512900003', name: 'Andi Nurhayati Pratiwi' },
  ];

  beforeAll(async () => {
    db = await createMigratedDatabase('pii_logs');
    prefix = uniqueQueuePrefix('pii-logs');
    const setup = await createApiApp(testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix }));
    client.secret = (await setup.get(ProcurementClientRepository).create({ id: client.id, name: 'SPSE logs', regionScopes: ['73.07'] })).secret;
    await setup.close();
    // A database that refuses one roster with an error quoting the row in its message, detail and hint, as
    // PostgreSQL's own errors quote values (a bad cast, a JSON parse error's context, a failing row).
    await db.pool.query(`
      CREATE FUNCTION refuse_marked_worker() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.data->>'name' LIKE '%Rusdi%' THEN
          RAISE EXCEPTION 'refused row %', NEW.data USING DETAIL = 'Failing row contains ' || NEW.data::text, HINT = NEW.data::text;
        END IF;
        RETURN NEW;
      END $$`);
    await db.pool.query('CREATE TRIGGER refuse_marked_worker BEFORE INSERT ON personal_data FOR EACH ROW EXECUTE FUNCTION refuse_marked_worker()');

    api = await startApiProcess({
      ...process.env,
      SINERGI_MODE: 'test',
      SECRETS_KEY: TEST_SECRETS_KEY,
      DATABASE_URL: db.url,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      LOG_LEVEL: 'debug',
      RATE_LIMIT_PER_MINUTE: '100000',
    });
    baseUrl = api.baseUrl;
    output = api.output;
  });

  afterAll(async () => {
    await api?.stop();
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  const post = (body: unknown, raw?: string) => signedPost(baseUrl, '/v1/procurement/events', client, body, raw === undefined ? {} : { raw });

  it('logs failures by kind and code, never a roster’s NIK or name, whichever way the request fails', async () => {
    expect((await post(projectRegistered('pii-1'))).status).toBe(202);
    const statuses: number[] = [];
    const send = async (body: unknown, raw?: string) => statuses.push((await post(body, raw)).status);

    await send(workersReported('pii-1', workers, 1)); // PostgreSQL refuses the row, quoting it: a 500
    await send(workersReported('pii-1', [workers[1], { ...workers[1] }], 2)); // a NIK twice
    await send(workersReported('pii-1', [{ ...workers[0], name: `${workers[0].name}\u0000` }], 3)); // NUL
    await send(null, JSON.stringify(workersReported('pii-1', [workers[1]], 4)).replace('Andi', '\\udc00Andi')); // lone surrogate
    await send({ ...workersReported('pii-1', [workers[1]], 5), data: { asOf: '2025-05-31', workers: [null, ...workers] } });
    const held = await post(workersReported('pii-unregistered', workers, 1)); // no such project yet: held, not refused
    expect(held.status).toBe(202);
    expect(held.body.held).toBe(true);
    await send({ ...workersReported('pii-1', [{ nik: '7307051203850002x', name: workers[0].name }], 6) }); // malformed NIK
    await send(null, `{"eventId":"x","type":"WorkersReported","data":{"workers":[{"nik":"${workers[0].nik}","name":"${workers[0].name}"`); // broken JSON
    const batch = await signedPost(baseUrl, '/v1/procurement/events/batch', client, {
      events: [workersReported('pii-1', workers, 7), { ...workersReported('pii-1', workers, 8), data: { workers } }],
    });
    statuses.push(batch.status);

    expect(statuses[0]).toBe(500);
    expect(statuses.slice(1, -1).every((s) => s >= 400 && s < 500)).toBe(true);
    // The 500 was logged (so the check below reads a log that speaks of it) …
    await waitFor(async () => output.join(''), (text) => text.includes('request failed'), 10_000);
    const log = output.join('');
    expect(log).toContain('P0001');
    // … and no line carries what the rosters held.
    for (const w of workers) {
      expect(log).not.toContain(w.nik);
      for (const part of w.name.split(' ')) expect(log).not.toContain(part);
    }
  });
});
