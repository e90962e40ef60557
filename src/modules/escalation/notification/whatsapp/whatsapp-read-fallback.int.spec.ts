import { randomUUID } from 'node:crypto';
import { FixedClock, type SinergiConfig } from '@sinergi/common';
import { EventStore, NO_STREAM } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase, testConfig } from '@sinergi/testing';
import type { EscalationQueues } from '../../runtime/escalation-queues.provider';
import { WhatsappReadFallback } from './whatsapp-read-fallback';

// Real PostgreSQL, whose clock is the real one; this process's clock (the CLOCK the worker runs with) is a day off.

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

let db: MigratedTestDatabase;
let config: SinergiConfig;
let officialId: string;
const queued: string[] = [];
const queues = { enqueueNotifications: async (ids: string[]) => void queued.push(...ids) } as unknown as EscalationQueues;

beforeAll(async () => {
  db = await createMigratedDatabase('whatsapp_read_fallback');
  config = testConfig({
    DATABASE_URL: db.url,
    WHATSAPP_API_URL: 'http://127.0.0.1:9',
    WHATSAPP_PHONE_NUMBER_ID: '1234567890',
    WHATSAPP_TOKEN: 'test-token-0000',
    WHATSAPP_APP_SECRET: 'test-secret-0000',
    WHATSAPP_VERIFY_TOKEN: 'test-verify-0000',
    WHATSAPP_READ_FALLBACK_HOURS: '24',
  });
  officialId = randomUUID();
  await db.pool.query(
    `INSERT INTO officials (id, name, position, region_scope, email, whatsapp, whatsapp_opt_in)
     VALUES ($1, 'Kepala Dinas Uji', 'KEPALA_DINAS', '73.07', 'kadis.uji@example.go.id', '+6281200000001', true)`,
    [officialId],
  );
});
afterAll(() => db?.drop());

/**
 * An open case whose level-1 WhatsApp message to the official was planned from an event this process recorded at
 * `plannedAt` (its clock) and, unless `acceptedAt` is null, accepted by the Cloud API at `acceptedAt` (its clock).
 * The row's created_at is PostgreSQL's now().
 */
async function whatsappMessage(plannedAt: Date, acceptedAt: Date | null): Promise<string> {
  const caseId = randomUUID();
  const projectId = randomUUID();
  const causeEventId = randomUUID();
  const store = new EventStore(db.pool, { clock: new FixedClock(plannedAt) });
  await store.appendToStream(`escalation-case-test-${caseId}`, NO_STREAM, [
    { type: 'CaseEscalated', eventId: causeEventId, data: { caseId, level: 1 }, metadata: { actor: { kind: 'system', id: 'test' }, correlationId: 'c-1' } },
  ]);
  await db.pool.query(
    `INSERT INTO escalation_cases (case_id, project_id, region_code, agency_code, status, reasons, current_level, ladder_region_code, ladder_version,
            opened_at, stream_version)
     VALUES ($1, $2, '73.07.06', '1.03.0.00.0.00.01.0000', 'OPEN', '{}', 1, '73.07', 1, $3, 2)`,
    [caseId, projectId, plannedAt],
  );
  const id = randomUUID();
  await db.pool.query(
    `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, position,
            cause_event_id, cause_position, status, attempts, provider_message_id, sent_at)
     VALUES ($1, 'CASE_ESCALATED', 'WHATSAPP', $2, $3, 1, '73.07.06', '1.03.0.00.0.00.01.0000', 'OFFICIAL', $4, 'KEPALA_DINAS', $5, 1, $6, $7, $8, $9)`,
    [id, projectId, caseId, officialId, causeEventId, acceptedAt ? 'SENT' : 'PENDING', acceptedAt ? 1 : 0, acceptedAt ? `wamid.${id}` : null, acceptedAt],
  );
  return id;
}

const fallbackOf = async (id: string) =>
  (await db.pool.query<{ id: string }>(`SELECT id FROM notifications WHERE fallback_of = $1 AND channel = 'EMAIL'`, [id])).rows.map((r) => r.id);

describe('the WhatsApp read fallback with this host a day off the database', () => {
  it.each([
    ['ahead of', DAY_MS],
    ['behind', -DAY_MS],
  ])('e-mails an unread message after the configured hours by this process clock, with its clock a day %s PostgreSQL', async (_, offset) => {
    // The Cloud API accepted the message now by this process's clock: a day off PostgreSQL's.
    const acceptedAt = new Date(Date.now() + offset);
    const sent = await whatsappMessage(new Date(acceptedAt.getTime() - 60_000), acceptedAt);
    // Planned then, still not accepted (retried): measured from the event that planned it, also on this clock.
    const pending = await whatsappMessage(acceptedAt, null);
    const clock = new FixedClock(new Date(acceptedAt.getTime() + HOUR_MS));
    const fallback = new WhatsappReadFallback(db.pool, new EventStore(db.pool, { clock }), queues, config, clock);

    // An hour later by its clock: nothing yet.
    expect((await fallback.run()).emails).toBe(0);
    expect(await fallbackOf(sent)).toEqual([]);
    expect(await fallbackOf(pending)).toEqual([]);

    // 23 h after acceptance: still nothing.
    clock.set(new Date(acceptedAt.getTime() + 23 * HOUR_MS));
    expect((await fallback.run()).emails).toBe(0);

    // 25 h after: each message's e-mail, once, and queued.
    clock.set(new Date(acceptedAt.getTime() + 25 * HOUR_MS));
    expect(await fallback.run()).toMatchObject({ emails: 2, checked: 2 });
    const emails = [...(await fallbackOf(sent)), ...(await fallbackOf(pending))];
    expect(emails).toHaveLength(2);
    expect(queued).toEqual(expect.arrayContaining(emails));
    clock.advance(HOUR_MS);
    expect((await fallback.run()).emails).toBe(0);
  });
});
