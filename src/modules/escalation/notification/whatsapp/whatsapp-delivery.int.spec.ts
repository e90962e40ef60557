import { Queue } from 'bullmq';
import { bullConnection, SecretBox, type SinergiConfig, systemClock } from '@sinergi/common';
import { EventStore, loadStream, NO_STREAM, readStreamOf, type RecordedOf } from '@sinergi/event-store';
import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  projectRegistered,
  testConfig,
  testRedisUrl,
  uniqueQueuePrefix,
  waitFor,
} from '@sinergi/testing';
import { startWhatsappGraphFixture, type WhatsappGraphFixture } from '../../../../../test/support/whatsapp-graph-fixture';
import { SinergiMetrics } from '../../../../platform/metrics';
import { constructionProjectModel } from '../../../project-intake/construction-project.decider';
import { projectStreamId } from '../../../project-intake/construction-project.events';
import { RecordProcurementEventsCommand } from '../../../project-intake/commands/record-procurement-event/record-procurement-events.command';
import { RecordProcurementEventsHandler } from '../../../project-intake/commands/record-procurement-event/record-procurement-events.handler';
import { HolidayCalendars } from '../../../project-intake/holidays/holiday-calendars';
import { ProcurementClientRepository, type ProcurementClient } from '../../../procurement-clients/procurement-client.repository';
import { decideCompliance, initialComplianceState } from '../../../verification/compliance/compliance.decider';
import { complianceStreamId } from '../../../verification/compliance/compliance.events';
import { projectFacts } from '../../../verification/commands/verify-enrolment/verify-enrolment.handler';
import { decideCase, type EscalationCaseCommand, escalationCaseModel } from '../../case-decider/escalation-case.decider';
import { caseStreamId, type EscalationCaseEvent } from '../../case-decider/escalation-case.events';
import { OfficialsRepository } from '../../directory/officials.repository';
import { caseIdFor, type DeliverNotificationJob, NOTIFICATION_QUEUE, notificationIdFor, notificationJobId, notificationJobOptions } from '../../escalation.queues';
import { DEFAULT_SINJAI_LADDER } from '../../ladder/escalation-ladder';
import { refreshCaseReadModel } from '../../runtime/case-read-model';
import { EscalationQueues } from '../../runtime/escalation-queues.provider';
import { NotificationPlanner } from '../../runtime/notification-planner';
import { DeliverNotificationHandler } from '../delivery/deliver-notification.handler';
import { DeliverNotificationProcessor } from '../delivery/deliver-notification.processor';
import { NotificationChannels } from '../delivery/notification-channels';
import { type NotificationEvent, notificationStreamId } from '../notification.events';
import { WhatsappReadFallback } from './whatsapp-read-fallback';

// Real PostgreSQL and Redis (BullMQ), and a local stand-in of the Graph API; nothing is mocked.

const AGENCY_CODE = '1.03.0.00.0.00.01.0000';
const CONTRACTOR_MOBILE = '0812-3456-7890';
const CONTRACTOR_WA = '6281234567890';
const KADIS_WA = '+6281355550001';
const BPJS_WA = '+6281355550002';
const PHONES = [CONTRACTOR_WA, KADIS_WA.slice(1), BPJS_WA.slice(1), '81234567890', '81355550001'];

let db: MigratedTestDatabase;
let prefix: string;
let config: SinergiConfig;
let store: EventStore;
let box: SecretBox;
let graph: WhatsappGraphFixture;
let processor: DeliverNotificationProcessor;
let queue: Queue<DeliverNotificationJob>;
let escalationQueues: EscalationQueues;
let officials: OfficialsRepository;
let ingestClient: ProcurementClient;
let kadisId: string;
let bpjsId: string;

