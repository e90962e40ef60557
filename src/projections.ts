import type { Pool } from 'pg';
import { type EventStore, type Projection, type RebuildReport, rebuildProjection } from '@sinergi/event-store';
import { coverageProjection } from './modules/regional-coverage/projection/coverage.projection';

/** Every projection by name, for `cli projections:rebuild <name>` and `projections:check <name>`. */
export const PROJECTIONS: Readonly<Record<string, Projection>> = {
  [coverageProjection.name]: coverageProjection,
};

/** Rebuilds (`swap`) or checks a projection by name, printing progress lines now and then. */
export async function rebuildProjectionByName(
  pool: Pool,
  store: EventStore,
  name: string,
  swap: boolean,
  print: (line: string) => void,
): Promise<RebuildReport> {
  const projection = Object.hasOwn(PROJECTIONS, name) ? PROJECTIONS[name] : undefined;
  if (!projection) throw new Error(`unknown projection "${name}"; known: ${Object.keys(PROJECTIONS).join(', ')}`);
  let lastPrint = performance.now();
  return rebuildProjection(pool, store, projection, {
    swap,
    onProgress: ({ events, position }) => {
      if (performance.now() - lastPrint < 2000) return;
      lastPrint = performance.now();
      print(`  … ${events} events replayed (position ${position.globalPosition})`);
    },
  });
}

/** The summary the CLI prints: what was replayed, how fast, the rows, and every difference found (a few shown). */
export function formatRebuildReport(report: RebuildReport): string[] {
  const lines = [
    `projection ${report.projection}: ${report.swapped ? 'rebuilt and swapped in' : 'checked (live tables untouched)'}`,
    `  events replayed: ${report.eventsReplayed} in ${report.replaySeconds.toFixed(1)} s (${report.eventsPerSecond} events/s); total ${report.totalSeconds.toFixed(1)} s`,
    `  rebuilt up to position ${report.checkpoint.globalPosition}; live was at ${report.liveCheckpoint?.globalPosition ?? 'none (never ran)'}`,
  ];
  for (const t of report.tables) {
    lines.push(`  ${t.table}: live ${t.liveRows} rows, rebuilt ${t.rebuiltRows} rows, ${t.differences} differing`);
    for (const s of t.samples) lines.push(`    ${s.kind}: live ${JSON.stringify(s.live)} rebuilt ${JSON.stringify(s.rebuilt)}`);
  }
  lines.push(`  differences: ${report.differences}${report.differences === 0 ? ' (live = rebuilt)' : ''}`);
  return lines;
}
