import { randomUUID } from 'node:crypto';
import { FixedClock } from '@sinergi/common';
import { EventStore } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { Pool } from 'pg';
import { applyRetention, type RetentionPolicy } from './retention';

const DAY = 86_400_000;

/**
 * Retention as the worker runs it, as the application's least-privilege login: rows past their period go; rows an
 * audit still needs stay — anything of a project or case still open, anything pending, anything recent — and the
 * event log keeps every event.
 */
describe('applyRetention', () => {
  let db: MigratedTestDatabase;
  let app: Pool;
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const policy: RetentionPolicy = { verificationRequestsDays: 365, notificationsDays: 365, auditAccessLogDays: 3650, deadLettersDays: 90 };

  beforeAll(async () => {
    db = await createMigratedDatabase('retention');
    app = new Pool({ connectionString: await db.appLogin(), max: 2 });
  });
  afterAll(async () => {
    await app?.end();
    await db?.drop();
  });

  /** A project registered, and closed `closedDaysAgo` ago unless null. */
  const project = async (closedDaysAgo: number | null) => {
    const id = randomUUID();
    const meta = { actor: { kind: 'system' as const, id: 'test' }, correlationId: id };
    await new EventStore(db.pool, { clock: new FixedClock(ago(1000)) }).appendToStream(`project-${id}`, 0, [{ type: 'ProjectRegistered', data: {}, metadata: meta }]);
    if (closedDaysAgo !== null) {
      await new EventStore(db.pool, { clock: new FixedClock(ago(closedDaysAgo)) }).appendToStream(`project-${id}`, 1, [{ type: 'ProjectCompleted', data: {}, metadata: meta }]);
    }
    return id;
  };
  const request = async (projectId: string, completed: boolean) => {
    const jobId = `verify-${randomUUID()}`;
    await db.pool.query(
      `INSERT INTO verification_requests (job_id, project_id, trigger_type, trigger_recorded_at, created_at, completed_at, outcome)
       VALUES ($1, $2, 'ProjectRegistered', $3, $3, $4, $5)`,
      [jobId, projectId, ago(900), completed ? ago(900) : null, completed ? 'verdict' : null],
    );
    return jobId;
  };
  const kase = async (status: 'OPEN' | 'CLOSED', endedDaysAgo: number | null) => {
    const id = randomUUID();
    await db.pool.query(
      `INSERT INTO escalation_cases (case_id, project_id, region_code, agency_code, status, reasons, ladder_region_code, ladder_version, opened_at, ended_at, stream_version)
       VALUES ($1, $2, '73.07', 'PUPR', $3, '{NOT_REGISTERED}', '73.07', 1, $4, $5, 2)`,
      [id, randomUUID(), status, ago(900), endedDaysAgo === null ? null : ago(endedDaysAgo)],
    );
    return id;
  };
  const notification = async (caseId: string | null, status: string, options: { fallbackOf?: string; inbox?: boolean } = {}) => {
    const id = randomUUID();
    await db.pool.query(
      `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, cause_event_id, cause_position, status, created_at, fallback_of)
       VALUES ($1, $2, $3, $4, $5, 0, '73.07', 'PUPR', 'OFFICIAL', 'o-1', $4, 1, $6, $7, $8)`,
      [id, caseId ? 'CASE_ESCALATED' : 'PAYMENT_REQUEST_CLEARED', options.inbox ? 'INBOX' : ['SENT', 'READ'].includes(status) ? 'WHATSAPP' : 'EMAIL', randomUUID(), caseId, status, ago(800), options.fallbackOf ?? null],
    );
    if (options.inbox) {
      await db.pool.query(
        `INSERT INTO inbox_items (id, position, region_code, case_id, project_id, subject, body) VALUES ($1, 'PPK', '73.07', $2, $3, 's', 'b')`,
        [id, caseId ?? randomUUID(), randomUUID()],
      );
    }
    return id;
  };
  const access = async (daysAgo: number) =>
    (
      await db.pool.query(
        `INSERT INTO audit_access_log (access_id, at, actor_sub, roles, regions, action, outcome) VALUES (gen_random_uuid(), $1, 'bpk', '{auditor}', '{73}', 'search', 'ok') RETURNING id::text`,
        [ago(daysAgo)],
      )
    ).rows[0].id as string;
  const deadLetter = async (projectId: string, retriedDaysAgo: number | null) => {
    const id = randomUUID();
    await db.pool.query(`INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at, retried_at) VALUES ($1, 'verification', 'j', $2, 'bpjs_unavailable', 8, $3, $4)`, [
      id,
      projectId,
      ago(800),
      retriedDaysAgo === null ? null : ago(retriedDaysAgo),
    ]);
    return id;
  };
  const ids = async (sql: string) => (await db.pool.query<{ id: string }>(sql)).rows.map((r) => r.id).sort();

  it('deletes what is past its period and keeps what an audit still needs, never an event', async () => {
    const [closedLongAgo, closedLately, open] = [await project(400), await project(100), await project(null)];
    await request(closedLongAgo, true);
    const keep = {
      requests: [await request(closedLongAgo, false), await request(closedLately, true), await request(open, true)],
      notifications: [] as string[],
      access: [await access(3000), await access(10)],
      deadLetters: [await deadLetter(open, null), await deadLetter(open, 10), await deadLetter(await project(30), null)],
    };

    const [endedLongAgo, endedLately, stillOpen] = [await kase('CLOSED', 400), await kase('CLOSED', 30), await kase('OPEN', null)];
    const gone = [await notification(endedLongAgo, 'DELIVERED', { inbox: true }), await notification(endedLongAgo, 'FAILED'), await notification(null, 'DELIVERED')];
    const parent = await notification(endedLongAgo, 'READ');
    gone.push(parent, await notification(endedLongAgo, 'DELIVERED', { fallbackOf: parent }));
    const waitingParent = await notification(endedLongAgo, 'SENT');
    keep.notifications.push(
      await notification(endedLongAgo, 'PENDING'),
      waitingParent,
      await notification(endedLongAgo, 'PENDING', { fallbackOf: waitingParent }),
      await notification(endedLately, 'DELIVERED', { inbox: true }),
      await notification(stillOpen, 'DELIVERED', { inbox: true }),
    );
    await access(4000);
    await deadLetter(open, 200);
    await deadLetter(closedLongAgo, null);
    const events = (await db.pool.query(`SELECT count(*)::int AS n FROM events`)).rows[0].n;

    const report = await applyRetention(app, policy, now);
    expect(report).toEqual({ verificationRequests: 1, notifications: 5, inboxItems: 1, auditAccessLog: 1, deadLetters: 2 });

    expect(await ids(`SELECT job_id AS id FROM verification_requests`)).toEqual(keep.requests.sort());
    expect(await ids(`SELECT id::text FROM notifications`)).toEqual(keep.notifications.sort());
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM inbox_items`)).rows[0].n).toBe(2);
    expect(await ids(`SELECT id::text FROM audit_access_log`)).toEqual(keep.access.sort());
    expect(await ids(`SELECT id::text FROM dead_letters`)).toEqual(keep.deadLetters.sort());
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM events`)).rows[0].n).toBe(events);
    expect(await ids(`SELECT id::text FROM notifications WHERE id = ANY('{${gone.join(',')}}'::uuid[])`)).toEqual([]);

    // A second pass finds nothing more; a period of 0 keeps everything.
    expect(await applyRetention(app, policy, now)).toEqual({ verificationRequests: 0, notifications: 0, inboxItems: 0, auditAccessLog: 0, deadLetters: 0 });
    const never: RetentionPolicy = { verificationRequestsDays: 0, notificationsDays: 0, auditAccessLogDays: 0, deadLettersDays: 0 };
    expect(await applyRetention(app, never, new Date(now.getTime() + 100 * 365 * DAY))).toEqual({ verificationRequests: 0, notifications: 0, inboxItems: 0, auditAccessLog: 0, deadLetters: 0 });
  });

  it('keeps the who-looked log append-only for the application: only the purge function deletes, never its last 365 days', async () => {
    const recent = await access(100);
    await expect(app.query(`DELETE FROM audit_access_log WHERE id = $1`, [recent])).rejects.toMatchObject({ code: '42501' });
    await expect(app.query(`SELECT sinergi_purge_audit_access_log(now() - interval '364 days', 10)`)).rejects.toMatchObject({
      code: '22023',
      message: expect.stringContaining('audit_access_log keeps at least 365 days'),
    });
    // The owner's own DELETE and UPDATE are refused by the trigger, as before.
    await expect(db.pool.query(`DELETE FROM audit_access_log WHERE id = $1`, [recent])).rejects.toMatchObject({ message: expect.stringContaining('append-only: DELETE refused') });
    await expect(db.pool.query(`UPDATE audit_access_log SET actor_sub = 'x' WHERE id = $1`, [recent])).rejects.toMatchObject({ message: expect.stringContaining('append-only: UPDATE refused') });
    // At 365 days it takes what is older (the 3000 days old row the first test kept), not the recent row.
    expect((await app.query(`SELECT sinergi_purge_audit_access_log(now() - interval '365 days', 10) AS n`)).rows[0].n).toBe('1');
    expect(await ids(`SELECT id::text FROM audit_access_log WHERE id = ${Number(recent)}`)).toEqual([recent]);
  });
});
