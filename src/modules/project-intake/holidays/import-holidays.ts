import { type Clock, type FieldError, invalid, readCsvRows } from '@sinergi/common';
import { inTransaction } from '@sinergi/database';
import { isIsoDate, parseRegionCode, type HolidayEntry, type HolidayKind } from '@sinergi/domain';
import { BatchCommandHandler, type EventStore, type StreamEvents } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { constructionProjectModel, recomputeRegistrationDeadline } from '../construction-project.decider';
import type { ConstructionProjectEvent } from '../construction-project.events';
import { buildCalendar, readImportedHolidays } from './holiday-calendars';

const KINDS: readonly HolidayKind[] = ['national', 'cuti_bersama', 'regional'];
const HEADER = ['date', 'name', 'kind', 'region_prefix', 'provisional'];
const REGISTRATION_WORKING_DAYS = 14;
const handleProjects = BatchCommandHandler(constructionProjectModel);

export interface HolidayImportReport {
  year: number;
  holidays: number;
  projectsChecked: number;
  deadlinesMoved: number;
  stillProvisional: number;
}

/**
 * Reads one year's holidays from CSV: `date,name,kind[,region_prefix][,provisional]` with a header line; kind is
 * national, cuti_bersama or regional (regional needs region_prefix); provisional is true/false. Every row must be
 * of the same year. Refuses the whole file, naming each bad line, rather than importing part of a year.
 */
export function parseHolidaysCsv(text: string): { year: number; entries: HolidayEntry[] } {
  const rows = readCsvRows(text);
  const errors: FieldError[] = [];
  const [head, ...body] = rows;
  if (!head || 'error' in head || head.fields.slice(0, 3).join(',') !== HEADER.slice(0, 3).join(',')) {
    throw invalid('invalid_file', `the first line must be the header ${HEADER.join(',')}`, [{ path: 'line 1', code: 'header', message: `expected ${HEADER.join(',')}` }]);
  }
  const entries: HolidayEntry[] = [];
  for (const row of body) {
    const at = `line ${row.line}`;
    if ('error' in row) {
      errors.push({ path: at, code: 'invalid_csv', message: row.error });
      continue;
    }
    const [date, name, kind, regionPrefix = '', provisional = ''] = row.fields.map((f) => f.trim());
    if (!isIsoDate(date)) errors.push({ path: at, code: 'invalid_date', message: `${at}: date must be YYYY-MM-DD` });
    if (!name || name.includes('\u0000') || name.length > 200) errors.push({ path: at, code: 'invalid_name', message: `${at}: name must be 1 to 200 characters` });
    if (!KINDS.includes(kind as HolidayKind)) errors.push({ path: at, code: 'invalid_kind', message: `${at}: kind must be one of ${KINDS.join(', ')}` });
    if (kind === 'regional' && parseRegionCode(regionPrefix) === null) errors.push({ path: at, code: 'invalid_region', message: `${at}: a regional holiday needs region_prefix (e.g. 73.07)` });
    if (kind !== 'regional' && regionPrefix) errors.push({ path: at, code: 'unexpected_region', message: `${at}: only a regional holiday has region_prefix` });
    if (!['', 'true', 'false'].includes(provisional)) errors.push({ path: at, code: 'invalid_provisional', message: `${at}: provisional must be true or false` });
    entries.push({
      date,
      name,
      kind: kind as HolidayKind,
      ...(regionPrefix ? { regionPrefix } : {}),
      ...(provisional === 'true' ? { provisional: true } : {}),
    });
  }
  if (entries.length === 0 && errors.length === 0) errors.push({ path: 'file', code: 'empty', message: 'the file lists no holidays' });
  const years = new Set(entries.filter((e) => isIsoDate(e.date)).map((e) => e.date.slice(0, 4)));
  if (years.size > 1) errors.push({ path: 'file', code: 'several_years', message: `a file holds one year; it has ${[...years].sort().join(', ')}` });
  if (errors.length) throw invalid('invalid_file', 'the holiday file is not valid', errors);
  return { year: Number([...years][0]), entries };
}

