import { randomUUID } from 'node:crypto';
import { FixedClock } from '@sinergi/common';
import { EventStore, NO_STREAM } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase, testConfig } from '@sinergi/testing';
import { projectStreamId } from '../../project-intake/construction-project.events';
import type { VerificationQueue } from '../verification-queue.provider';
import { VerificationReconciler } from './verification.reconciler';

const HOUR_MS = 3_600_000;
const meta = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'c-1' };

describe('VerificationReconciler periodic re-check (real PostgreSQL)', () => {
  let db: MigratedTestDatabase;

  beforeAll(async () => {
    db = await createMigratedDatabase('verification_reconciler');
  });
  afterAll(() => db?.drop());

  /** Registers a project with the event store reading `at` as the time (recorded_at). */
  const register = async (at: Date) => {
    const projectId = randomUUID();
    const store = new EventStore(db.pool, { clock: new FixedClock(at) });
    await store.appendToStream(projectStreamId(projectId), NO_STREAM, [{ type: 'ProjectRegistered', data: { regionCode: '73.07.06' }, metadata: meta }]);
    return projectId;
  };
  const recheckedProjects = async () =>
    (await db.pool.query<{ project_id: string }>(`SELECT project_id FROM verification_requests WHERE trigger_type = 'PeriodicRecheck'`)).rows.map((r) => r.project_id);

  it("measures a project's age on the clock that recorded it, not on PostgreSQL's (the host a day ahead of the database)", async () => {
    // The process's clock is a day ahead of PostgreSQL's (an NTP step on its host, or the database's clock behind).
    const registeredAt = new Date(Date.now() + 24 * HOUR_MS);
    const old = await register(registeredAt);
    const fresh = await register(new Date(registeredAt.getTime() + 24.5 * HOUR_MS));
    const enqueued: string[] = [];
    const queue = { idle: async () => false, enqueue: async (requests: { projectId: string }[]) => void enqueued.push(...requests.map((r) => r.projectId)) };
    const reconciler = new VerificationReconciler(
      db.pool,
      queue as unknown as VerificationQueue,
      testConfig({ RECHECK_INTERVAL_HOURS: '24' }),
      new FixedClock(new Date(registeredAt.getTime() + 25 * HOUR_MS)),
    );

    await reconciler.reconcile();

    // Registered 25 h ago by its own clock (a day in PostgreSQL's future): re-checked; 30 min ago: not yet.
    expect(await recheckedProjects()).toEqual([old]);
    expect(enqueued).toContain(old);
    expect(enqueued).not.toContain(fresh);
  });
});
