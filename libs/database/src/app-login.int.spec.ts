import { randomBytes } from 'node:crypto';
import { ensureAppLogin } from '@sinergi/database';
import { createMigratedDatabase, type MigratedTestDatabase, testPostgresUrl } from '@sinergi/testing';
import { Client } from 'pg';

async function onServer<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: testPostgresUrl() });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

async function asLogin<T>(url: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

describe('the application login (ensureAppLogin)', () => {
  let db: MigratedTestDatabase;
  // Roles belong to the cluster: unique names, dropped at the end.
  const user = `sinergi_login_test_${randomBytes(4).toString('hex')}`;
  const superuser = `${user}_su`;

  beforeAll(async () => {
    db = await createMigratedDatabase('app_login');
  });
  afterAll(async () => {
    await db?.drop();
    await onServer(`DROP ROLE IF EXISTS ${user}, ${superuser}`);
  });

  it('creates a login of sinergi_app that can append but neither rewrite the log nor switch its trigger off', async () => {
    const url = await ensureAppLogin(db.url, { user, password: 'pa$$ word/1' });
    expect(new URL(url)).toMatchObject({ username: user, pathname: `/${db.name}` });
    await asLogin(url, async (client) => {
      expect((await client.query('SELECT current_user AS me')).rows[0].me).toBe(user);
      await client.query(`INSERT INTO audit_access_log (access_id, at, actor_sub, roles, regions, action, outcome) VALUES (gen_random_uuid(), now(), 'a', '{}', '{}', 'search', 'ok')`);
      await expect(client.query(`UPDATE events SET data = '{}'`)).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('DELETE FROM events')).rejects.toMatchObject({ code: '42501' });
      await expect(client.query('ALTER TABLE events DISABLE TRIGGER events_append_only')).rejects.toMatchObject({ code: '42501', message: 'must be owner of table events' });
    });
    // Again: the login works already, so it is left as it is.
    await expect(ensureAppLogin(db.url, { user, password: 'pa$$ word/1' })).resolves.toBe(url);
  });

  it('refuses a login that could rewrite the log, and a name that needs quoting', async () => {
    await onServer(`CREATE ROLE ${superuser} LOGIN SUPERUSER PASSWORD 'x'`);
    await expect(ensureAppLogin(db.url, { user: superuser, password: 'x' })).rejects.toThrow(/can rewrite the event log/);
    const owner = decodeURIComponent(new URL(db.url).username);
    await expect(ensureAppLogin(db.url, { user: owner, password: 'x' })).rejects.toThrow(/can rewrite the event log|must not be the owner/);
    await expect(ensureAppLogin(db.url, { user: 'Sinergi-API', password: 'x' })).rejects.toThrow(/lower-case role name/);
  });

  it('gives a test database a login of its own (libs/testing), dropped with the database', async () => {
    const other = await createMigratedDatabase('app_login_own');
    const url = await other.appLogin();
    const login = new URL(url).username;
    expect(login).toBe(`${other.name}_app`);
    await expect(asLogin(url, async (c) => (await c.query('SELECT current_database() AS name')).rows[0].name)).resolves.toBe(other.name);
    await other.drop();
    expect(await onServer('SELECT 1 FROM pg_roles WHERE rolname = $1', [login])).toEqual([]);
  });
});
