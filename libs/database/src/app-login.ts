import { Client } from 'pg';
import { APP_ROLE } from './migrations/1764000000011-audit';

/** The login the API and the worker connect as: a member of sinergi_app, and nothing more. */
export interface AppLogin {
  user: string;
  password: string;
}

/** Role names this creates: no quoting needed, within PostgreSQL's 63 bytes. */
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Makes sure `login` can log in with its password as a member of sinergi_app, and returns `ownerUrl` with its user
 * and password: the URL the API and the worker take, while migrations keep the owner's. Run as the owner after the
 * migrations (they create sinergi_app); creating the role needs CREATEROLE. A login that already works is left as it
 * is (two systems on one server never fight over its password); one that could rewrite the log is refused.
 */
export async function ensureAppLogin(ownerUrl: string, login: AppLogin): Promise<string> {
  if (!ROLE_NAME.test(login.user)) throw new Error(`the application's login must be a lower-case role name (a-z, 0-9, _), not "${login.user}"`);
  if (!login.password) throw new Error(`the application's login ${login.user} needs a password`);
  const url = new URL(ownerUrl);
  url.username = login.user;
  url.password = encodeURIComponent(login.password);
  const appUrl = url.href;
  const before = await checkLogin(appUrl);
  if (before === 'least_privilege') return appUrl;
  if (before === 'too_powerful') throw tooPowerful(login.user);

  const owner = new Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    const { rows } = await owner.query<{ me: string }>('SELECT current_user AS me');
    if (rows[0].me === login.user) throw new Error(`the application's login must not be the owner (${login.user}) that migrates`);
    const role = owner.escapeIdentifier(login.user);
    // Roles belong to the cluster: another database's system may create the same one at the same moment.
    await owner.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${owner.escapeLiteral(login.user)}) THEN
          CREATE ROLE ${role} LOGIN;
        END IF;
      EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
      END $$`);
    await owner.query(`ALTER ROLE ${role} WITH LOGIN PASSWORD ${owner.escapeLiteral(login.password)}`);
    await owner.query(`GRANT ${APP_ROLE} TO ${role}`);
  } finally {
    await owner.end();
  }
  const after = await checkLogin(appUrl);
  if (after === 'too_powerful') throw tooPowerful(login.user);
  if (after !== 'least_privilege') throw new Error(`the login ${login.user} cannot be used: ${after}`);
  return appUrl;
}

const tooPowerful = (user: string) =>
  new Error(`the login ${user} can rewrite the event log (a superuser, or a member of its owner): give the application another one`);

/** Whether `url` logs in as a member of sinergi_app that can neither change nor own the event log; else why not. */
async function checkLogin(url: string): Promise<'least_privilege' | 'too_powerful' | string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    return (error as Error).message;
  }
  try {
    const { rows } = await client.query<{ member: boolean; powerful: boolean }>(
      `SELECT pg_has_role(current_user, $1, 'MEMBER') AS member,
              (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
              OR has_table_privilege('events', 'UPDATE, DELETE, TRUNCATE')
              OR pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'events'::regclass), 'MEMBER') AS powerful`,
      [APP_ROLE],
    );
    if (rows[0].powerful) return 'too_powerful';
    return rows[0].member ? 'least_privilege' : `not a member of ${APP_ROLE}`;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}
