import { checkSegmentFigures, decideSegmentEnrolment, foldSegmentEnrolment, type ReportSegmentEnrolment } from './segment-enrolment.decider';
import { overallCoverage, segmentCoverage, type SegmentReport } from './segment-coverage';

const MONTH = '2026-11';
const report = (over: Partial<ReportSegmentEnrolment> = {}): ReportSegmentEnrolment => ({
  type: 'ReportSegmentEnrolment',
  regionCode: '73.07',
  segment: 'VILLAGE_OFFICIALS',
  period: '2026-10',
  enrolled: 1040,
  eligible: 1040,
  source: 'ADMIN',
  reportedBy: 'admin-sinjai',
  sourceFile: null,
  now: '2026-11-24T02:00:00.000Z',
  ...over,
});

describe('segment enrolment decider', () => {
  it('records a report, nothing for the same figures again, and a correction as a new report', () => {
    const first = decideSegmentEnrolment(report(), new Map());
    expect(first).toEqual([
      {
        type: 'SegmentEnrolmentReported',
        data: {
          regionCode: '73.07',
          segment: 'VILLAGE_OFFICIALS',
          period: '2026-10',
          enrolled: 1040,
          eligible: 1040,
          source: 'ADMIN',
          reportedBy: 'admin-sinjai',
          reportedAt: '2026-11-24T02:00:00.000Z',
          sourceFile: null,
        },
      },
    ]);
    const state = foldSegmentEnrolment(first);
    expect(decideSegmentEnrolment(report({ reportedBy: 'other', now: '2026-11-25T00:00:00Z' }), state)).toEqual([]);
    expect(decideSegmentEnrolment(report({ enrolled: 1000 }), state)).toHaveLength(1);
    expect(decideSegmentEnrolment(report({ source: 'BPJS_FILE' }), state)).toHaveLength(1);
    expect(decideSegmentEnrolment(report({ period: '2026-11' }), state)).toHaveLength(1);
  });
});

describe('checkSegmentFigures', () => {
  const check = (over: Record<string, unknown>) =>
    checkSegmentFigures({ segment: 'NON_ASN_STAFF', period: '2026-10', enrolled: 10, eligible: 20, source: 'ADMIN', ...over }, MONTH);

  it('accepts whole counts with enrolled not above eligible, for this month or earlier', () => {
    expect(check({})).toEqual({ ok: true, figures: { segment: 'NON_ASN_STAFF', period: '2026-10', enrolled: 10, eligible: 20, source: 'ADMIN' } });
    expect(check({ period: MONTH, enrolled: 0, eligible: 0 }).ok).toBe(true);
  });

  it('names each field at fault', () => {
    const codes = (over: Record<string, unknown>) => {
      const result = check(over);
      return result.ok ? [] : result.errors.map((e) => `${e.path}:${e.code}`);
    };
    expect(codes({ segment: 'FARMERS' })).toEqual(['segment:not_allowed']);
    expect(codes({ period: '2026-13' })).toEqual(['period:invalid_period']);
    expect(codes({ period: '2026-12' })).toEqual(['period:future_period']);
    expect(codes({ enrolled: -1 })).toEqual(['enrolled:invalid_count']);
    expect(codes({ eligible: 2.5 })).toEqual(['eligible:invalid_count']);
    expect(codes({ enrolled: '10' })).toEqual(['enrolled:invalid_count']);
    expect(codes({ enrolled: 21 })).toEqual(['enrolled:exceeds_eligible']);
    expect(codes({ source: 'RUMOUR' })).toEqual(['source:not_allowed']);
  });
});

describe('segment coverage roll-up', () => {
  const r = (regionCode: string, segment: SegmentReport['segment'], period: string, enrolled: number, eligible: number, source: SegmentReport['source'] = 'ADMIN'): SegmentReport => ({
    regionCode,
    segment,
    period,
    enrolled,
    eligible,
    source,
  });

  it('sums districts that reported when the regency did not, with the latest period and a mixed source', () => {
    const reports = [r('73.07.01', 'VULNERABLE_WORKERS', '2026-09', 100, 400), r('73.07.05', 'VULNERABLE_WORKERS', '2026-10', 150, 600, 'BPJS_FILE')];
    expect(segmentCoverage(reports, '73.07')).toEqual([{ segment: 'VULNERABLE_WORKERS', period: '2026-10', enrolled: 250, eligible: 1000, percent: 25, source: 'MIXED' }]);
    expect(segmentCoverage(reports, '73.07.01')).toEqual([{ segment: 'VULNERABLE_WORKERS', period: '2026-09', enrolled: 100, eligible: 400, percent: 25, source: 'ADMIN' }]);
    expect(segmentCoverage(reports, '73.07.02')).toEqual([]);
    expect(segmentCoverage(reports, '73')).toEqual(segmentCoverage(reports, '73.07'));
  });

  it('takes a region’s own report over its districts’, never counting people twice', () => {
    const reports = [r('73.07', 'NON_ASN_STAFF', '2026-10', 2100, 2100), r('73.07.05', 'NON_ASN_STAFF', '2026-10', 300, 300), r('73.08', 'NON_ASN_STAFF', '2026-10', 50, 100)];
    expect(segmentCoverage(reports, '73.07')).toEqual([{ segment: 'NON_ASN_STAFF', period: '2026-10', enrolled: 2100, eligible: 2100, percent: 100, source: 'ADMIN' }]);
    expect(segmentCoverage(reports, '73')).toEqual([{ segment: 'NON_ASN_STAFF', period: '2026-10', enrolled: 2150, eligible: 2200, percent: 97.73, source: 'ADMIN' }]);
    // A district still shows its own figure.
    expect(segmentCoverage(reports, '73.07.05')[0]).toMatchObject({ enrolled: 300 });
  });

  it('lists segments in a fixed order, with no percent when nobody is eligible', () => {
    const reports = [r('73.07', 'OTHER', '2026-10', 0, 0), r('73.07', 'VILLAGE_OFFICIALS', '2026-10', 5, 10)];
    expect(segmentCoverage(reports, '73.07').map((s) => [s.segment, s.percent])).toEqual([
      ['VILLAGE_OFFICIALS', 50],
      ['OTHER', null],
    ]);
  });

  it('combines construction workers and segments into overall coverage of people', () => {
    const segments = segmentCoverage([r('73.07', 'VILLAGE_OFFICIALS', '2026-10', 1000, 1000)], '73.07');
    expect(overallCoverage({ reported: 500, covered: 200 }, segments)).toEqual({ enrolled: 1200, eligible: 1500, percent: 80 });
    expect(overallCoverage({ reported: 0, covered: 0 }, [])).toEqual({ enrolled: 0, eligible: 0, percent: null });
  });
});
