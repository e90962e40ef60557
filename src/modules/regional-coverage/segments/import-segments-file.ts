import { randomUUID } from 'node:crypto';
import type { Clock } from '@sinergi/common';
import { parseRegionCode, todayWita, yearMonthOf } from '@sinergi/domain';
import type { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { checkSegmentFigures, type ReportSegmentEnrolment } from './segment-enrolment.decider';
import type { SegmentSource } from './segment-enrolment.events';
import { writeSegmentReports } from './segment-enrolment.writer';
import { readCsvRows } from '@sinergi/common';

export interface SegmentsFileImport {
  /** Lines recorded as new reports. */
  recorded: number;
  /** Valid lines repeating figures already on record. */
  unchanged: number;
  /** Lines not imported, with the file's line number and every reason. */
  rejected: { line: number; reason: string }[];
}

export const SEGMENT_FILE_COLUMNS = ['region_code', 'segment', 'period', 'enrolled', 'eligible'] as const;
type Column = (typeof SEGMENT_FILE_COLUMNS)[number];

/** The file's column for each field `checkSegmentFigures` may name. */
const COLUMN_OF: Record<string, Column> = { segment: 'segment', period: 'period', enrolled: 'enrolled', eligible: 'eligible' };

const count = (text: string): number | string => (/^\d{1,10}$/.test(text) ? Number(text) : text);

/**
 * Imports a CSV of segment enrolment (header `region_code,segment,period,enrolled,eligible`, in any order; Excel's
 * semicolons are read too). Valid lines are recorded together in one transaction (all or none); every bad line is
 * reported with its line number: an unknown region, a segment not in the list, a period not `YYYY-MM` or in the
 * future, counts that are not whole numbers, enrolled above eligible, or a region, segment and period given twice.
 */
export async function importSegmentsFile(
  deps: { store: EventStore; pool: Pool; clock: Clock },
  csvText: string,
  options: { sourceFile: string; source?: SegmentSource; reportedBy?: string },
): Promise<SegmentsFileImport> {
  const [header, ...records] = readCsvRows(csvText);
  if (header === undefined) return { recorded: 0, unchanged: 0, rejected: [{ line: 1, reason: 'the file is empty: expected a header line' }] };
  if ('error' in header) return { recorded: 0, unchanged: 0, rejected: [{ line: header.line, reason: `header: ${header.error}` }] };
  const names = header.fields.map((n) => n.trim().toLowerCase());
  const missing = SEGMENT_FILE_COLUMNS.filter((c) => !names.includes(c));
  const repeated = [...new Set(names.filter((n, i) => n !== '' && names.indexOf(n) !== i))];
  if (missing.length || repeated.length) {
    const problems = [...(missing.length ? [`missing column(s) ${missing.join(', ')}`] : []), ...(repeated.length ? [`repeated column(s) ${repeated.join(', ')}`] : [])];
    return { recorded: 0, unchanged: 0, rejected: [{ line: header.line, reason: `header: ${problems.join('; ')}` }] };
  }

  const now = deps.clock.now();
  const currentMonth = yearMonthOf(todayWita(now));
  const source = options.source ?? 'BPJS_FILE';
  const rejected: SegmentsFileImport['rejected'] = [];
  const valid = new Map<string, { line: number; command: ReportSegmentEnrolment }>();
  for (const record of records) {
    if ('error' in record) {
      rejected.push({ line: record.line, reason: record.error });
      continue;
    }
    if (record.fields.length !== names.length) {
      rejected.push({ line: record.line, reason: `has ${record.fields.length} fields, the header has ${names.length}` });
      continue;
    }
    const value = (column: Column) => record.fields[names.indexOf(column)].trim();
    const problems: string[] = [];
    const regionCode = value('region_code');
    if (parseRegionCode(regionCode) === null) problems.push('region_code: not a region code such as 73.07.05');
    const checked = checkSegmentFigures(
      { segment: value('segment').toUpperCase(), period: value('period'), enrolled: count(value('enrolled')), eligible: count(value('eligible')), source },
      currentMonth,
    );
    if (!checked.ok) problems.push(...checked.errors.map((e) => `${COLUMN_OF[e.path] ?? e.path}: ${e.message}`));
    if (problems.length || !checked.ok) {
      rejected.push({ line: record.line, reason: problems.join('; ') });
      continue;
    }
    const key = `${regionCode}|${checked.figures.segment}|${checked.figures.period}`;
    const first = valid.get(key);
    if (first) {
      rejected.push({ line: record.line, reason: `same region_code, segment and period as line ${first.line}` });
      continue;
    }
    valid.set(key, {
      line: record.line,
      command: {
        type: 'ReportSegmentEnrolment',
        regionCode,
        ...checked.figures,
        reportedBy: options.reportedBy ?? 'cli',
        sourceFile: options.sourceFile,
        now: now.toISOString(),
      },
    });
  }

  const codes = [...new Set([...valid.values()].map((v) => v.command.regionCode))];
  const known = new Set(
    codes.length ? (await deps.pool.query<{ code: string }>('SELECT code FROM regions WHERE code = ANY($1::text[])', [codes])).rows.map((r) => r.code) : [],
  );
  const commands: ReportSegmentEnrolment[] = [];
  for (const { line, command } of valid.values()) {
    if (known.has(command.regionCode)) commands.push(command);
    else rejected.push({ line, reason: `region_code: ${command.regionCode} is not a known region` });
  }
  rejected.sort((a, b) => a.line - b.line);
  const written = await writeSegmentReports(deps.store, deps.pool, commands, { kind: 'system', id: options.reportedBy ?? 'cli' }, randomUUID());
  return { recorded: written.recorded.length, unchanged: written.unchanged, rejected };
}
