import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { FixedClock, type SinergiConfig } from '@sinergi/common';
import { EventStore, NO_STREAM } from '@sinergi/event-store';
import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  testConfig,
  testRedisUrl,
  uniqueQueuePrefix,
  waitFor,
} from '@sinergi/testing';
import { AuditJobsProcessor } from './audit-jobs.processor';
import { AuditQueue } from './audit-queue.provider';
import { CHECKPOINT_SCHEDULER_ID, verifyLogJobId } from './audit.queue';
import { loadCheckpointSigner } from './checkpoint/checkpoint-key';
import { WriteCheckpointHandler } from './checkpoint/write-checkpoint/write-checkpoint.handler';
import { RunLogVerificationHandler } from './verify/run-log-verification/run-log-verification.handler';

describe('the audit worker: scheduled checkpoints and verification jobs (PostgreSQL + Redis)', () => {
  let db: MigratedTestDatabase;
  let config: SinergiConfig;
  let queue: AuditQueue;
  const prefix = uniqueQueuePrefix('audit-jobs');
  const clock = new FixedClock(new Date('2025-08-01T02:00:00Z'));
  const signer = loadCheckpointSigner(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  const processors: AuditJobsProcessor[] = [];

  const start = (runner: RunLogVerificationHandler, withKey = true) => {
    const processor = new AuditJobsProcessor(new WriteCheckpointHandler(db.pool, withKey ? signer : null, clock), runner, queue, db.pool, config);
    processors.push(processor);
    return processor.onApplicationBootstrap().then(() => processor);
  };
  const verification = async () => {
    const id = randomUUID();
    await db.pool.query(`INSERT INTO audit_verifications (id, regions, requested_by) VALUES ($1, '{*}', 'auditor-test')`, [id]);
    await queue.enqueueVerifications([id]);
    return id;
  };
  const statusOf = async (id: string) => (await db.pool.query('SELECT status, attempts, result FROM audit_verifications WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createMigratedDatabase('audit_jobs');
    config = testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, AUDIT_CHECKPOINT_INTERVAL_SECONDS: '3600' });
    queue = new AuditQueue(config);
    const store = new EventStore(db.pool, { clock });
    const metadata = { actor: { kind: 'system' as const, id: 'test' }, correlationId: 'jobs', regionCode: '73.07.01' };
    await store.appendMany([{ streamId: `project-${randomUUID()}`, expected: NO_STREAM, events: [1, 2, 3].map((n) => ({ type: 'ProjectRegistered', data: { n }, metadata })) }]);
  });
  afterAll(async () => {
    for (const p of processors) await p.beforeApplicationShutdown();
    await queue.onApplicationShutdown();
    await db.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  it('signs a checkpoint as soon as it starts, then every interval', async () => {
    await start(new RunLogVerificationHandler(db.pool));
    const rows = await waitFor(
      async () => (await db.pool.query('SELECT stream_count, event_count FROM audit_checkpoints')).rows,
      (r) => r.length > 0,
    );
    expect(rows[0]).toEqual({ stream_count: '1', event_count: '3' });
    const schedulers = await queue.queue.getJobSchedulers();
    expect(schedulers).toEqual([expect.objectContaining({ key: CHECKPOINT_SCHEDULER_ID, every: 3_600_000 })]);
    await processors.pop()!.beforeApplicationShutdown();
  });

  it('puts a running verification back on the queue at shutdown, without spending an attempt, and finishes it after', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    // Runs until the shutdown aborts it, as a whole-log scan of millions of events would.
    const blocking = {
      execute: (_id: string, signal?: AbortSignal) =>
        new Promise((_resolve, reject) => {
          started();
          signal!.addEventListener('abort', () => reject(signal!.reason));
        }),
      fail: jest.fn(),
    } as unknown as RunLogVerificationHandler;
    const first = await start(blocking);
    const id = await verification();
    await running;
    await first.beforeApplicationShutdown();
    const job = (await queue.queue.getJob(verifyLogJobId(id)))!;
    expect(['delayed', 'waiting', 'wait']).toContain(await job.getState());
    expect(job.attemptsMade).toBe(0);
    expect(blocking.fail).not.toHaveBeenCalled();

    await start(new RunLogVerificationHandler(db.pool));
    const done = await waitFor(() => statusOf(id), (s) => s.status === 'COMPLETED');
    expect(done.result).toMatchObject({ ok: true, scannedEvents: 3, checkpoint: { matches: true, signatureValid: true } });
  });

  it('removes the schedule and signs nothing without a signing key', async () => {
    await processors.pop()!.beforeApplicationShutdown();
    await start(new RunLogVerificationHandler(db.pool), false);
    expect(await queue.queue.getJobSchedulers()).toEqual([]);
  });
});
