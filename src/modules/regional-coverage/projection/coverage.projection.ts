import { eventsOf, type Projection, type RecordedEvent, type RecordedOf, type TableName } from '@sinergi/event-store';
import type { PoolClient } from 'pg';
import { type CoverageCellKey, type CoverageFigures, addFigures, isZeroFigures, subtractFigures, zeroFigures } from './coverage-figures';
import {
  type CoverageEvent,
  type CoverageProjectRow,
  coverageContribution,
  coverageProjectIdOf,
  evolveCoverageProject,
  type ProjectLifecycle,
} from './coverage-project';
import { regencyOf } from '@sinergi/domain';

export const COVERAGE_PROJECTS = 'coverage_projects';
export const COVERAGE_CELLS = 'coverage_cells';
export const COVERAGE_AGENCIES = 'coverage_agencies';

/** The columns of `coverage_projects`, in the order both the read and the upsert use. */
const PROJECT_COLUMNS = `project_id uuid, project_ref text, name text, contract_number text, region_code text, agency_code text,
  agency_name text, funding_source text, fiscal_year int, contract_date date, contract_month date, contractor_npwp text,
  contractor_name text, registration_deadline date, lifecycle text, cancelled boolean, status text, reasons text[],
  registered boolean, workers_estimated int, workers_reported int, workers_uncovered int, workers_covered int,
  contract_value numeric, premium_due numeric, premium_paid numeric, last_position bigint`;
const PROJECT_COLUMN_NAMES = PROJECT_COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0]);

const CELL_COLUMNS = `region_code text, agency_code text, funding_source text, contract_month date, projects_total int,
  projects_registered int, projects_compliant int, projects_non_compliant int, projects_pending int, projects_unverifiable int,
  workers_reported bigint, workers_covered bigint, contract_value_total numeric, contract_value_covered numeric,
  premium_due numeric, premium_paid numeric`;
const CELL_COLUMN_NAMES = CELL_COLUMNS.split(',').map((c) => c.trim().split(/\s+/)[0]);
const CELL_SUMS = CELL_COLUMN_NAMES.slice(4);

/** Reads a `coverage_projects` row as the projection's pure functions see it. */
export function rowFromDatabase(r: Record<string, any>): CoverageProjectRow {
  return {
    projectId: r.project_id,
    projectRef: r.project_ref,
    name: r.name,
    contractNumber: r.contract_number,
    regionCode: r.region_code,
    agencyCode: r.agency_code,
    agencyName: r.agency_name,
    fundingSource: r.funding_source,
    fiscalYear: r.fiscal_year,
    contractDate: r.contract_date,
    contractMonth: r.contract_month,
    contractorNpwp: r.contractor_npwp,
    contractorName: r.contractor_name,
    registrationDeadline: r.registration_deadline,
    lifecycle: r.lifecycle as ProjectLifecycle | null,
    cancelled: r.cancelled,
    status: r.status,
    reasons: r.reasons,
    registered: r.registered,
    workersEstimated: r.workers_estimated,
    workersReported: r.workers_reported,
    workersUncovered: r.workers_uncovered,
    workersCovered: r.workers_covered,
    contractValue: BigInt(r.contract_value),
    premiumDue: BigInt(r.premium_due),
    premiumPaid: BigInt(r.premium_paid),
    lastPosition: r.last_position,
  };
}

/** Dates as text: pg would otherwise turn them into local-time `Date`s. */
export const PROJECT_SELECT = PROJECT_COLUMN_NAMES.map((c) =>
  ['contract_date', 'contract_month', 'registration_deadline', 'contract_value', 'premium_due', 'premium_paid', 'last_position'].includes(c)
    ? `${c}::text AS ${c}`
    : c,
).join(', ');

