import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coverage targets and other worker segments (docs/api.md, issue 5 items 3 and 6). The events are the record
 * (`coverage-target-<region>`: CoverageTargetSet; `coverage-segments-<region>`: SegmentEnrolmentReported); these
 * tables hold what the streams fold to and are written in the same transaction as the append, so a read right after
 * a PUT sees it:
 * - `coverage_targets`: the target in force per region (the stream's latest event);
 * - `coverage_segments`: the latest report per region, segment and month.
 * Inserts nothing: local mode seeds Sinjai's target on start (src/local.ts); elsewhere admins PUT targets.
 */
export class CoverageTargets1764000000010 implements MigrationInterface {
  name = 'CoverageTargets1764000000010';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE coverage_targets (
        region_code    text COLLATE "C" PRIMARY KEY,
        metric         text NOT NULL CHECK (metric IN ('projects', 'workers', 'value')),
        target_percent numeric(5, 2) NOT NULL CHECK (target_percent > 0 AND target_percent <= 100),
        deadline       date NOT NULL,
        set_by         text NOT NULL,
        set_at         timestamptz NOT NULL,
        stream_version integer NOT NULL
      )`);
    await q.query(`
      CREATE TABLE coverage_segments (
        region_code    text COLLATE "C" NOT NULL,
        segment        text NOT NULL CHECK (segment IN ('VILLAGE_OFFICIALS', 'NON_ASN_STAFF', 'VULNERABLE_WORKERS', 'OTHER')),
        period         text COLLATE "C" NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        enrolled       bigint NOT NULL CHECK (enrolled >= 0),
        eligible       bigint NOT NULL CHECK (eligible >= enrolled),
        source         text NOT NULL CHECK (source IN ('ADMIN', 'BPJS_FILE')),
        source_file    text,
        reported_by    text NOT NULL,
        reported_at    timestamptz NOT NULL,
        stream_version integer NOT NULL,
        CONSTRAINT coverage_segments_pkey PRIMARY KEY (region_code, segment, period)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS coverage_segments, coverage_targets');
  }
}
