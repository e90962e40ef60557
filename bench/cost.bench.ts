/**
 * npm run bench:cost — how the cost of the log grows with its size: `bench:audit` (seeding, appends, history reads,
 * export, whole-log verification, checkpoint, projection rebuild) run at each of BENCH_COST_SIZES (default 1 M, 5 M
 * and 20 M events), each in a fresh database, and the results printed side by side, with each size's raw indexed
 * read beside the API's. Numbers for docs/performance.md ("How cost grows"); nothing asserted.
 * Env: BENCH_COST_SIZES (comma-separated event counts), BENCH_SECONDS (per timed phase, default 10), BENCH_COST_JSON
 * (a file to write every size's full summary to).
 */
import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SIZES = (process.env.BENCH_COST_SIZES ?? '1000000,5000000,20000000').split(',').map(Number);
const exec = promisify(execFile);

interface AuditSummary {
  events: number;
  seedSeconds: number;
  eventsTableSize: string;
  rawHistoryRead: { p50: number; p99: number };
  historyHttp?: { p50: number; p99: number; rps: number };
  export_ndjson?: { eventsPerSecond: number; apiPeakRssMiB: number };
  verifyLog: { eventsPerSecond: number; seconds: number };
  checkAgainstCheckpoint: { seconds: number };
  append: { appendsPerSecond: number; p50: number; p99: number };
  rebuildCoverage?: { eventsPerSecond: number; seconds: number };
}

async function main(): Promise<void> {
  const results: AuditSummary[] = [];
  for (const size of SIZES) {
    console.error(`# bench:cost — ${size} events (bench:audit)`);
    const { stdout } = await exec(process.execPath, [join(__dirname, 'audit.bench.js')], {
      env: { ...process.env, BENCH_EVENTS: String(size) },
      maxBuffer: 64 * 1024 * 1024,
    }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
      throw new Error(`bench:audit at ${size} events failed: ${error.message}\n${error.stderr?.slice(-2000) ?? ''}`);
    });
    results.push(JSON.parse(stdout.slice(stdout.indexOf('{'))) as AuditSummary);
    console.error(`#   done: ${JSON.stringify(results.at(-1))}`);
  }
  if (process.env.BENCH_COST_JSON) await writeFile(process.env.BENCH_COST_JSON, JSON.stringify(results, null, 2));

  const rows: [string, (r: AuditSummary) => string][] = [
    ['events table (with indexes)', (r) => r.eventsTableSize],
    ['seeding (s)', (r) => String(r.seedSeconds)],
    ['append p50 / p99 (ms)', (r) => `${r.append.p50} / ${r.append.p99}`],
    ['appends/s (8 writers)', (r) => String(r.append.appendsPerSecond)],
    ['raw history read p50 / p99 (ms)', (r) => `${r.rawHistoryRead.p50} / ${r.rawHistoryRead.p99}`],
    ['history API p50 / p99 (ms)', (r) => (r.historyHttp ? `${r.historyHttp.p50} / ${r.historyHttp.p99}` : '—')],
    ['export NDJSON events/s (API peak MiB)', (r) => (r.export_ndjson ? `${r.export_ndjson.eventsPerSecond} (${r.export_ndjson.apiPeakRssMiB})` : '—')],
    ['whole-log verification events/s (s)', (r) => `${r.verifyLog.eventsPerSecond} (${r.verifyLog.seconds})`],
    ['check against checkpoint (s)', (r) => String(r.checkAgainstCheckpoint.seconds)],
    ['coverage rebuild events/s (s)', (r) => (r.rebuildCoverage ? `${r.rebuildCoverage.eventsPerSecond} (${r.rebuildCoverage.seconds})` : '—')],
  ];
  console.log(`\n| measure | ${results.map((r) => `${r.events.toLocaleString('en')} events`).join(' | ')} |`);
  console.log(`|---|${results.map(() => '---').join('|')}|`);
  for (const [name, cell] of rows) console.log(`| ${name} | ${results.map(cell).join(' | ')} |`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