beforeAll(async () => {
  db = await createMigratedDatabase('whatsapp_delivery');
  prefix = uniqueQueuePrefix('whatsapp');
  graph = await startWhatsappGraphFixture();
  config = testConfig({
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    PUBLIC_BASE_URL: 'https://sinergi.sinjaikab.example',
    NOTIFICATION_ATTEMPTS: '4',
    NOTIFICATION_BACKOFF_MS: '50',
    DELIVERY_TIMEOUT_MS: '5000',
    ...graph.env,
    WHATSAPP_READ_FALLBACK_HOURS: '24',
  });
  store = new EventStore(db.pool);
  box = new SecretBox(config.secretsKey);
  const metrics = new SinergiMetrics('worker');
  ingestClient = (await new ProcurementClientRepository(db.pool, box).create({ id: 'spse-sinjai', name: 'SPSE Kabupaten Sinjai', regionScopes: ['73.07'] })).client;
  officials = new OfficialsRepository(db.pool, box);
  kadisId = (
    await officials.create({ name: 'Ir. Andi Kadis', position: 'KEPALA_DINAS', regionScope: '73.07', agencyCode: AGENCY_CODE, email: 'kadis@sinjaikab.example', whatsapp: KADIS_WA, whatsappOptIn: true })
  ).official.id;
  bpjsId = (await officials.create({ name: 'Kepala Cabang BPJS', position: 'BPJS_BRANCH', regionScope: '73.07', email: 'kacab@bpjs.example', whatsapp: BPJS_WA, whatsappOptIn: false })).official.id;

  const channels = new NotificationChannels(config);
  processor = new DeliverNotificationProcessor(new DeliverNotificationHandler(db.pool, store, box, channels, metrics, config, systemClock), channels, config);
  processor.onApplicationBootstrap();
  queue = new Queue<DeliverNotificationJob>(NOTIFICATION_QUEUE, { connection: bullConnection(config, 'producer'), prefix });
  escalationQueues = new EscalationQueues(config);
});

afterAll(async () => {
  await processor?.beforeApplicationShutdown();
  await queue?.close();
  await escalationQueues?.onApplicationShutdown();
  await graph?.close();
  await deleteKeysWithPrefix(testRedisUrl(), prefix);
  await db?.drop();
});

interface SeededCase {
  projectId: string;
  caseId: string;
  npwp: string;
  causeOf: Map<string, string>;
  apply(command: EscalationCaseCommand): Promise<void>;
}

/** A Sinjai project through the ingest handler (its contractor opted in to WhatsApp), a shortfall and an open case at level 0. */
async function seedCase(projectRef: string, contractor: Record<string, unknown> = { phone: CONTRACTOR_MOBILE, whatsappOptIn: true }): Promise<SeededCase> {
  const ingest = new RecordProcurementEventsHandler(store, box, new SinergiMetrics('worker'), db.pool, systemClock, new HolidayCalendars(db.pool));
  const registered = projectRegistered(projectRef);
  const data = { ...registered.data, contractor: { ...registered.data.contractor, ...contractor } };
  const [result] = await ingest.execute(new RecordProcurementEventsCommand(ingestClient, [{ ...registered, data }], `test-${projectRef}`));
  if (!('answer' in result)) throw new Error(`registration refused: ${JSON.stringify(result)}`);
  const projectId = result.answer.projectId as string;
  const project = (await loadStream(store, constructionProjectModel, projectStreamId(projectId))).state;
  const due = BigInt(project.premium!.total);
  const verdict = decideCompliance(
    {
      type: 'RecordRegistryAnswer',
      enrolment: {
        source: 'bpjs_api',
        projectNumber: '7307250000123',
        npp: '73070001',
        status: 'ACTIVE',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        premiumAssessed: due.toString(),
        premiumPaid: (due - 1_000_000n).toString(),
        workersRegistered: 35,
      },
      uncoveredPersonRefs: null,
      checkedOn: '2025-10-27',
      checkedAt: '2025-05-20T02:00:00.000Z',
    },
    initialComplianceState(),
    projectFacts(projectId, project),
  );
  const meta = { actor: { kind: 'system' as const, id: 'test' }, correlationId: `test-${projectRef}`, regionCode: '73.07.06' };
  await store.appendToStream(complianceStreamId(projectId), NO_STREAM, verdict.map((e) => ({ type: e.type, data: e.data, metadata: meta })));
  const caseId = caseIdFor(projectId, 1);
  const causeOf = new Map<string, string>();
  const apply = async (command: EscalationCaseCommand) => {
    const snapshot = await loadStream(store, escalationCaseModel, caseStreamId(caseId));
    const decided = decideCase(command, snapshot.state);
    const appended = await store.appendToStream(caseStreamId(caseId), snapshot.head, decided.map((e) => ({ type: e.type, data: e.data, metadata: meta })));
    decided.forEach((e, i) => e.type === 'EscalationLevelReached' && causeOf.set(`level-${e.data.level}`, appended[i].eventId));
    const tx = await db.pool.connect();
    try {
      await refreshCaseReadModel(store, tx, [caseId]);
    } finally {
      tx.release();
    }
  };
  await apply({ type: 'OpenCase', caseId, projectId, regionCode: '73.07.06', agencyCode: AGENCY_CODE, reasons: ['PREMIUM_SHORTFALL'], ladder: DEFAULT_SINJAI_LADDER, now: '2025-05-20T02:00:00.000Z' });
  return { projectId, caseId, npwp: project.registration!.contractor.npwp, causeOf, apply };
}

