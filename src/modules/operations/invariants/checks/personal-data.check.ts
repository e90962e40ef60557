import { inTransaction } from '@sinergi/database/in-transaction';
import type { PoolClient } from 'pg';
import { type InvariantCheck, resultOf } from '../invariant';
import { scanJobPayloads } from '../job-payloads';
import { PersonalDataScanner } from '../personal-data-scanner';

/**
 * Tables not scanned, and why: the one place personal data belongs; the officials' directory, which holds officials'
 * own names and contact details by design; the clients' configuration; reference data (place and holiday names,
 * whose words a person's name may share); hashes and positions.
 */
const EXEMPT_TABLES = new Set([
  'personal_data',
  'officials',
  'procurement_clients',
  'regions',
  'holidays',
  'holiday_years',
  'audit_checkpoints',
  'audit_checkpoint_heads',
  'consumer_checkpoints',
  'migrations',
  'typeorm_metadata',
]);
/** Columns not scanned: who looked, in the who-looked log (the signed-in official's display name). */
const EXEMPT_COLUMNS: Record<string, string[]> = { audit_access_log: ['actor_name'] };
const FETCH = 2000;

/**
 * No personal data outside `personal_data`: every other table (the event log's data and metadata, held events,
 * notifications, inbox items, dead letters, parked events, read models…) is read row by row, in one snapshot, and
 * each value searched for the names, NIKs and e-mail addresses stored in `personal_data` and for NIK-shaped numbers
 * (`PersonalDataScanner`); given BullMQ's Redis, every job's payload too (`scanJobPayloads`). Examples name the table,
 * the row's key (or the job's) and the JSON path, never the value.
 */
export const personalDataCheck: InvariantCheck = {
  name: 'no-personal-data-outside-personal_data',
  description: 'no personal data (names, NIKs, e-mail addresses of personal_data, NIK-shaped numbers) outside personal_data',
  async run(context) {
    return inTransaction(
      context.pool,
      async (client) => {
        const { rows: stored } = await client.query<{ name: string | null; nik: string | null; email: string | null }>(
          `SELECT data->>'name' AS name, data->>'nik' AS nik, data->>'email' AS email FROM personal_data WHERE erased_at IS NULL AND data IS NOT NULL`,
        );
        const present = (k: 'name' | 'nik' | 'email') => stored.map((r) => r[k]).filter((v): v is string => !!v);
        const scanner = new PersonalDataScanner({ names: present('name'), niks: present('nik'), emails: present('email') });
        let violations = 0;
        let scanned = 0;
        const examples: string[] = [];
        const byTable = new Map<string, number>();
        for (const table of await tablesToScan(client)) {
          const key = table.key.length ? table.key : ['ctid'];
          const row = `to_jsonb(t__)${(EXEMPT_COLUMNS[table.name] ?? []).map((c) => ` - '${c}'`).join('')}`;
          await client.query(
            `DECLARE scan__ NO SCROLL CURSOR FOR SELECT concat_ws('/', ${key.map((k) => `t__.${quote(k)}::text`).join(', ')}) AS key__, ${row} AS row__ FROM ${quote(table.name)} t__`,
          );
          for (;;) {
            const { rows } = await client.query<{ key__: string; row__: unknown }>(`FETCH ${FETCH} FROM scan__`);
            for (const r of rows) {
              scanned += 1;
              const hits = scanner.scan(r.row__);
              if (hits.length === 0) continue;
              violations += 1;
              byTable.set(table.name, (byTable.get(table.name) ?? 0) + 1);
              if (examples.length < context.examples) examples.push(`${table.name} ${r.key__}: ${hits.map((h) => `${h.kind} at ${h.path}`).join(', ')}`);
            }
            if (rows.length < FETCH) break;
          }
          await client.query('CLOSE scan__');
        }
        const where = [...byTable].map(([t, n]) => `${t}: ${n}`).join(', ');
        const details = [`${scanned} row(s) scanned for ${stored.length} stored person record(s)${where ? `; rows with personal data by table: ${where}` : ''}`];
        if (context.jobs) {
          const jobs = await scanJobPayloads(context.jobs, scanner, context.examples);
          violations += jobs.violations;
          examples.push(...jobs.examples);
          details.push(
            jobs.error
              ? `job payloads not scanned: Redis did not answer (${jobs.error})`
              : `${jobs.scanned} job(s) scanned${jobs.violations ? `, ${jobs.violations} with personal data` : ''}`,
          );
        }
        return resultOf(violations, examples, context, details.join('; '));
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  },
};

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** Every table of the schema but the exempt ones and rebuild shadows, with its primary key's columns. */
async function tablesToScan(client: PoolClient): Promise<{ name: string; key: string[] }[]> {
  const { rows } = await client.query<{ name: string; key: string[] | null }>(
    `SELECT c.relname AS name,
            (SELECT array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum))
               FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
              WHERE i.indrelid = c.oid AND i.indisprimary) AS key
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND c.relname NOT LIKE '%\\_\\_rebuild'
      ORDER BY c.relname`,
  );
  return rows.filter((r) => !EXEMPT_TABLES.has(r.name)).map((r) => ({ name: r.name, key: r.key ?? [] }));
}
