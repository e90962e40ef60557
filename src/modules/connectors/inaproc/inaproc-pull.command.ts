import { NestFactory } from '@nestjs/core';
import type { SinergiConfig } from '@sinergi/common';
import { ConnectorsCliModule } from '../connectors-cli.module';
import { formatPullReport } from './format-pull-report';
import { InaprocPuller, type PullReport } from './inaproc-puller';

/** How long a backfill waits for a scheduled pull that is running. */
const WAIT_FOR_RUNNING_PULL_MS = 15 * 60_000;

/**
 * `cli inaproc:pull --year 2025 [--dry-run]`: a backfill of one fiscal year from the first page of every endpoint
 * (idempotent: what is recorded already answers as duplicate), printing the report. Exit 0; 2 when rows were
 * recorded as rejects; 1 when an endpoint could not be read to its end, or the run could not start.
 */
export async function runInaprocPull(
  config: SinergiConfig,
  options: { year: number; dryRun: boolean },
  print: (line: string) => void,
  note: (line: string) => void,
): Promise<number> {
  if (!config.inaproc) throw new Error('the INAPROC connector is off: set INAPROC_API_URL, INAPROC_TOKEN, INAPROC_KLPD and INAPROC_REGION');
  const app = await NestFactory.createApplicationContext(ConnectorsCliModule.forRoot(config), { logger: ['error', 'warn'] });
  let report: PullReport;
  try {
    const puller = app.get(InaprocPuller);
    const request = { fiscalYears: [options.year], trigger: 'cli' as const, dryRun: options.dryRun, fromStart: true };
    report = await puller.pull(request);
    if (report.status === 'SKIPPED') {
      note(`(a pull of ${report.connector} is running; waiting up to ${WAIT_FOR_RUNNING_PULL_MS / 60_000} minutes for it to finish)`);
      report = await puller.pull({ ...request, waitForLockMs: WAIT_FOR_RUNNING_PULL_MS });
    }
  } finally {
    await app.close();
  }
  for (const line of formatPullReport(report)) print(line);
  if (report.status !== 'SUCCEEDED') return 1;
  return report.totals.rejected > 0 ? 2 : 0;
}
