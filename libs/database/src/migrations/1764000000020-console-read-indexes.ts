import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the officials' console at 100,000 projects (docs/performance.md, Console; measured with
 * `npm run bench:console`):
 * - the inbox over every status, longest open first (or newest first, scanned backwards): the case list's keyset
 *   order without a status to lead the existing index;
 * - the inbox of one agency (`agency=`), with or without a status;
 * - an audit search by event type, region and dates (the auditors' usual question): without it the planner walks
 *   the whole commit order filtering, because the matches of a date range all lie in one part of the log.
 */
export class ConsoleReadIndexes1764000000020 implements MigrationInterface {
  name = 'ConsoleReadIndexes1764000000020';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX escalation_cases_opened_idx ON escalation_cases (opened_at, case_id)');
    await q.query('CREATE INDEX escalation_cases_agency_idx ON escalation_cases (agency_code, status, opened_at, case_id)');
    await q.query(`CREATE INDEX events_type_region_time_idx ON events (type, ((metadata->>'regionCode') COLLATE "C"), recorded_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX events_type_region_time_idx, escalation_cases_agency_idx, escalation_cases_opened_idx');
  }
}