/**
 * Imports a year (replacing it if imported before) and counts again the deadlines it can move: the active projects
 * whose SPK lies between 1 November of the year before and the end of the year. A changed deadline is recorded as
 * `RegistrationDeadlineRecomputed` on the project's stream — the registration itself is never rewritten.
 */
export async function importHolidays(
  pool: Pool,
  store: EventStore,
  clock: Clock,
  file: { year: number; entries: HolidayEntry[] },
  source: string,
): Promise<HolidayImportReport> {
  const { year, entries } = file;
  await inTransaction(pool, async (tx) => {
    await tx.query(
      `INSERT INTO holiday_years (year, source, imported_at) VALUES ($1, $2, $3)
       ON CONFLICT (year) DO UPDATE SET source = EXCLUDED.source, imported_at = EXCLUDED.imported_at`,
      [year, source, clock.now()],
    );
    await tx.query('DELETE FROM holidays WHERE year = $1', [year]);
    await tx.query(
      `INSERT INTO holidays (year, date, name, kind, region_prefix, provisional)
       SELECT $1, h.date::date, h.name, h.kind, h.region_prefix, h.provisional
         FROM jsonb_to_recordset($2::jsonb) AS h(date text, name text, kind text, region_prefix text, provisional boolean)`,
      [year, JSON.stringify(entries.map((e) => ({ date: e.date, name: e.name, kind: e.kind, region_prefix: e.regionPrefix ?? null, provisional: e.provisional ?? false })))],
    );
  });
  const imported = await readImportedHolidays(pool);
  const { rows } = await pool.query<{ stream_id: string }>(
    `SELECT stream_id FROM events
      WHERE type = 'ProjectRegistered' AND data->>'contractDate' BETWEEN $1 AND $2
        AND NOT EXISTS (SELECT 1 FROM events c WHERE c.stream_id = events.stream_id AND c.type IN ('ProjectCancelled', 'ProjectCompleted'))`,
    [`${year - 1}-11-01`, `${year}-12-31`],
  );
  let moved = 0;
  let stillProvisional = 0;
  for (let i = 0; i < rows.length; i += 500) {
    const streamIds = rows.slice(i, i + 500).map((r) => r.stream_id);
    const result = await recomputeDeadlines({ store, pool }, clock, streamIds, imported, year);
    moved += result.moved;
    stillProvisional += result.stillProvisional;
  }
  return { year, holidays: entries.length, projectsChecked: rows.length, deadlinesMoved: moved, stillProvisional };
}

async function recomputeDeadlines(
  deps: { store: EventStore; pool: Pool },
  clock: Clock,
  streamIds: string[],
  imported: { entries: HolidayEntry[]; years: number[] },
  year: number,
): Promise<{ moved: number; stillProvisional: number }> {
  return handleProjects(deps, streamIds, (streams) => {
    const appends: StreamEvents<ConstructionProjectEvent>[] = [];
    let stillProvisional = 0;
    const now = clock.now().toISOString();
    for (const [streamId, { state }] of streams) {
      const r = state.registration;
      if (!r) continue;
      const calendar = buildCalendar(imported, r.regionCode);
      const decided = recomputeRegistrationDeadline(state, { calendar, registrationWorkingDays: REGISTRATION_WORKING_DAYS, holidayYear: year, now });
      const after = decided.length ? decided[0] : null;
      if (after?.type === 'RegistrationDeadlineRecomputed' ? after.data.provisional : (r.registrationDeadlineProvisional ?? false)) stillProvisional += 1;
      if (!decided.length) continue;
      appends.push({
        streamId,
        events: decided,
        metadata: { actor: { kind: 'system', id: 'holidays:import' }, correlationId: `holidays-${year}`, causationId: null, regionCode: r.regionCode, projectId: r.projectId },
      });
    }
    return { appends, result: { moved: appends.length, stillProvisional } };
  });
}
