import { EventStore } from '@sinergi/event-store';
import { foldCase, pendingCaseTimer } from '../../../escalation/case-decider/escalation-case.decider';
import type { EscalationCaseEvent } from '../../../escalation/case-decider/escalation-case.events';
import { type InvariantCheck, resultOf } from '../invariant';

const CASES_PER_READ = 500;

/**
 * Every ladder level that fell due fired exactly once per case: folded with the case's own rules, no case reached
 * a level twice, and no open case waits on a level whose time passed longer ago than the grace (the timer was lost,
 * or fired and the case did not climb).
 */
export const ladderLevelsCheck: InvariantCheck = {
  name: 'ladder-levels-fired-once',
  description: 'every due ladder level fired exactly once per case',
  async run(context) {
    const store = new EventStore(context.pool);
    const dueBefore = context.now.getTime() - context.dueGraceMs;
    let duplicates = 0;
    let overdue = 0;
    let cases = 0;
    const examples: string[] = [];
    let after = '0';
    for (;;) {
      const { rows } = await context.pool.query<{ stream_id: string; position: string }>(
        `SELECT stream_id, global_position::text AS position FROM events WHERE type = 'CaseOpened' AND global_position > $1 ORDER BY global_position LIMIT $2`,
        [after, CASES_PER_READ],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1].position;
      const streams = await store.readStreams(rows.map((r) => r.stream_id));
      for (const { events } of streams.values()) {
        cases += 1;
        const caseEvents = events as unknown as EscalationCaseEvent[];
        const reached = new Map<number, number>();
        for (const e of caseEvents) if (e.type === 'EscalationLevelReached') reached.set(e.data.level, (reached.get(e.data.level) ?? 0) + 1);
        const state = foldCase(caseEvents);
        for (const [level, times] of reached) {
          if (times < 2) continue;
          duplicates += 1;
          examples.push(`case ${state.caseId} reached level ${level} ${times} times`);
        }
        const pending = pendingCaseTimer(state);
        if (pending && Date.parse(pending.dueAt) < dueBefore) {
          overdue += 1;
          examples.push(`case ${pending.caseId} level ${pending.level + 1} was due at ${pending.dueAt} and has not fired`);
        }
      }
      if (rows.length < CASES_PER_READ) break;
    }
    const detail = [
      `${cases} case(s) folded`,
      duplicates ? `${duplicates} level(s) reached more than once` : '',
      overdue ? `${overdue} open case(s) past a level's due time by more than ${Math.round(context.dueGraceMs / 1000)} s` : '',
    ].filter(Boolean).join('; ');
    return resultOf(duplicates + overdue, examples, context, detail);
  },
};
