import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { EventStore, type NewEvent } from '@sinergi/event-store';
import { createMigratedDatabase, deleteKeysWithPrefix, type MigratedTestDatabase, testRedisUrl, uniqueQueuePrefix } from '@sinergi/testing';
import Redis from 'ioredis';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@sinergi/database';
import { loadCheckpointSigner } from '../../audit/tamper-evidence/checkpoint/checkpoint-key';
import { WriteCheckpointHandler } from '../../audit/tamper-evidence/checkpoint/write-checkpoint/write-checkpoint.handler';
import { checkInvariants, INVARIANT_NAMES } from './invariants';

/**
 * Each invariant holds on what the test wrote, then fails once a violation is seeded or a row tampered with, naming
 * the seeded ids. One database for the file; each test looks at its own invariant (`only`), in an order where what one
 * test seeds is outside what the following ones look at.
 */
describe('checkInvariants (tampered and seeded databases)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;
  const now = new Date('2026-06-01T00:00:00Z');

  beforeAll(async () => {
    db = await createMigratedDatabase('invariants');
    store = new EventStore(db.pool);
  });
  afterAll(async () => db?.drop());

  const check = async (name: string, options: { examples?: number; requireCheckpoint?: boolean } = {}) => {
    const report = await checkInvariants(db.pool, { only: [name], now, examples: 20, ...options });
    expect(report.checks.map((c) => c.name)).toEqual([name]);
    return { ...report.checks[0], reportOk: report.ok };
  };
  const meta = (extra: Record<string, unknown> = {}) => ({ actor: { kind: 'system' as const, id: 'test' }, correlationId: randomUUID(), ...extra });
  const append = (streamId: string, events: Omit<NewEvent, 'metadata'>[], extra: Record<string, unknown> = {}, idempotency?: { scope: string; key: string }) => {
    const withIds = events.map((e) => ({ ...e, eventId: randomUUID(), metadata: meta(extra) }));
    return store.appendToStream(streamId, 0, withIds, idempotency ? { idempotency: [{ ...idempotency, requestHash: 'h', eventId: withIds[withIds.length - 1].eventId }] } : {});
  };
  /** Puts a consumer's checkpoint at the log's head: it has read everything so far. */
  const consumerAtHead = (consumer: string) =>
    db.pool.query(
      `INSERT INTO consumer_checkpoints (consumer, transaction_id, global_position)
       SELECT $1, transaction_id, global_position FROM events ORDER BY global_position DESC LIMIT 1
       ON CONFLICT (consumer) DO UPDATE SET transaction_id = EXCLUDED.transaction_id, global_position = EXCLUDED.global_position`,
      [consumer],
    );

  it('knows every invariant, refuses an unknown name, and accepts a TypeORM DataSource as well as a pool', async () => {
    expect(INVARIANT_NAMES).toEqual([
      'acknowledged-events-logged-once',
      'active-projects-accounted-for',
      'ladder-levels-fired-once',
      'notifications-once',
      'projections-equal-rebuild',
      'hash-chains-verify',
      'no-personal-data-outside-personal_data',
    ]);
    await expect(checkInvariants(db.pool, { only: ['no-such-thing'] })).rejects.toThrow(/unknown invariant\(s\) no-such-thing/);
    const ds = await new DataSource(dataSourceOptions(db.url, 2)).initialize();
    try {
      const report = await checkInvariants(ds, { now });
      expect(report).toMatchObject({ ok: true });
      expect(report.checks.map((c) => [c.name, c.ok, c.violations])).toEqual(INVARIANT_NAMES.map((n) => [n, true, 0]));
    } finally {
      await ds.destroy();
    }
  });

  it('projections: a live row the log does not give is a difference, named by its key', async () => {
    expect(await check('projections-equal-rebuild')).toMatchObject({ ok: true, violations: 0 });
    const projectId = randomUUID();
    await db.pool.query(`INSERT INTO coverage_projects (project_id, status, last_position) VALUES ($1, 'COMPLIANT', 1)`, [projectId]);
    const result = await check('projections-equal-rebuild');
    expect(result).toMatchObject({ ok: false, reportOk: false, violations: 1 });
    expect(result.examples).toEqual([`coverage_projects live_only (project_id=${projectId})`]);
    await db.pool.query(`DELETE FROM coverage_projects WHERE project_id = $1`, [projectId]);
    // The application's login may not create the shadow tables: not checked, and said so.
    const app = new Pool({ connectionString: await db.appLogin(), max: 1 });
    try {
      // Everything else it may read, as the API and the worker do.
      const asApp = await checkInvariants(app, { now });
      expect(asApp.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['projections-equal-rebuild']);
      expect(asApp.checks.find((c) => !c.ok)).toEqual({
        name: 'projections-equal-rebuild',
        ok: false,
        violations: 0,
        examples: [],
        detail: "not checked: this login may not create the rebuild's shadow tables; run the check as the database owner",
      });
    } finally {
      await app.end();
    }
    // The shadow tables are gone again.
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE '%\\_\\_rebuild'`)).rows[0].n).toBe(0);
  });

  it('acknowledged events: an idempotency record without its event, and a source event appended twice', async () => {
    const client = { actor: { kind: 'client', id: 'spse-a' } };
    await append(`test-${randomUUID()}`, [{ type: 'Seeded', data: {} }], { ...client, sourceEventId: 'ev-1' }, { scope: 'spse-a', key: 'ev-1' });
    expect(await check('acknowledged-events-logged-once')).toMatchObject({ ok: true, violations: 0 });

    // The same source event appended again in another transaction (its record already taken), and a record whose event is not there.
    await append(`test-${randomUUID()}`, [{ type: 'Seeded', data: {} }], { ...client, sourceEventId: 'ev-1' });
    await db.pool.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, event_id, stream_id, stream_version, global_position) VALUES ('spse-a', 'ev-ghost', 'h', $1, 'test-x', 1, 999999)`,
      [randomUUID()],
    );
    const result = await check('acknowledged-events-logged-once');
    expect(result).toMatchObject({ ok: false, violations: 2 });
    expect(result.examples.sort()).toEqual(['spse-a/ev-1 (source event appended more than once)', 'spse-a/ev-ghost (record without its event (or pointing elsewhere))']);
    expect(result.detail).toBe('1 record without its event (or pointing elsewhere); 1 source event appended more than once');
  });

  it('active projects: one with neither verdict, pending verification nor dead letter, once the relay has read it', async () => {
    const [pending, judged, dead, forgotten, completed] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    for (const id of [pending, judged, dead, forgotten, completed]) await append(`project-${id}`, [{ type: 'ProjectRegistered', data: {} }]);
    await store.appendToStream(`project-${completed}`, 1, [{ type: 'ProjectCompleted', data: {}, metadata: meta() }]);
    await db.pool.query(`INSERT INTO verification_requests (job_id, project_id, trigger_type, trigger_recorded_at) VALUES ($1, $2, 'ProjectRegistered', now())`, [
      `verify-${pending}`,
      pending,
    ]);
    await append(`compliance-${judged}`, [{ type: 'ComplianceStatusChanged', data: { projectId: judged, from: 'PENDING', to: 'COMPLIANT', reasons: [] } }]);
    await db.pool.query(`INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at) VALUES ($1, 'verification', 'j', $2, 'bpjs_unavailable', 8, now())`, [
      randomUUID(),
      dead,
    ]);
    // Not read by the relay yet: in flight.
    const before = await check('active-projects-accounted-for');
    expect(before).toMatchObject({ ok: true, violations: 0 });
    expect(before.detail).toMatch(/^1 registration\(s\) not read by the verification relay yet/);

    await consumerAtHead('verification-relay');
    const result = await check('active-projects-accounted-for');
    expect(result).toMatchObject({ ok: false, violations: 1, examples: [`project ${forgotten}`] });
  });

  const openCase = async (caseId: string, levels: { level: number; nextEscalationAt: string | null }[]) =>
    append(`case-${caseId}`, [
      {
        type: 'CaseOpened',
        data: {
          caseId,
          projectId: randomUUID(),
          regionCode: '73.07',
          agencyCode: 'PUPR',
          reasons: ['NOT_REGISTERED'],
          openedAt: '2026-05-01T00:00:00.000Z',
          ladder: { regionCode: '73.07', version: 1, levels: [0, 1, 2].map(() => ({ recipients: ['PPK'], waitBeforeNext: 'P3D' })) },
        },
      },
      ...levels.map((l) => ({ type: 'EscalationLevelReached', data: { caseId, level: l.level, recipients: ['PPK'], reachedAt: '2026-05-01T00:00:00.000Z', nextEscalationAt: l.nextEscalationAt } })),
    ]);

  it('notifications: two rows for one (case, level, recipient, channel), and a level of an open case notified to nobody', async () => {
    const [notified, silent] = [randomUUID(), randomUUID()];
    await openCase(notified, [{ level: 0, nextEscalationAt: '2026-06-05T00:00:00.000Z' }]);
    await openCase(silent, [{ level: 0, nextEscalationAt: '2026-06-05T00:00:00.000Z' }]);
    const notify = (caseId: string, channel: string) =>
      db.pool.query(
        `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, cause_event_id, cause_position)
         VALUES ($1, 'CASE_ESCALATED', $2, $3, $4, 0, '73.07', 'PUPR', 'PPK', 'ppk-ref-1', $3, 1) RETURNING id`,
        [randomUUID(), channel, randomUUID(), caseId],
      );
    await notify(notified, 'EMAIL');
    await notify(notified, 'INBOX');
    await notify(silent, 'INBOX');
    // The relay has not read them yet; each level has its notifications.
    expect(await check('notifications-once')).toMatchObject({ ok: true, violations: 0 });

    const duplicate = (await notify(notified, 'EMAIL')).rows[0].id;
    await db.pool.query(`DELETE FROM notifications WHERE case_id = $1`, [silent]);
    await consumerAtHead('escalation-relay');
    const result = await check('notifications-once');
    expect(result).toMatchObject({ ok: false, violations: 2 });
    expect(result.examples).toHaveLength(2);
    expect(result.examples[0]).toMatch(new RegExp(`^CASE_ESCALATED case ${notified} level 0 PPK EMAIL: 2 rows \\(.*${duplicate}\\)$`));
    expect(result.examples[1]).toBe(`case ${silent} level 0 notified to nobody`);
  });

  it('ladder levels: a level reached twice, and an open case past its due time beyond the grace', async () => {
    const [waiting, twice, late, ended] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await openCase(waiting, [{ level: 0, nextEscalationAt: '2026-06-03T00:00:00.000Z' }]);
    // Due a minute ago: within the default grace of two minutes, a timer in flight.
    await openCase(late, [{ level: 0, nextEscalationAt: new Date(now.getTime() - 60_000).toISOString() }]);
    await openCase(ended, [{ level: 0, nextEscalationAt: '2026-05-02T00:00:00.000Z' }]);
    await store.appendToStream(`case-${ended}`, 2, [{ type: 'CaseResolved', data: { caseId: ended, resolvedAt: '2026-05-01T12:00:00.000Z' }, metadata: meta() }]);
    expect(await check('ladder-levels-fired-once')).toMatchObject({ ok: true, violations: 0 });

    await openCase(twice, [
      { level: 0, nextEscalationAt: '2026-05-02T00:00:00.000Z' },
      { level: 1, nextEscalationAt: '2026-06-04T00:00:00.000Z' },
      { level: 1, nextEscalationAt: '2026-06-04T00:00:00.000Z' },
    ]);
    const result = await checkInvariants(db.pool, { only: ['ladder-levels-fired-once'], now, dueGraceMs: 30_000, examples: 20 });
    expect(result.checks[0]).toMatchObject({ ok: false, violations: 2 });
    expect(result.checks[0].examples.sort()).toEqual(
      [`case ${late} level 1 was due at ${new Date(now.getTime() - 60_000).toISOString()} and has not fired`, `case ${twice} reached level 1 2 times`].sort(),
    );
  });

  it('hash chains: verified against the latest signed checkpoint; a row altered after it breaks its chain and the checkpoint', async () => {
    const first = await check('hash-chains-verify');
    expect(first).toMatchObject({ ok: true, violations: 0 });
    expect(first.detail).toMatch(/no signed checkpoint yet: the chains were checked alone$/);
    expect(await check('hash-chains-verify', { requireCheckpoint: true })).toMatchObject({ ok: false, violations: 1 });

    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const outcome = await new WriteCheckpointHandler(db.pool, loadCheckpointSigner(pem)).execute({ force: true });
    expect(outcome.written).toBe(true);
    const signed = await check('hash-chains-verify', { requireCheckpoint: true });
    expect(signed).toMatchObject({ ok: true, violations: 0 });
    expect(signed.detail).toMatch(/checkpoint \d+ matches the log/);

    const streamId = `test-${randomUUID()}`;
    await append(streamId, [{ type: 'Seeded', data: { amount: 1 } }]);
    const { rows: [covered] } = await db.pool.query(`SELECT stream_id, max(stream_version) AS version FROM events WHERE type = 'CaseResolved' GROUP BY stream_id`);
    const admin = await db.pool.connect();
    try {
      await admin.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
      // A row altered after the checkpoint: its chain breaks.
      await admin.query(`UPDATE events SET data = '{"amount": 2}' WHERE stream_id = $1`, [streamId]);
      // The last event of a stream the checkpoint signed, deleted: the chain that is left holds, its head is not the signed one.
      await admin.query(`DELETE FROM events WHERE stream_id = $1 AND stream_version = $2`, [covered.stream_id, covered.version]);
    } finally {
      await admin.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
      admin.release();
    }
    const result = await check('hash-chains-verify');
    expect(result).toMatchObject({ ok: false, violations: 2 });
    expect(result.examples[0]).toMatch(new RegExp(`^${streamId} version 1 \\(position \\d+\\): hash_mismatch$`));
    expect(result.examples.slice(1).join('\n')).toContain(`stream ${covered.stream_id}: its head at the checkpoint is version ${covered.version - 1}`);
    expect(result.detail).toMatch(/does NOT match the log.*1 broken stream\(s\)$/);
  });

  it('personal data: a stored name and a NIK-shaped number outside personal_data, named by table, key and path only', async () => {
    await db.pool.query(`INSERT INTO personal_data (ref, kind, data) VALUES ('w-1', 'worker', '{"name": "Siti Rahmawati Nur", "nik": "7307014503900001"}')`);
    await append(`test-${randomUUID()}`, [{ type: 'Seeded', data: { note: 'a worker called Rahmawati', contractor: { npwp: '7307015208850003' } } }]);
    expect(await check('no-personal-data-outside-personal_data')).toMatchObject({ ok: true, violations: 0 });

    const [withName] = await append(`test-${randomUUID()}`, [{ type: 'Seeded', data: { note: 'worker SITI rahmawati  nur did not come' } }]);
    await db.pool.query(`INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at) VALUES ($1, 'verification', 'j', $1, 'nik 7307015208850003 unknown', 1, now())`, [
      '00000000-0000-4000-8000-000000000001',
    ]);
    const result = await check('no-personal-data-outside-personal_data');
    expect(result).toMatchObject({ ok: false, violations: 2 });
    expect(result.examples.sort()).toEqual([`dead_letters 00000000-0000-4000-8000-000000000001: nik at $.reason`, `events ${withName.globalPosition}: name at $.data.note`]);
    expect(result.detail).toMatch(/rows with personal data by table: dead_letters: 1, events: 1$/);
    expect(JSON.stringify(result)).not.toMatch(/siti|rahmawati|7307015208850003|7307014503900001/i);
  });

  it('personal data: job payloads in BullMQ\'s Redis too, named by the job\'s key and field', async () => {
    const prefix = uniqueQueuePrefix('invariants');
    const redis = new Redis(testRedisUrl());
    try {
      await redis.hset(`${prefix}:verification:verify-1`, { name: 'verify', data: JSON.stringify({ projectId: 'p-1', requestId: 'verify-1' }), opts: '{}' });
      await redis.hset(`${prefix}:verification:meta`, { opts: '{}' });
      await redis.rpush(`${prefix}:verification:wait`, 'verify-1');
      const jobs = { url: testRedisUrl(), prefix };
      const clean = await checkInvariants(db.pool, { only: ['no-personal-data-outside-personal_data'], jobs });
      expect(clean.checks[0].detail).toMatch(/; 1 job\(s\) scanned$/);

      await redis.hset(`${prefix}:notification:n-1`, { name: 'deliver', data: JSON.stringify({ notificationId: 'n-1', to: 'Siti Rahmawati Nur' }), failedReason: 'nik 7307014503900001 refused' });
      const found = (await checkInvariants(db.pool, { only: ['no-personal-data-outside-personal_data'], jobs, examples: 20 })).checks[0];
      expect(found.violations).toBe(3);
      expect(found.examples).toContain(`redis ${prefix}:notification:n-1: name at $.data.to, nik at $.failedReason`);
      expect(found.detail).toMatch(/; 2 job\(s\) scanned, 1 with personal data$/);

      const away = (await checkInvariants(db.pool, { only: ['no-personal-data-outside-personal_data'], jobs: { url: 'redis://127.0.0.1:1', prefix } })).checks[0];
      expect(away.violations).toBe(2);
      expect(away.detail).toMatch(/; job payloads not scanned: Redis did not answer \(.+\)$/);
    } finally {
      redis.disconnect();
      await deleteKeysWithPrefix(testRedisUrl(), prefix);
    }
  });
});
