import type { PullCounts, PullReport } from './inaproc-puller';

const byReason = (counts: Record<string, number>) =>
  Object.entries(counts)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function describe(c: PullCounts, dryRun: boolean): string {
  const parts = [`fetched ${c.fetched}`, `mapped ${c.mapped}`];
  parts.push(dryRun ? `posted 0 (dry run; ${c.duplicate} already recorded)` : `posted ${c.posted} (recorded ${c.recorded}, held ${c.held}, duplicate ${c.duplicate})`);
  const skipped = total(c.skipped);
  parts.push(`skipped ${skipped}${skipped ? ` (${byReason(c.skipped)})` : ''}`);
  const refused = total(c.refused);
  if (refused || !dryRun) parts.push(`refused ${refused}${refused ? ` (${byReason(c.refused)})` : ''}`);
  return parts.join(', ');
}

/** The report `inaproc:pull` prints: one line per endpoint and year, then the totals. Counts and codes only. */
export function formatPullReport(report: PullReport): string[] {
  const years = report.fiscalYears.join(', ');
  const head = `${report.connector}: pull of fiscal year ${years} ${report.status}${report.reason ? ` (${report.reason})` : ''}${report.dryRun ? ' (dry run: nothing posted, nothing written)' : ''}`;
  const lines = [head];
  for (const e of report.endpoints) {
    const failure = e.error ? ` FAILED: ${e.error.code}${e.error.status ? ` (HTTP ${e.error.status})` : ''}; it resumes from its cursor next time` : '';
    lines.push(`  ${e.endpoint} ${e.fiscalYear}: ${e.pages} page(s), ${describe(e, report.dryRun)}${failure}`);
  }
  if (report.endpoints.length) lines.push(`  total: ${describe(report.totals, report.dryRun)}`);
  if (report.totals.rejected && !report.dryRun) lines.push(`  ${report.totals.rejected} row(s) recorded as rejects: GET /v1/ops/connector-rejects`);
  if (report.totals.rejected && report.dryRun) lines.push(`  ${report.totals.rejected} row(s) would be recorded as rejects`);
  return lines;
}