const toRecord = (row: CoverageProjectRow) => ({
  project_id: row.projectId,
  project_ref: row.projectRef,
  name: row.name,
  contract_number: row.contractNumber,
  region_code: row.regionCode,
  agency_code: row.agencyCode,
  agency_name: row.agencyName,
  funding_source: row.fundingSource,
  fiscal_year: row.fiscalYear,
  contract_date: row.contractDate,
  contract_month: row.contractMonth,
  contractor_npwp: row.contractorNpwp,
  contractor_name: row.contractorName,
  registration_deadline: row.registrationDeadline,
  lifecycle: row.lifecycle,
  cancelled: row.cancelled,
  status: row.status,
  reasons: row.reasons,
  registered: row.registered,
  workers_estimated: row.workersEstimated,
  workers_reported: row.workersReported,
  workers_uncovered: row.workersUncovered,
  workers_covered: row.workersCovered,
  contract_value: row.contractValue.toString(),
  premium_due: row.premiumDue.toString(),
  premium_paid: row.premiumPaid.toString(),
  last_position: row.lastPosition,
});

const cellRecord = (key: CoverageCellKey, f: CoverageFigures) => ({
  region_code: key.regionCode,
  agency_code: key.agencyCode,
  funding_source: key.fundingSource,
  contract_month: key.contractMonth,
  projects_total: f.projects.total,
  projects_registered: f.projects.registered,
  projects_compliant: f.projects.compliant,
  projects_non_compliant: f.projects.nonCompliant,
  projects_pending: f.projects.pending,
  projects_unverifiable: f.projects.unverifiable,
  workers_reported: f.workers.reported,
  workers_covered: f.workers.covered,
  contract_value_total: f.contractValue.total.toString(),
  contract_value_covered: f.contractValue.covered.toString(),
  premium_due: f.premium.due.toString(),
  premium_paid: f.premium.paid.toString(),
});


/**
 * Folds a batch into the coverage tables with a fixed number of statements whatever its size: one read of the
 * affected project rows; the events folded per project in memory; one upsert of the changed rows; the cells moved
 * by deltas (each changed project's old contribution out, its new one in: one upsert, plus a delete of cells left
 * empty); one upsert of agency names (the latest registration's name wins, by log position).
 */