/** What the relay plans for the case's levels reached so far, as it would (WhatsApp on). */
async function plan(c: SeededCase): Promise<{ id: string; channel: string; recipient_kind: string; recipient_id: string; level: number }[]> {
  const stream = await readStreamOf<EscalationCaseEvent>(store, caseStreamId(c.caseId));
  const state = (await loadStream(store, escalationCaseModel, caseStreamId(c.caseId))).state;
  const tx = await db.pool.connect();
  try {
    await new NotificationPlanner(store, officials, tx, { whatsapp: true }).plan(stream.events, new Map([[c.caseId, state]]));
  } finally {
    tx.release();
  }
  return (await db.pool.query(`SELECT id, channel, recipient_kind, recipient_id, level FROM notifications WHERE case_id = $1 ORDER BY level, channel, recipient_kind, recipient_id`, [c.caseId])).rows;
}

const enqueue = (id: string) => queue.add('deliver', { notificationId: id }, { ...notificationJobOptions(config), jobId: notificationJobId(id) });
const rowOf = async (id: string) =>
  (await db.pool.query(`SELECT status, attempts, last_error_code, provider_message_id, sent_at, delivered_at, read_at, fallback_of FROM notifications WHERE id = $1`, [id])).rows[0];
const settled = (id: string) => waitFor(() => rowOf(id), (r) => r.status !== 'PENDING', 20_000);
const eventsOf = async (id: string): Promise<RecordedOf<NotificationEvent>[]> => (await readStreamOf<NotificationEvent>(store, notificationStreamId(id))).events;
const whatsappId = (c: SeededCase, level: number, kind: string, recipientId: string) =>
  notificationIdFor({ caseId: c.caseId, cause: `level-${level}`, channel: 'WHATSAPP', recipientKind: kind, recipientId });

