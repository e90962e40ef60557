import { randomUUID } from 'node:crypto';
import { FixedClock } from '@sinergi/common';
import { EventStore, NO_STREAM } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { SinergiMetrics } from '../../platform/metrics';
import { projectStreamId } from '../project-intake/construction-project.events';
import { VerificationMetrics } from './verification.metrics';

describe('VerificationMetrics relay lag (real PostgreSQL)', () => {
  let db: MigratedTestDatabase;

  beforeAll(async () => {
    db = await createMigratedDatabase('verification_metrics');
  });
  afterAll(() => db?.drop());

  it("ages the relay's oldest unhandled event on the clock that recorded it, not on PostgreSQL's (the host a day ahead)", async () => {
    // This process's clock is a day ahead of PostgreSQL's (an NTP step on its host).
    const recordedAt = new Date(Date.now() + 86_400_000);
    const store = new EventStore(db.pool, { clock: new FixedClock(recordedAt) });
    await store.appendToStream(projectStreamId(randomUUID()), NO_STREAM, [
      { type: 'ProjectRegistered', data: {}, metadata: { actor: { kind: 'system', id: 'test' }, correlationId: 'c-1' } },
    ]);
    // The relay has handled nothing yet.
    await db.pool.query(`INSERT INTO consumer_checkpoints (consumer, transaction_id, global_position) VALUES ('verification-relay', '0'::xid8, 0)`);
    const metrics = new SinergiMetrics('api');
    new VerificationMetrics(metrics, db.pool, new FixedClock(new Date(recordedAt.getTime() + 90_000))).onModuleInit();

    const { values } = await metrics.registry.getSingleMetric('sinergi_relay_lag_seconds')!.get();

    expect(values).toEqual([expect.objectContaining({ labels: { consumer: 'verification-relay' }, value: 90 })]);
  });
});
