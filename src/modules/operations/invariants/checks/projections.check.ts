import { EventStore, rebuildProjection } from '@sinergi/event-store';
import { PROJECTIONS } from '../../../../projections';
import { type InvariantCheck, resultOf } from '../invariant';

/**
 * Every projection equals its rebuild: each is replayed from position 0 by its own rebuild code into shadow tables
 * (`<table>__rebuild`, dropped afterwards) at the live run's position, and compared row by row
 * (`cli projections:check`, without swapping). Examples name the table, the kind of difference and the row's key.
 */
export const projectionsCheck: InvariantCheck = {
  name: 'projections-equal-rebuild',
  description: 'every projection equals its rebuild from the log',
  async run(context) {
    const { rows } = await context.pool.query<{ may: boolean }>(`SELECT has_schema_privilege(current_schema(), 'CREATE') AS may`);
    if (!rows[0].may) {
      return { ok: false, violations: 0, examples: [], detail: 'not checked: this login may not create the rebuild\'s shadow tables; run the check as the database owner' };
    }
    const store = new EventStore(context.pool);
    let violations = 0;
    const examples: string[] = [];
    const details: string[] = [];
    for (const projection of Object.values(PROJECTIONS)) {
      const report = await rebuildProjection(context.pool, store, projection, { swap: false, sampleSize: context.examples });
      violations += report.differences;
      details.push(`${projection.name}: ${report.differences} differing row(s) over ${report.tables.length} table(s), ${report.eventsReplayed} events replayed`);
      for (const table of report.tables) {
        const key = projection.tables.find((t) => t.name === table.table)?.key ?? [];
        for (const s of table.samples) {
          const row = s.live ?? s.rebuilt ?? {};
          examples.push(`${table.table} ${s.kind} (${key.map((k) => `${k}=${String(row[k])}`).join(', ')})`);
        }
      }
    }
    return resultOf(violations, examples, context, details.join('; '));
  },
};
