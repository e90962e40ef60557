import { randomUUID } from 'node:crypto';
import type { SinergiConfig } from '@sinergi/common';
import { EventStore, readStreamOf } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase, testConfig } from '@sinergi/testing';
import { Pool } from 'pg';
import { startWhatsappGraphFixture, type StatusName, type WhatsappGraphFixture } from '../../../../../test/support/whatsapp-graph-fixture';
import { SinergiMetrics } from '../../../../platform/metrics';
import { type NotificationEvent, notificationStreamId, type ReportedMessageStatus } from '../notification.events';
import { hubSignature, STATUS_RANK } from './whatsapp-status';
import { WhatsappStatusWebhookHandler } from './whatsapp-status-webhook.handler';
import { RecordWhatsappStatusesCommand } from './whatsapp-webhook.messages';

// Real PostgreSQL; two handlers on two pools stand for two api processes. The Graph API stand-in only builds and
// signs the webhook bodies here.

let db: MigratedTestDatabase;
let graph: WhatsappGraphFixture;
let config: SinergiConfig;
let second: Pool;
let handlers: [WhatsappStatusWebhookHandler, WhatsappStatusWebhookHandler];

beforeAll(async () => {
  db = await createMigratedDatabase('whatsapp_status_webhook');
  graph = await startWhatsappGraphFixture();
  config = testConfig({ DATABASE_URL: db.url, ...graph.env });
  second = new Pool({ connectionString: db.url, max: 10 });
  second.on('error', () => undefined);
  handlers = [
    new WhatsappStatusWebhookHandler(db.pool, new EventStore(db.pool), new SinergiMetrics('api'), config),
    new WhatsappStatusWebhookHandler(second, new EventStore(second), new SinergiMetrics('api'), config),
  ];
});

afterAll(async () => {
  await second?.end();
  await graph?.close();
  await db?.drop();
});

const T0 = Date.parse('2026-11-02T01:00:00Z');
/** When each status happened: sent, then delivered, the failure (a second device), read. */
const AT: Record<StatusName, number> = { sent: T0, delivered: T0 + 5_000, failed: T0 + 10_000, read: T0 + 20_000 };

/** A WHATSAPP notification the Cloud API accepted (SENT, with its wamid). */
async function acceptedNotification(): Promise<{ id: string; wamid: string }> {
  const id = randomUUID();
  const wamid = `wamid.${randomUUID()}`;
  await db.pool.query(
    `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, position,
            cause_event_id, cause_position, status, attempts, provider_message_id, sent_at)
     VALUES ($1, 'CASE_ESCALATED', 'WHATSAPP', $2, $3, 1, '73.07.06', '1.03.0.00.0.00.01.0000', 'OFFICIAL', $4, 'KEPALA_DINAS', $5, 1, 'SENT', 1, $6, $7)`,
    [id, randomUUID(), randomUUID(), randomUUID(), randomUUID(), wamid, new Date(T0 - 1_000)],
  );
  return { id, wamid };
}

const post = (handler: WhatsappStatusWebhookHandler, wamid: string, status: StatusName) => {
  const body = graph.statusPayload(wamid, status, { at: new Date(AT[status]), errorCode: 131026 });
  return handler.execute(new RecordWhatsappStatusesCommand(Buffer.from(body), hubSignature(graph.appSecret, body), JSON.parse(body)));
};

async function outcomeOf(id: string) {
  const { rows } = await db.pool.query(`SELECT status, delivered_at, read_at, failed_at, last_error_code FROM notifications WHERE id = $1`, [id]);
  const events = (await readStreamOf<NotificationEvent>(new EventStore(db.pool), notificationStreamId(id))).events.flatMap((e) =>
    e.type === 'NotificationStatusReported' ? [e.data] : [],
  );
  return { row: rows[0], events };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

const FURTHEST: [StatusName[], ReportedMessageStatus][] = [
  [['sent', 'delivered', 'read'], 'READ'],
  [['sent', 'failed'], 'FAILED'],
  // Meta may report a failure for a message it also reports delivered (another of the recipient's devices): it arrived.
  [['sent', 'delivered', 'failed'], 'DELIVERED'],
  [['delivered', 'failed', 'read'], 'READ'],
];

describe('the WhatsApp status webhook', () => {
  it.each(FURTHEST)('ends %j in %s whatever order the webhooks come in, one event per status, never moving back', async (statuses, expected) => {
    for (const order of permutations(statuses)) {
      const { id, wamid } = await acceptedNotification();
      for (const status of order) await post(handlers[0], wamid, status);
      const { row, events } = await outcomeOf(id);
      expect({ order, status: row.status }).toEqual({ order, status: expected });
      expect(events.map((e) => e.status).sort()).toEqual(statuses.map((s) => s.toUpperCase()).sort());
      const ranks = events.map((e) => STATUS_RANK[e.notificationStatus]);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      expect(events.at(-1)!.notificationStatus).toBe(expected);
      // The failure time and code stand only for a message that failed; the read time for one that was read.
      expect(row.failed_at === null).toBe(expected !== 'FAILED');
      if (expected === 'FAILED') expect(row.last_error_code).toBe('whatsapp_not_on_whatsapp');
      expect(row.read_at?.getTime() ?? null).toBe(statuses.includes('read') ? AT.read : null);
      if (statuses.includes('delivered')) expect(row.delivered_at.getTime()).toBe(AT.delivered);
    }
  });

  it('records each status once when both api processes get every status several times at once', async () => {
    const messages = await Promise.all(Array.from({ length: 6 }, () => acceptedNotification()));
    const posts = messages.flatMap(({ wamid }, i) =>
      (i % 2 ? (['sent', 'delivered', 'failed'] as const) : (['read', 'failed', 'delivered', 'sent'] as const)).flatMap((status) =>
        handlers.flatMap((handler) => Array.from({ length: 3 }, () => () => post(handler, wamid, status))),
      ),
    );
    // Shuffled, all in flight at once.
    for (let i = posts.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [posts[i], posts[j]] = [posts[j], posts[i]];
    }
    const outcomes = await Promise.all(posts.map((p) => p()));
    for (const [i, { id }] of messages.entries()) {
      const { row, events } = await outcomeOf(id);
      expect(row.status).toBe(i % 2 ? 'DELIVERED' : 'READ');
      expect(events).toHaveLength(i % 2 ? 3 : 4);
      expect(new Set(events.map((e) => e.status)).size).toBe(events.length);
    }
    expect(outcomes.reduce((n, o) => n + o.recorded, 0)).toBe(3 * 3 + 3 * 4);
  });
});
