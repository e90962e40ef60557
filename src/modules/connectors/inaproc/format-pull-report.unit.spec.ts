import { formatPullReport } from './format-pull-report';
import type { PullReport } from './inaproc-puller';

const counts = { fetched: 7, mapped: 4, posted: 4, recorded: 3, held: 0, duplicate: 1, skipped: { not_construction: 1, missing_npwp: 2 }, refused: { invalid_dates: 1 }, rejected: 3 };
const report = (overrides: Partial<PullReport> = {}): PullReport => ({
  runId: 'run-1',
  connector: 'inaproc-d123',
  trigger: 'cli',
  fiscalYears: [2025],
  dryRun: false,
  status: 'SUCCEEDED',
  startedAt: '2025-06-01T00:00:00.000Z',
  finishedAt: '2025-06-01T00:00:05.000Z',
  endpoints: [{ endpoint: 'tender/tender-ekontrak-kontrak', fiscalYear: 2025, pages: 3, status: 'SUCCEEDED', ...counts }],
  totals: counts,
  ...overrides,
});

describe('the inaproc:pull report', () => {
  it('says per endpoint and in total what was fetched, mapped, posted, skipped by reason and found duplicate', () => {
    expect(formatPullReport(report())).toEqual([
      'inaproc-d123: pull of fiscal year 2025 SUCCEEDED',
      '  tender/tender-ekontrak-kontrak 2025: 3 page(s), fetched 7, mapped 4, posted 4 (recorded 3, held 0, duplicate 1), skipped 3 (missing_npwp 2, not_construction 1), refused 1 (invalid_dates 1)',
      '  total: fetched 7, mapped 4, posted 4 (recorded 3, held 0, duplicate 1), skipped 3 (missing_npwp 2, not_construction 1), refused 1 (invalid_dates 1)',
      '  3 row(s) recorded as rejects: GET /v1/ops/connector-rejects',
    ]);
  });

  it('says a dry run posted nothing, and names an endpoint that failed', () => {
    const dry = { ...counts, posted: 0, recorded: 0, duplicate: 4, refused: {}, rejected: 2 };
    const lines = formatPullReport(
      report({
        dryRun: true,
        status: 'FAILED',
        endpoints: [{ endpoint: 'tender/tender-ekontrak-spmkspp', fiscalYear: 2025, pages: 0, status: 'FAILED', error: { code: 'inaproc_unavailable', status: 503 }, ...dry }],
        totals: dry,
      }),
    );
    expect(lines[0]).toBe('inaproc-d123: pull of fiscal year 2025 FAILED (dry run: nothing posted, nothing written)');
    expect(lines[1]).toContain('posted 0 (dry run; 4 already recorded)');
    expect(lines[1]).toContain('FAILED: inaproc_unavailable (HTTP 503); it resumes from its cursor next time');
    expect(lines[3]).toBe('  2 row(s) would be recorded as rejects');
  });
});
