import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The coverage projection's tables (docs/api.md), written only by `src/modules/regional-coverage/projection/`:
 * - `coverage_projects`: one row per project, folded from its project and compliance streams; also the officials'
 *   project list (filters by region prefix, agency, status, contractor NPWP, fiscal year; keyset on
 *   (contract_date DESC, project_id DESC)). Rows with `project_ref IS NULL` hold compliance facts of a project whose
 *   registration has not been read yet and are not listed.
 * - `coverage_cells`: the sums of every non-cancelled project, by (region as registered, agency, funding source,
 *   month of the contract date in WITA), kept by deltas; a region query sums the cells under its code prefix.
 * - `coverage_agencies`: the name of each agency, per regency (agency codes are per regional government).
 * Region codes use the "C" collation so `LIKE '73.07.%'` runs on the btree index. Money is integer rupiah (bigint).
 * Every column is a function of the log alone, so a rebuild must produce identical rows (`projections:check`).
 */
export class CoverageProjections1764000000009 implements MigrationInterface {
  name = 'CoverageProjections1764000000009';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE coverage_projects (
        project_id            uuid PRIMARY KEY,
        project_ref           text,
        name                  text,
        contract_number       text,
        region_code           text COLLATE "C",
        agency_code           text,
        agency_name           text,
        funding_source        text,
        fiscal_year           integer,
        contract_date         date,
        contract_month        date,
        contractor_npwp       text,
        contractor_name       text,
        registration_deadline date,
        lifecycle             text CHECK (lifecycle IN ('REGISTERED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED')),
        cancelled             boolean NOT NULL DEFAULT false,
        status                text NOT NULL DEFAULT 'PENDING'
                                CHECK (status IN ('PENDING', 'COMPLIANT', 'NON_COMPLIANT', 'UNVERIFIABLE')),
        reasons               text[] NOT NULL DEFAULT '{}',
        registered            boolean NOT NULL DEFAULT false,
        workers_estimated     integer,
        workers_reported      integer NOT NULL DEFAULT 0,
        workers_uncovered     integer NOT NULL DEFAULT 0,
        workers_covered       integer NOT NULL DEFAULT 0,
        contract_value        bigint NOT NULL DEFAULT 0,
        premium_due           bigint NOT NULL DEFAULT 0,
        premium_paid          bigint NOT NULL DEFAULT 0,
        last_position         bigint NOT NULL
      )`);
    await q.query('CREATE INDEX coverage_projects_list_idx ON coverage_projects (contract_date DESC, project_id DESC)');
    await q.query('CREATE INDEX coverage_projects_region_idx ON coverage_projects (region_code)');
    await q.query('CREATE INDEX coverage_projects_agency_idx ON coverage_projects (agency_code, contract_date DESC, project_id DESC)');
    await q.query('CREATE INDEX coverage_projects_status_idx ON coverage_projects (status, contract_date DESC, project_id DESC)');
    await q.query('CREATE INDEX coverage_projects_npwp_idx ON coverage_projects (contractor_npwp)');
    await q.query('CREATE INDEX coverage_projects_year_idx ON coverage_projects (fiscal_year, contract_date DESC, project_id DESC)');

    await q.query(`
      CREATE TABLE coverage_cells (
        region_code            text COLLATE "C" NOT NULL,
        agency_code            text NOT NULL,
        funding_source         text NOT NULL,
        contract_month         date NOT NULL,
        projects_total         integer NOT NULL,
        projects_registered    integer NOT NULL,
        projects_compliant     integer NOT NULL,
        projects_non_compliant integer NOT NULL,
        projects_pending       integer NOT NULL,
        projects_unverifiable  integer NOT NULL,
        workers_reported       bigint NOT NULL,
        workers_covered        bigint NOT NULL,
        contract_value_total   bigint NOT NULL,
        contract_value_covered bigint NOT NULL,
        premium_due            bigint NOT NULL,
        premium_paid           bigint NOT NULL,
        CONSTRAINT coverage_cells_pkey PRIMARY KEY (region_code, agency_code, funding_source, contract_month)
      )`);

    await q.query(`
      CREATE TABLE coverage_agencies (
        regency_code  text COLLATE "C" NOT NULL,
        agency_code   text NOT NULL,
        agency_name   text NOT NULL,
        last_position bigint NOT NULL,
        CONSTRAINT coverage_agencies_pkey PRIMARY KEY (regency_code, agency_code)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS coverage_agencies, coverage_cells, coverage_projects,
                   coverage_agencies__rebuild, coverage_cells__rebuild, coverage_projects__rebuild`);
    await q.query(`DELETE FROM consumer_checkpoints WHERE consumer LIKE 'projection:coverage%'`);
  }
}
