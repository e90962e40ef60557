import { FixedClock } from '@sinergi/common';
import { EventStore, NO_STREAM } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { caseTimerJobId, decideCase, initialCaseState } from '../case-decider/escalation-case.decider';
import { caseStreamId } from '../case-decider/escalation-case.events';
import { caseIdFor } from '../escalation.queues';
import { DEFAULT_SINJAI_LADDER } from '../ladder/escalation-ladder';
import { EscalationTimerHandler } from './escalation-timer.processor';

const OPENED_AT = '2025-06-02T01:00:00.000Z';
const meta = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'c-1' };

describe('EscalationTimerHandler (real PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;
  let handler: EscalationTimerHandler;
  const cases = ['0b1c2d3e-0000-4000-8000-000000000001', '0b1c2d3e-0000-4000-8000-000000000002'].map((p) => caseIdFor(p, 1));

  beforeAll(async () => {
    db = await createMigratedDatabase('escalation_timer');
    store = new EventStore(db.pool);
    handler = new EscalationTimerHandler(db.pool, store, new FixedClock(new Date('2025-06-05T01:00:00.000Z')));
    for (const caseId of cases) {
      const events = decideCase(
        { type: 'OpenCase', caseId, projectId: caseId, regionCode: '73.07.01', agencyCode: 'PUPR', reasons: ['ENROLMENT_MISSING'], ladder: DEFAULT_SINJAI_LADDER, now: OPENED_AT },
        initialCaseState(),
      );
      await store.appendToStream(caseStreamId(caseId), NO_STREAM, events.map((e) => ({ type: e.type, data: e.data, metadata: meta })));
      await db.pool.query(`INSERT INTO escalation_timers (job_id, case_id, level, due_at) VALUES ($1, $2, 0, '2025-06-05T01:00:00Z')`, [caseTimerJobId(caseId, 0), caseId]);
    }
  });

  afterAll(() => db?.drop());

  const levels = async (caseId: string) =>
    (await db.pool.query(`SELECT data->>'level' AS level FROM events WHERE stream_id = $1 AND type = 'EscalationLevelReached' ORDER BY stream_version`, [caseStreamId(caseId)])).rows.map(
      (r) => Number(r.level),
    );

  it('fires a batch of timers in one go: each case reaches its next level once, a duplicate in the batch decides nothing', async () => {
    const outcomes = await handler.fireMany([
      { caseId: cases[0], level: 0 },
      { caseId: cases[1], level: 0 },
      { caseId: cases[0], level: 0 },
    ]);
    expect(outcomes).toEqual(['escalated', 'escalated', 'stale']);
    expect(await levels(cases[0])).toEqual([0, 1]);
    expect(await levels(cases[1])).toEqual([0, 1]);
    const { rows } = await db.pool.query(`SELECT job_id FROM escalation_timers WHERE fired_at IS NULL`);
    expect(rows).toEqual([]);
  });

  it('treats a redelivered timer as stale, alone or in a batch', async () => {
    expect(await handler.fire({ caseId: cases[0], level: 0 })).toBe('stale');
    expect(await handler.fireMany([{ caseId: cases[0], level: 0 }, { caseId: cases[1], level: 0 }])).toEqual(['stale', 'stale']);
    expect(await levels(cases[0])).toEqual([0, 1]);
  });

  it('reaches the next level of each case on the next timers, with the stream chained', async () => {
    expect(await handler.fireMany(cases.map((caseId) => ({ caseId, level: 1 })))).toEqual(['escalated', 'escalated']);
    for (const caseId of cases) {
      expect(await levels(caseId)).toEqual([0, 1, 2]);
      expect((await store.verifyStream(caseStreamId(caseId))).ok).toBe(true);
    }
  });
});
