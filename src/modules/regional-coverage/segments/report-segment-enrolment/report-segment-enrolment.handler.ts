import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock, type FieldError, invalid } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { ReportSegmentEnrolmentCommand } from './report-segment-enrolment.command';
import { percentOf } from '../../projection/coverage-figures';
import { RegionsRepository } from '../../regions/regions.repository';
import { requireSegmentFigures } from '../segment-enrolment.decider';
import type { SegmentSource, WorkerSegment } from '../segment-enrolment.events';
import { writeSegmentReports } from '../segment-enrolment.writer';
import { todayWita, yearMonthOf } from '@sinergi/domain';

/** A report on record, as the PUT answers it. */
export interface SegmentReportView {
  regionCode: string;
  segment: WorkerSegment;
  period: string;
  enrolled: number;
  eligible: number;
  percent: number | null;
  source: SegmentSource;
  sourceFile: string | null;
  reportedBy: string;
  reportedAt: string;
}

const BODY_FIELDS = new Set(['enrolled', 'eligible', 'source']);

/**
 * Periodic enrolment figures for a worker segment of a region (issue 5 item 6), entered by an admin: validated,
 * then recorded as a SegmentEnrolmentReported event with its `coverage_segments` row. Scope and role are the
 * controller's; the region must be known.
 */
@CommandHandler(ReportSegmentEnrolmentCommand)
export class ReportSegmentEnrolmentHandler implements ICommandHandler<ReportSegmentEnrolmentCommand> {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly regions: RegionsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ regionCode, segment, period, body, actor, correlationId }: ReportSegmentEnrolmentCommand): Promise<SegmentReportView> {
    const now = this.clock.now();
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalid('invalid_segment_report', 'the body must be an object { enrolled, eligible, source }', [{ path: '', code: 'not_an_object', message: 'the body must be a JSON object' }]);
    }
    const fields = body as Record<string, unknown>;
    const unknown: FieldError[] = Object.keys(fields)
      .filter((k) => !BODY_FIELDS.has(k))
      .map((k) => ({ path: k, code: 'unknown_field', message: `${k} is not a known field` }));
    if (unknown.length) throw invalid('invalid_segment_report', 'the segment enrolment report is not valid', unknown);
    const figures = requireSegmentFigures({ segment, period, ...pick(fields) }, yearMonthOf(todayWita(now)));
    if (!(await this.regions.isKnown(regionCode))) {
      throw invalid('unknown_region', `${regionCode} is not a known region`, [{ path: 'regionCode', code: 'unknown_region', message: `${regionCode} is not in the region hierarchy` }]);
    }
    await writeSegmentReports(
      this.store,
      this.pool,
      [{ type: 'ReportSegmentEnrolment', regionCode, ...figures, reportedBy: actor.id, sourceFile: null, now: now.toISOString() }],
      actor,
      correlationId,
    );
    const { rows } = await this.pool.query(
      `SELECT region_code, segment, period, enrolled::text, eligible::text, source, source_file, reported_by, reported_at
         FROM coverage_segments WHERE region_code = $1 AND segment = $2 AND period = $3`,
      [regionCode, figures.segment, figures.period],
    );
    return toView(rows[0]);
  }
}

const pick = (fields: Record<string, unknown>) => ({ enrolled: fields.enrolled, eligible: fields.eligible, source: fields.source });

function toView(r: Record<string, any>): SegmentReportView {
  return {
    regionCode: r.region_code,
    segment: r.segment,
    period: r.period,
    enrolled: Number(r.enrolled),
    eligible: Number(r.eligible),
    percent: percentOf(BigInt(r.enrolled), BigInt(r.eligible)),
    source: r.source,
    sourceFile: r.source_file,
    reportedBy: r.reported_by,
    reportedAt: new Date(r.reported_at).toISOString(),
  };
}
