import { BatchCommandHandler, type EventActor, type EventStore, type StreamEvents } from '@sinergi/event-store';
import type { Pool } from 'pg';
import {
  decideSegmentEnrolment,
  evolveSegmentEnrolment,
  type ReportSegmentEnrolment,
  segmentEnrolmentModel,
  segmentPeriodKey,
} from './segment-enrolment.decider';
import { type SegmentEnrolmentEvent, type SegmentEnrolmentReported, segmentEnrolmentStreamId } from './segment-enrolment.events';

const handleRegions = BatchCommandHandler(segmentEnrolmentModel);

export interface SegmentReportsWritten {
  /** Reports recorded as new events. */
  recorded: SegmentEnrolmentReported['data'][];
  /** Reports that repeated the figures on record: nothing recorded. */
  unchanged: number;
}

/**
 * Records segment reports (already validated, regions known): load each region's stream → decide → append all of
 * them in one transaction with the `coverage_segments` rows, so a file is recorded whole or not at all. Retried
 * when another writer moved a stream on (`decideSegmentEnrolment` is pure).
 */
export async function writeSegmentReports(
  store: EventStore,
  pool: Pool,
  commands: readonly ReportSegmentEnrolment[],
  actor: EventActor,
  correlationId: string,
): Promise<SegmentReportsWritten> {
  if (commands.length === 0) return { recorded: [], unchanged: 0 };
  const regionCodes = [...new Set(commands.map((c) => c.regionCode))];
  return handleRegions<SegmentReportsWritten>({ store, pool }, regionCodes.map(segmentEnrolmentStreamId), (streams) => {
    const appends: StreamEvents<SegmentEnrolmentEvent>[] = [];
    const recorded: SegmentEnrolmentReported['data'][] = [];
    const rows = new Map<string, SegmentEnrolmentReported['data'] & { version: number }>();
    let unchanged = 0;
    for (const regionCode of regionCodes) {
      const stream = streams.get(segmentEnrolmentStreamId(regionCode))!;
      let state = stream.state;
      const decided: SegmentEnrolmentReported[] = [];
      for (const command of commands.filter((c) => c.regionCode === regionCode)) {
        const events = decideSegmentEnrolment(command, state);
        if (events.length === 0) unchanged += 1;
        state = events.reduce(evolveSegmentEnrolment, state);
        decided.push(...events);
      }
      if (decided.length === 0) continue;
      appends.push({ streamId: stream.streamId, events: decided, metadata: { actor, correlationId, regionCode } });
      decided.forEach((e, i) => {
        recorded.push(e.data);
        // The last report of a segment and period in this batch is the row; its version is where it lands in the stream.
        rows.set(segmentPeriodKey(e.data.segment, e.data.period) + `|${regionCode}`, { ...e.data, version: stream.head.version + i + 1 });
      });
    }
    const result: SegmentReportsWritten = { recorded, unchanged };
    if (appends.length === 0) return { appends, result };
    return {
      appends,
      write: async (tx) => {
        const upserts = [...rows.values()];
        await tx.query(
          `INSERT INTO coverage_segments (region_code, segment, period, enrolled, eligible, source, source_file, reported_by, reported_at, stream_version)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::int[])
           ON CONFLICT (region_code, segment, period) DO UPDATE SET enrolled = EXCLUDED.enrolled, eligible = EXCLUDED.eligible,
             source = EXCLUDED.source, source_file = EXCLUDED.source_file, reported_by = EXCLUDED.reported_by,
             reported_at = EXCLUDED.reported_at, stream_version = EXCLUDED.stream_version`,
          [
            upserts.map((r) => r.regionCode),
            upserts.map((r) => r.segment),
            upserts.map((r) => r.period),
            upserts.map((r) => r.enrolled),
            upserts.map((r) => r.eligible),
            upserts.map((r) => r.source),
            upserts.map((r) => r.sourceFile),
            upserts.map((r) => r.reportedBy),
            upserts.map((r) => r.reportedAt),
            upserts.map((r) => r.version),
          ],
        );
        return result;
      },
    };
  });
}
