import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, ending any connections still open to it. */
  drop(): Promise<void>;
}

/** A new empty database `sinergi_test_<prefix>_<random>` on the test server (`SINERGI_TEST_PG_URL`, set by Jest's global setup). */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const serverUrl = testPostgresUrl();
  const slug = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').slice(0, 32);
  const name = `sinergi_test_${slug}_${randomBytes(4).toString('hex')}`;
  await onServer(serverUrl, (client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    name,
    drop: () =>
      onServer(serverUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
      ),
  };
}

/** URL of the maintenance database of the server the tests use. */
export function testPostgresUrl(): string {
  const url = process.env.SINERGI_TEST_PG_URL;
  if (!url) throw new Error('SINERGI_TEST_PG_URL is not set: run the tests through Jest, whose global setup sets it.');
  return url;
}

async function onServer(url: string, run: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}