describe('WhatsApp delivery', () => {
  let first: SeededCase;

  it('plans WhatsApp for an opted-in contractor beside the e-mail, and for opted-in officials instead of it', async () => {
    first = await seedCase('WA-0001');
    await first.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    const rows = await plan(first);
    const level = (n: number) => rows.filter((r) => r.level === n).map((r) => `${r.channel}:${r.recipient_kind}:${r.recipient_id}`);
    expect(level(0)).toEqual(expect.arrayContaining(['EMAIL:CONTRACTOR:' + first.npwp, 'WHATSAPP:CONTRACTOR:' + first.npwp]));
    // The head of agency opted in: WhatsApp, and e-mail only if it stays unread. The BPJS branch head did not: e-mail.
    expect(level(1)).toEqual(expect.arrayContaining([`WHATSAPP:OFFICIAL:${kadisId}`, `INBOX:OFFICIAL:${kadisId}`, `EMAIL:OFFICIAL:${bpjsId}`, `INBOX:OFFICIAL:${bpjsId}`]));
    expect(level(1)).not.toContain(`EMAIL:OFFICIAL:${kadisId}`);
    expect(level(1)).not.toContain(`WHATSAPP:OFFICIAL:${bpjsId}`);

    // A contractor without the opt-in, or with a landline, gets no WhatsApp.
    for (const [ref, contractor] of [
      ['WA-0002', { phone: CONTRACTOR_MOBILE }],
      ['WA-0003', { phone: '(0482) 21234', whatsappOptIn: true }],
    ] as const) {
      const other = await seedCase(ref, contractor);
      expect((await plan(other)).filter((r) => r.channel === 'WHATSAPP')).toEqual([]);
    }
  });

  it('sends the approved template in Bahasa Indonesia with a Bearer token, records the wamid, and the row is SENT', async () => {
    const id = whatsappId(first, 0, 'CONTRACTOR', first.npwp);
    await enqueue(id);
    const row = await settled(id);
    const request = graph.requests.find((r) => r.to === CONTRACTOR_WA)!;
    expect(request).toMatchObject({ authorised: true, path: '/v22.0/106540352242922/messages', status: 200 });
    expect(request.body).toMatchObject({ messaging_product: 'whatsapp', type: 'template', to: CONTRACTOR_WA });
    expect(request.template).toMatchObject({ name: 'sinergi_kasus_eskalasi', language: { code: 'id' } });
    const parameters = request.template.components[0].parameters;
    expect(request.template.components[0].type).toBe('body');
    expect(parameters.every((p) => p.type === 'text')).toBe(true);
    expect(parameters.map((p) => p.text)).toEqual([
      '0',
      'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
      expect.stringContaining('Bulupoddo'),
      'CV Karya Sinjai Mandiri',
      'iuran yang dibayar kurang dari iuran terutang',
      'Rp 1.000.000',
      expect.stringMatching(/^\d{1,2} (Mei|April|Juni) 2025$/),
      expect.stringContaining('dinaikkan ke tingkat 1'),
      expect.stringMatching(/^https:\/\/sinergi\.sinjaikab\.example\//),
    ]);

    expect(row).toMatchObject({ status: 'SENT', attempts: 1, provider_message_id: request.messageId, read_at: null });
    expect(row.sent_at).toBeInstanceOf(Date);
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(['NotificationDelivered']);
    expect(events[0].data).toMatchObject({ channel: 'WHATSAPP', result: { channel: 'WHATSAPP', messageId: request.messageId, template: 'sinergi_kasus_eskalasi' } });
    // The number travels only in the request to the Cloud API.
    for (const phone of PHONES) expect(JSON.stringify(events)).not.toContain(phone);
  });

  it('does not retry a number that is not on WhatsApp (131021): FAILED at once, with the code', async () => {
    graph.refuse(KADIS_WA.slice(1), { status: 400, code: 131021 });
    const id = whatsappId(first, 1, 'OFFICIAL', kadisId);
    await enqueue(id);
    const row = await settled(id);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 1, last_error_code: 'whatsapp_not_on_whatsapp' });
    expect(graph.requests.filter((r) => r.to === KADIS_WA.slice(1))).toHaveLength(1);
    const [failed] = await eventsOf(id);
    expect(failed).toMatchObject({ type: 'NotificationDeliveryFailed', data: { code: 'whatsapp_not_on_whatsapp', retryable: false, final: true, replyCode: 131021 } });
    graph.refuse(KADIS_WA.slice(1), null);
  });

  it('retries 429 and 130429 with back-off, then sends once', async () => {
    const c = await seedCase('WA-0004', { phone: '+62 813 5555 0009', whatsappOptIn: true });
    await plan(c);
    graph.fail('6281355550009', { status: 429 }, { status: 400, code: 130429 });
    const id = whatsappId(c, 0, 'CONTRACTOR', c.npwp);
    await enqueue(id);
    const row = await settled(id);
    const requests = graph.requests.filter((r) => r.to === '6281355550009');
    expect(requests.map((r) => r.status)).toEqual([429, 400, 200]);
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(20);
    expect(row).toMatchObject({ status: 'SENT', attempts: 3, provider_message_id: requests[2].messageId });
    const events = await eventsOf(id);
    expect(events.map((e) => [e.type, (e.data as { code?: string }).code])).toEqual([
      ['NotificationDeliveryFailed', 'whatsapp_rate_limited'],
      ['NotificationDeliveryFailed', 'whatsapp_rate_limited'],
      ['NotificationDelivered', undefined],
    ]);
  });

  it('applies a status that overtook the Cloud API answer once the acceptance is recorded', async () => {
    const c = await seedCase('WA-0005', { phone: '081355550010', whatsappOptIn: true });
    await plan(c);
    const id = whatsappId(c, 0, 'CONTRACTOR', c.npwp);
    // The webhook was faster than the answer: its statuses wait in whatsapp_parked_statuses.
    graph.onAccept = async (request) => {
      await db.pool.query(
        `INSERT INTO whatsapp_parked_statuses (message_id, status, reported_at) VALUES ($1, 'DELIVERED', now()), ($1, 'SENT', now() - interval '1 second')`,
        [request.messageId],
      );
    };
    try {
      await enqueue(id);
      await waitFor(() => rowOf(id), (r) => r.status === 'DELIVERED', 20_000);
    } finally {
      graph.onAccept = null;
    }
    const events = await eventsOf(id);
    expect(events.map((e) => (e.type === 'NotificationStatusReported' ? `${e.type}:${e.data.status}` : e.type))).toEqual([
      'NotificationDelivered',
      'NotificationStatusReported:SENT',
      'NotificationStatusReported:DELIVERED',
    ]);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM whatsapp_parked_statuses`)).rows[0].n).toBe(0);
  });

  it('finds no address for an official who opted out after the level was planned', async () => {
    const c = await seedCase('WA-0006');
    await c.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    await plan(c);
    await officials.update(kadisId, { whatsappOptIn: false });
    try {
      const id = whatsappId(c, 1, 'OFFICIAL', kadisId);
      await enqueue(id);
      expect(await settled(id)).toMatchObject({ status: 'FAILED', last_error_code: 'no_address' });
      expect(graph.requests.filter((r) => r.to === KADIS_WA.slice(1))).toHaveLength(1);
    } finally {
      await officials.update(kadisId, { whatsappOptIn: true });
    }
  });
});

describe('the read fallback', () => {
  // The messages that failed above have had their e-mail planned already: from here on, each test counts its own.
  beforeAll(() => new WhatsappReadFallback(db.pool, store, escalationQueues, config, systemClock).run());

  it('e-mails an official whose WhatsApp message is unread after the configured hours, once; a failed message at once', async () => {
    const c = await seedCase('WA-0007');
    await c.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    await plan(c);
    const whatsapp = whatsappId(c, 1, 'OFFICIAL', kadisId);
    const email = notificationIdFor({ caseId: c.caseId, cause: 'level-1', channel: 'EMAIL', recipientKind: 'OFFICIAL', recipientId: kadisId });
    await db.pool.query(`UPDATE notifications SET status = 'SENT', provider_message_id = 'wamid.fallback-1', sent_at = now() WHERE id = $1`, [whatsapp]);
    const fallback = new WhatsappReadFallback(db.pool, store, escalationQueues, config, systemClock);

    // Not yet: 23 hours.
    const created = (await db.pool.query(`SELECT created_at FROM notifications WHERE id = $1`, [whatsapp])).rows[0].created_at as Date;
    expect((await fallback.run(new Date(created.getTime() + 23 * 3_600_000))).emails).toBe(0);
    expect(await rowOf(email)).toBeUndefined();

    // 25 hours, unread: the level's e-mail, pointing at the WhatsApp notification it stands in for, queued.
    const later = new Date(created.getTime() + 25 * 3_600_000);
    expect(await fallback.run(later)).toMatchObject({ emails: 1 });
    expect(await rowOf(email)).toMatchObject({ fallback_of: whatsapp });
    expect(await escalationQueues.notifications.getJob(notificationJobId(email))).toBeDefined();
    // Once.
    expect((await fallback.run(new Date(later.getTime() + 3_600_000))).emails).toBe(0);
    expect((await db.pool.query(`SELECT count(*)::int AS n FROM notifications WHERE fallback_of = $1`, [whatsapp])).rows[0].n).toBe(1);

    // A read message needs none; a failed one gets it without waiting.
    const d = await seedCase('WA-0008');
    await d.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    await plan(d);
    const read = whatsappId(d, 1, 'OFFICIAL', kadisId);
    await db.pool.query(`UPDATE notifications SET status = 'READ', provider_message_id = 'wamid.fallback-2', read_at = now() WHERE id = $1`, [read]);
    expect((await fallback.run(new Date(Date.now() + 48 * 3_600_000))).emails).toBe(0);
    const e = await seedCase('WA-0009');
    await e.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    await plan(e);
    await db.pool.query(`UPDATE notifications SET status = 'FAILED', failed_at = now() WHERE id = $1`, [whatsappId(e, 1, 'OFFICIAL', kadisId)]);
    expect((await fallback.run()).emails).toBe(1);
  });

  it('sends no fallback for a case that has ended', async () => {
    const c = await seedCase('WA-0010');
    await c.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    await plan(c);
    await c.apply({ type: 'ResolveCase', now: '2025-05-24T02:00:00.000Z' });
    const fallback = new WhatsappReadFallback(db.pool, store, escalationQueues, config, systemClock);
    const pass = await fallback.run(new Date(Date.now() + 48 * 3_600_000));
    expect(pass.emails).toBe(0);
    expect((await db.pool.query(`SELECT fallback_checked_at FROM notifications WHERE id = $1`, [whatsappId(c, 1, 'OFFICIAL', kadisId)])).rows[0].fallback_checked_at).not.toBeNull();
  });
});
