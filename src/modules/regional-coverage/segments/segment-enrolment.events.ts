import type { YearMonth } from '@sinergi/domain';
/** Worker segments beyond construction (docs/domain.md): village officials, non-ASN regional staff, vulnerable workers. */
export const WORKER_SEGMENTS = ['VILLAGE_OFFICIALS', 'NON_ASN_STAFF', 'VULNERABLE_WORKERS', 'OTHER'] as const;
export type WorkerSegment = (typeof WORKER_SEGMENTS)[number];

/** Who reported the figures: an admin by hand, or a file from the BPJS branch. */
export const SEGMENT_SOURCES = ['ADMIN', 'BPJS_FILE'] as const;
export type SegmentSource = (typeof SEGMENT_SOURCES)[number];

/** One stream per region: `coverage-segments-73.07.05`. */
export const segmentEnrolmentStreamId = (regionCode: string) => `coverage-segments-${regionCode}`;

/**
 * Periodic enrolment figures for one segment of one region and month: `enrolled` of `eligible` people are
 * registered with BPJS Ketenagakerjaan. A later report for the same region, segment and period replaces it.
 */
export interface SegmentEnrolmentReported {
  type: 'SegmentEnrolmentReported';
  data: {
    regionCode: string;
    segment: WorkerSegment;
    period: YearMonth;
    enrolled: number;
    eligible: number;
    source: SegmentSource;
    /** JWT `sub` of the admin, or `cli` for an imported file. */
    reportedBy: string;
    /** ISO instant. */
    reportedAt: string;
    /** The imported file's name, for a BPJS file; null when entered by hand. */
    sourceFile: string | null;
  };
}

export type SegmentEnrolmentEvent = SegmentEnrolmentReported;