export async function applyCoverageBatch(events: readonly RecordedEvent[], tx: PoolClient, table: TableName): Promise<void> {
  const byProject = new Map<string, RecordedOf<CoverageEvent>[]>();
  // coverageProjectIdOf keeps exactly the coverage events of project and compliance streams.
  for (const event of eventsOf<CoverageEvent>(events.filter((e) => coverageProjectIdOf(e) !== null))) {
    const projectId = coverageProjectIdOf(event)!;
    const list = byProject.get(projectId);
    if (list) list.push(event);
    else byProject.set(projectId, [event]);
  }
  if (byProject.size === 0) return;

  const projects = table(COVERAGE_PROJECTS);
  const { rows } = await tx.query(`SELECT ${PROJECT_SELECT} FROM ${projects} WHERE project_id = ANY($1::uuid[])`, [[...byProject.keys()]]);
  const before = new Map<string, CoverageProjectRow>(rows.map((r) => [r.project_id, rowFromDatabase(r)]));

  const changed: CoverageProjectRow[] = [];
  const deltas = new Map<string, { key: CoverageCellKey; figures: CoverageFigures }>();
  const addDelta = (key: CoverageCellKey, figures: CoverageFigures, sign: 1 | -1) => {
    const id = JSON.stringify([key.regionCode, key.agencyCode, key.fundingSource, key.contractMonth]);
    const entry = deltas.get(id) ?? { key, figures: zeroFigures() };
    entry.figures = sign === 1 ? addFigures(entry.figures, figures) : subtractFigures(entry.figures, figures);
    deltas.set(id, entry);
  };
  const agencies = new Map<string, { regency_code: string; agency_code: string; agency_name: string; last_position: string }>();

  for (const [projectId, projectEvents] of byProject) {
    const old = before.get(projectId) ?? null;
    let row = old;
    for (const event of projectEvents) {
      row = evolveCoverageProject(row, projectId, event, event.globalPosition);
      if (event.type === 'ProjectRegistered' && row.regionCode !== null && row.agencyCode !== null && row.agencyName !== null) {
        // Agency codes are per regional government: names are kept per regency (or the coarser region a project names).
        const scope = regencyOf(row.regionCode);
        const id = JSON.stringify([scope, row.agencyCode]);
        const seen = agencies.get(id);
        if (seen && BigInt(seen.last_position) > BigInt(event.globalPosition)) continue;
        agencies.set(id, {
          regency_code: scope,
          agency_code: row.agencyCode,
          agency_name: row.agencyName,
          last_position: event.globalPosition,
        });
      }
    }
    changed.push(row!);
    const out = coverageContribution(old);
    const into = coverageContribution(row);
    if (out) addDelta(out, out.figures, -1);
    if (into) addDelta(into, into.figures, 1);
  }

  await tx.query(
    `INSERT INTO ${projects} (${PROJECT_COLUMN_NAMES.join(', ')})
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(${PROJECT_COLUMNS})
     ON CONFLICT (project_id) DO UPDATE SET ${PROJECT_COLUMN_NAMES.slice(1)
       .map((c) => `${c} = EXCLUDED.${c}`)
       .join(', ')}`,
    [JSON.stringify(changed.map(toRecord))],
  );

  const cellDeltas = [...deltas.values()].filter((d) => !isZeroFigures(d.figures));
  if (cellDeltas.length > 0) {
    const cells = table(COVERAGE_CELLS);
    const { rows: emptied } = await tx.query(
      `INSERT INTO ${cells} AS c (${CELL_COLUMN_NAMES.join(', ')})
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS d(${CELL_COLUMNS})
       ON CONFLICT (region_code, agency_code, funding_source, contract_month) DO UPDATE SET
         ${CELL_SUMS.map((c) => `${c} = c.${c} + EXCLUDED.${c}`).join(', ')}
       RETURNING region_code, agency_code, funding_source, contract_month::text AS contract_month, projects_total`,
      [JSON.stringify(cellDeltas.map((d) => cellRecord(d.key, d.figures)))],
    );
    // A cell no project contributes to is all zeros; it goes, so live and rebuilt tables hold the same cells.
    const gone = emptied.filter((c) => c.projects_total === 0);
    if (gone.length > 0) {
      await tx.query(
        `DELETE FROM ${cells} c USING jsonb_to_recordset($1::jsonb) AS g(region_code text, agency_code text, funding_source text, contract_month date)
          WHERE c.region_code = g.region_code AND c.agency_code = g.agency_code AND c.funding_source = g.funding_source
            AND c.contract_month = g.contract_month AND c.projects_total = 0`,
        [JSON.stringify(gone)],
      );
    }
  }

  if (agencies.size > 0) {
    await tx.query(
      `INSERT INTO ${table(COVERAGE_AGENCIES)} AS a (regency_code, agency_code, agency_name, last_position)
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS n(regency_code text, agency_code text, agency_name text, last_position bigint)
       ON CONFLICT (regency_code, agency_code) DO UPDATE SET agency_name = EXCLUDED.agency_name, last_position = EXCLUDED.last_position
       WHERE EXCLUDED.last_position > a.last_position`,
      [JSON.stringify([...agencies.values()])],
    );
  }
}

/** Coverage per region, agency, funding source and month, and the officials' project list (docs/api.md). */
export const coverageProjection: Projection = {
  name: 'coverage',
  tables: [
    { name: COVERAGE_PROJECTS, key: ['project_id'] },
    { name: COVERAGE_CELLS, key: ['region_code', 'agency_code', 'funding_source', 'contract_month'] },
    { name: COVERAGE_AGENCIES, key: ['regency_code', 'agency_code'] },
  ],
  apply: applyCoverageBatch,
};
