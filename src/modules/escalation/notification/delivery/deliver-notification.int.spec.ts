import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { standardWebhookSecret, verifyPayloadSignature } from '@sinergi/auth';
import { Webhook } from 'standardwebhooks';
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
import { type EscalationCaseCommand, decideCase, escalationCaseModel } from '../../case-decider/escalation-case.decider';
import { caseStreamId } from '../../case-decider/escalation-case.events';
import { OfficialsRepository } from '../../directory/officials.repository';
import { caseIdFor, type DeliverNotificationJob, NOTIFICATION_QUEUE, notificationIdFor, notificationJobId, notificationJobOptions } from '../../escalation.queues';
import { DEFAULT_SINJAI_LADDER } from '../../ladder/escalation-ladder';
import { type NotificationEvent, notificationStreamId } from '../notification.events';
import { DeliverNotificationHandler } from './deliver-notification.handler';
import { DeliverNotificationProcessor } from './deliver-notification.processor';
import { NotificationChannels } from './notification-channels';
import { NotificationInFlightError } from './notification-undeliverable.error';

// Real PostgreSQL, Redis (BullMQ), an SMTP server and an HTTP receiver on ephemeral ports; nothing is mocked.

const PUBLIC_BASE_URL = 'https://sinergi.sinjaikab.example';
const AGENCY_CODE = '1.03.0.00.0.00.01.0000';
const CONTRACTOR_EMAIL = 'kontak@karyasinjai.example';
const PPK_EMAIL = 'ppk.pupr@sinjaikab.example';
const KADIS_EMAIL = 'kadis.pupr@sinjaikab.example';
const BPJS_EMAIL = 'tidak.terdaftar@bpjs-sinjai.example';
const ADDRESSES = [CONTRACTOR_EMAIL, PPK_EMAIL, KADIS_EMAIL, BPJS_EMAIL];

interface ReceivedMail {
  to: string[];
  mail: ParsedMail;
}

interface ReceivedHook {
  path: string;
  at: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

let db: MigratedTestDatabase;
let prefix: string;
let config: SinergiConfig;
let store: EventStore;
let box: SecretBox;
let metrics: SinergiMetrics;
let channels: NotificationChannels;
let processor: DeliverNotificationProcessor;
let queue: Queue<DeliverNotificationJob>;
let smtp: SMTPServer;
let receiver: Server;
let receiverUrl: string;
let ingestClient: ProcurementClient;
let clientSecret: string;
let kadisId: string;
let bpjsOfficialId: string;

const mails: ReceivedMail[] = [];
const hooks: ReceivedHook[] = [];
/** SMTP reply codes to give, in turn, to RCPT TO for an address; then it is accepted. */
const smtpFailures = new Map<string, number[]>();
/** Addresses answered 550 every time. */
const smtpRejects = new Set<string>();
const rcptAttempts = new Map<string, number>();
/** Statuses (with Retry-After seconds) the receiver answers for a path, in turn; then 200. */
const hookAnswers = new Map<string, { status: number; retryAfter?: string }[]>();

beforeAll(async () => {
  db = await createMigratedDatabase('notification_delivery');
  prefix = uniqueQueuePrefix('notification');

  smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      const to = address.address.toLowerCase();
      rcptAttempts.set(to, (rcptAttempts.get(to) ?? 0) + 1);
      const code = smtpRejects.has(to) ? 550 : smtpFailures.get(to)?.shift();
      if (code === undefined) return callback();
      callback(Object.assign(new Error(code >= 500 ? `<${to}> mailbox unavailable` : 'try again later'), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const to = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      simpleParser(stream).then(
        (mail) => {
          mails.push({ to, mail });
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  smtp.on('error', () => undefined);
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;

  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '', at: Date.now(), headers: req.headers, body: Buffer.concat(chunks) });
      const answer = hookAnswers.get(req.url ?? '')?.shift();
      if (answer) res.writeHead(answer.status, answer.retryAfter ? { 'retry-after': answer.retryAfter } : {}).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

  config = testConfig({
    DATABASE_URL: db.url,
    QUEUE_PREFIX: prefix,
    SMTP_URL: smtpUrl,
    WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
    PUBLIC_BASE_URL,
    NOTIFICATION_ATTEMPTS: '5',
    NOTIFICATION_BACKOFF_MS: '50',
    DELIVERY_TIMEOUT_MS: '5000',
  });
  store = new EventStore(db.pool);
  box = new SecretBox(config.secretsKey);
  metrics = new SinergiMetrics('worker');

  const clients = new ProcurementClientRepository(db.pool, box);
  ingestClient = (await clients.create({ id: 'spse-sinjai', name: 'SPSE Kabupaten Sinjai', regionScopes: ['73.07'] })).client;
  // A rotation leaves two active secrets: webhooks are signed with the newer one.
  clientSecret = await clients.rotateSecret('spse-sinjai');
  await clients.create({ id: 'lpse-busy', name: 'LPSE yang sibuk', regionScopes: ['73.07'] });
  await clients.create({ id: 'sirup-nohook', name: 'SiRUP tanpa webhook', regionScopes: ['73.07'] });
  // The local receiver's plain-http URLs, as WEBHOOK_ALLOW_HOSTS=127.0.0.1 lets a deployment register them.
  for (const [id, path] of [['spse-sinjai', '/hook/spse'], ['lpse-busy', '/hook/busy']]) {
    await db.pool.query('UPDATE procurement_clients SET webhook_url = $2 WHERE id = $1', [id, `${receiverUrl}${path}`]);
  }

  const officials = new OfficialsRepository(db.pool, box);
  kadisId = (await officials.create({ name: 'Ir. Andi Kadis', position: 'KEPALA_DINAS', regionScope: '73.07', agencyCode: AGENCY_CODE, email: KADIS_EMAIL })).official.id;
  bpjsOfficialId = (await officials.create({ name: 'Kepala Cabang BPJS', position: 'BPJS_BRANCH', regionScope: '73.07', email: BPJS_EMAIL })).official.id;

  channels = new NotificationChannels(config);
  const handler = new DeliverNotificationHandler(db.pool, store, box, channels, metrics, config, systemClock);
  processor = new DeliverNotificationProcessor(handler, channels, config);
  processor.onApplicationBootstrap();
  queue = new Queue<DeliverNotificationJob>(NOTIFICATION_QUEUE, { connection: bullConnection(config, 'producer'), prefix });
});

afterAll(async () => {
  await processor?.beforeApplicationShutdown();
  await queue?.close();
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await deleteKeysWithPrefix(testRedisUrl(), prefix);
  await db?.drop();
});

interface SeededCase {
  projectId: string;
  caseId: string;
  npwp: string;
  ppkRef: string;
  /** Shortfall in rupiah. */
  shortfall: bigint;
  /** Event id of the case event that reached `level`, or of the last command's first event. */
  causeOf: Map<string, string>;
  /** Appends what `command` decides on the case; returns the first event's id. */
  apply(command: EscalationCaseCommand): Promise<string>;
}

/** A registered Sinjai project (through the ingest handler), a premium shortfall verdict and an open case at level 0. */
async function seedCase(projectRef: string, dataOverrides: Record<string, unknown> = {}): Promise<SeededCase> {
  const ingest = new RecordProcurementEventsHandler(store, box, metrics, db.pool, systemClock, new HolidayCalendars(db.pool));
  const [result] = await ingest.execute(new RecordProcurementEventsCommand(ingestClient, [projectRegistered(projectRef, {}, dataOverrides)], `test-${projectRef}`));
  if (!('answer' in result)) throw new Error(`registration refused: ${JSON.stringify(result)}`);
  const projectId = result.answer.projectId;
  const project = (await loadStream(store, constructionProjectModel, projectStreamId(projectId))).state;

  const shortfall = 1_000_000n;
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
        premiumPaid: (due - shortfall).toString(),
        workersRegistered: 35,
      },
      uncoveredPersonRefs: null,
      // After the contract's end (24 Oct): instalments still unpaid are a shortfall then.
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
  const apply = async (command: EscalationCaseCommand): Promise<string> => {
    const snapshot = await loadStream(store, escalationCaseModel, caseStreamId(caseId));
    const decided = decideCase(command, snapshot.state);
    if (decided.length === 0) throw new Error(`${command.type} decided nothing`);
    const events = decided.map((e) => ({ eventId: randomUUID(), type: e.type, data: e.data, metadata: meta }));
    await store.appendToStream(caseStreamId(caseId), snapshot.head, events);
    decided.forEach((e, i) => {
      if (e.type === 'EscalationLevelReached') causeOf.set(`level-${e.data.level}`, events[i].eventId);
    });
    return events[0].eventId;
  };
  await apply({
    type: 'OpenCase',
    caseId,
    projectId,
    regionCode: '73.07.06',
    agencyCode: AGENCY_CODE,
    reasons: ['PREMIUM_SHORTFALL'],
    ladder: DEFAULT_SINJAI_LADDER,
    now: '2025-05-20T02:00:00.000Z',
  });
  return { projectId, caseId, npwp: project.registration!.contractor.npwp, ppkRef: project.registration!.ppk.ref, shortfall, causeOf, apply };
}

interface RowInput {
  kind?: 'CASE_ESCALATED' | 'PAYMENT_HOLD_RECOMMENDED' | 'PAYMENT_HOLD_LIFTED';
  channel: 'EMAIL' | 'WEBHOOK' | 'INBOX';
  level?: number | null;
  recipientKind: 'OFFICIAL' | 'CONTRACTOR' | 'PPK' | 'CLIENT';
  recipientId: string;
  position?: string | null;
  causeEventId: string;
}

/** A notification row as the escalation relay writes it. */
async function insertNotification(c: SeededCase, row: RowInput): Promise<string> {
  const id = notificationIdFor({ caseId: c.caseId, cause: row.causeEventId, channel: row.channel, recipientKind: row.recipientKind, recipientId: row.recipientId });
  await db.pool.query(
    `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, position, cause_event_id, cause_position)
     VALUES ($1, $2, $3, $4, $5, $6, '73.07.06', $7, $8, $9, $10, $11, 1)`,
    [id, row.kind ?? 'CASE_ESCALATED', row.channel, c.projectId, c.caseId, row.level === undefined ? 0 : row.level, AGENCY_CODE, row.recipientKind, row.recipientId, row.position ?? null, row.causeEventId],
  );
  return id;
}

async function enqueue(notificationId: string, jobId = notificationJobId(notificationId)): Promise<string> {
  await queue.add('deliver', { notificationId }, { ...notificationJobOptions(config), jobId });
  return jobId;
}

async function rowOf(id: string) {
  const { rows } = await db.pool.query(`SELECT status, attempts, last_error_code, delivered_at, failed_at FROM notifications WHERE id = $1`, [id]);
  return rows[0] as { status: string; attempts: number; last_error_code: string | null; delivered_at: Date | null; failed_at: Date | null };
}

async function settled(id: string) {
  return waitFor(() => rowOf(id), (r) => r.status !== 'PENDING', 20_000);
}

async function eventsOf(id: string): Promise<RecordedOf<NotificationEvent>[]> {
  return (await readStreamOf<NotificationEvent>(store, notificationStreamId(id))).events;
}

type DataOf<T extends NotificationEvent['type']> = Extract<NotificationEvent, { type: T }>['data'];

/** The data of events that must all be of `type` (one of another type fails the test). */
function dataOf<T extends NotificationEvent['type']>(events: readonly RecordedOf<NotificationEvent>[], type: T): DataOf<T>[] {
  return events.map((e) => {
    if (e.type !== type) throw new Error(`expected ${type}, not ${e.type}`);
    return e.data as DataOf<T>;
  });
}

async function jobDone(jobId: string) {
  return waitFor(
    async () => {
      // State first, then the job as it stands after that state: read the other way round, a job that completes
      // in between shows as completed with the return value it did not have yet.
      const state = await queue.getJobState(jobId);
      const job = await queue.getJob(jobId);
      return { state, returnvalue: job?.returnvalue as unknown, attemptsMade: job?.attemptsMade };
    },
    (j) => j.state === 'completed' || j.state === 'failed',
    20_000,
  );
}

const mailsTo = (address: string) => mails.filter((m) => m.to.includes(address));

describe('notification delivery', () => {
  let first: SeededCase;
  let contractorNotification: string;

  it('e-mails the contractor and the PPK the Bahasa Indonesia message, with the project and the shortfall in rupiah', async () => {
    first = await seedCase('10080116001');
    contractorNotification = await insertNotification(first, {
      channel: 'EMAIL',
      recipientKind: 'CONTRACTOR',
      recipientId: first.npwp,
      position: 'CONTRACTOR',
      causeEventId: first.causeOf.get('level-0')!,
    });
    const ppkNotification = await insertNotification(first, {
      channel: 'EMAIL',
      recipientKind: 'PPK',
      recipientId: first.ppkRef,
      position: 'PPK',
      causeEventId: first.causeOf.get('level-0')!,
    });
    await enqueue(contractorNotification);
    await enqueue(ppkNotification);

    expect(await settled(contractorNotification)).toMatchObject({ status: 'DELIVERED', attempts: 1, last_error_code: null });
    expect((await settled(ppkNotification)).status).toBe('DELIVERED');
    expect(mailsTo(CONTRACTOR_EMAIL)).toHaveLength(1);
    expect(mailsTo(PPK_EMAIL)).toHaveLength(1);

    const { mail } = mailsTo(CONTRACTOR_EMAIL)[0];
    expect(mail.subject).toBe('[Sinergi] Tingkat 0 — Proyek belum patuh BPJS Ketenagakerjaan: Rehabilitasi Jalan Poros Sinjai–Bulupoddo');
    expect(mail.messageId).toBe(`<notification-${contractorNotification}@sinergi.local>`);
    expect(mail.text).toContain('Proyek: Rehabilitasi Jalan Poros Sinjai–Bulupoddo');
    expect(mail.text).toContain('Kode paket: 10080116001');
    expect(mail.text).toContain('Wilayah: Kecamatan Bulupoddo, Kabupaten Sinjai');
    expect(mail.text).toContain('Kekurangan iuran: Rp 1.000.000');
    expect(mail.text).toContain('Lunasi kekurangan iuran sebesar Rp 1.000.000.');
    expect(mail.text).toContain('Jika belum diselesaikan, kasus ini akan dinaikkan ke tingkat 1');
    expect(mail.text).toContain(`Buka kasus (tautan khusus, tanpa akun): ${PUBLIC_BASE_URL}/console/link?t=${first.caseId}.c.`);
    expect(mail.html).toContain('Kekurangan iuran');
    // Each copy says what its recipient should do: the contractor pays and hands in evidence through its link,
    // the contract's PPK checks it and holds the payment request, with a PPK link; both are told whom to contact.
    expect(mail.text).toContain('Yang perlu Anda lakukan sebagai Penyedia Jasa:');
    expect(mail.text).toContain('Bila ada pertanyaan, hubungi PPK Andi Baso di');
    const ppkMail = mailsTo(PPK_EMAIL)[0].mail;
    expect(ppkMail.text).toContain('Tahan permintaan pembayaran (SPP-LS)');
    expect(ppkMail.text).toContain(`${PUBLIC_BASE_URL}/console/link?t=${first.caseId}.p.`);

    const events = await eventsOf(contractorNotification);
    expect(events.map((e) => e.type)).toEqual(['NotificationDelivered']);
    const [delivered] = dataOf(events.slice(0, 1), 'NotificationDelivered');
    expect(delivered).toMatchObject({
      notificationId: contractorNotification,
      caseId: first.caseId,
      projectId: first.projectId,
      kind: 'CASE_ESCALATED',
      channel: 'EMAIL',
      level: 0,
      recipient: { kind: 'CONTRACTOR', id: first.npwp, position: 'CONTRACTOR' },
      result: { channel: 'EMAIL', messageId: `<notification-${contractorNotification}@sinergi.local>` },
      attempt: 1,
    });
    expect(events[0].metadata).toMatchObject({
      actor: { kind: 'system', id: 'notification-worker' },
      correlationId: 'test-10080116001',
      causationId: first.causeOf.get('level-0'),
      regionCode: '73.07.06',
    });
  });

  it('sends nothing for a second job of a notification already delivered', async () => {
    const before = mails.length;
    const jobId = await enqueue(contractorNotification, `again-${contractorNotification}`);
    expect(await jobDone(jobId)).toMatchObject({ state: 'completed', returnvalue: 'skipped' });
    expect(mails.length).toBe(before);
    expect((await eventsOf(contractorNotification)).map((e) => e.type)).toEqual(['NotificationDelivered']);
    expect((await rowOf(contractorNotification)).attempts).toBe(1);
  });

  it('retries while the SMTP server defers, records each failed attempt, then delivers exactly once', async () => {
    await first.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    smtpFailures.set(KADIS_EMAIL, [421, 451, 450]);
    const id = await insertNotification(first, {
      channel: 'EMAIL',
      level: 1,
      recipientKind: 'OFFICIAL',
      recipientId: kadisId,
      position: 'KEPALA_DINAS',
      causeEventId: first.causeOf.get('level-1')!,
    });
    await enqueue(id);

    expect(await settled(id)).toMatchObject({ status: 'DELIVERED', attempts: 3, last_error_code: 'smtp_transient' });
    // The 421 closes the connection: nodemailer's pool sends again on a new one within the same attempt.
    expect(rcptAttempts.get(KADIS_EMAIL)).toBe(4);
    expect(mailsTo(KADIS_EMAIL)).toHaveLength(1);
    expect(mailsTo(KADIS_EMAIL)[0].mail.subject).toContain('Tingkat 1');
    // The head of agency is told to instruct the contract's PPK, named from personal_data as the mail is built.
    expect(mailsTo(KADIS_EMAIL)[0].mail.text).toContain('Instruksikan PPK proyek ini (Andi Baso) agar');
    expect(mailsTo(KADIS_EMAIL)[0].mail.text).toContain(`Lihat kasus: ${PUBLIC_BASE_URL}/console/cases/${first.caseId}`);

    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(['NotificationDeliveryFailed', 'NotificationDeliveryFailed', 'NotificationDelivered']);
    expect(dataOf(events.slice(0, 2), 'NotificationDeliveryFailed')).toEqual([
      expect.objectContaining({ attempt: 1, code: 'smtp_transient', replyCode: 451, retryable: true, final: false, level: 1 }),
      expect.objectContaining({ attempt: 2, code: 'smtp_transient', replyCode: 450, retryable: true, final: false }),
    ]);
    expect(events[2].data).toMatchObject({ attempt: 3, recipient: { kind: 'OFFICIAL', id: kadisId, position: 'KEPALA_DINAS' } });
    expect(await jobDone(notificationJobId(id))).toMatchObject({ state: 'completed', returnvalue: 'delivered' });
  });

  it('records a permanent 550 rejection as a final failure and does not retry', async () => {
    smtpRejects.add(BPJS_EMAIL);
    const id = await insertNotification(first, {
      channel: 'EMAIL',
      level: 1,
      recipientKind: 'OFFICIAL',
      recipientId: bpjsOfficialId,
      position: 'BPJS_BRANCH',
      causeEventId: first.causeOf.get('level-1')!,
    });
    const jobId = await enqueue(id);

    expect(await settled(id)).toMatchObject({ status: 'FAILED', attempts: 1, last_error_code: 'smtp_rejected' });
    expect((await rowOf(id)).failed_at).not.toBeNull();
    expect(await jobDone(jobId)).toMatchObject({ state: 'completed', returnvalue: 'failed', attemptsMade: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(rcptAttempts.get(BPJS_EMAIL)).toBe(1);
    expect(mailsTo(BPJS_EMAIL)).toHaveLength(0);
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(['NotificationDeliveryFailed']);
    expect(events[0].data).toMatchObject({ attempt: 1, code: 'smtp_rejected', replyCode: 550, retryable: false, final: true });
  });

  it('records the last attempt of a delivery the SMTP server keeps deferring as a final failure', async () => {
    const address = 'selalu.sibuk@sinjaikab.example';
    ADDRESSES.push(address);
    smtpFailures.set(address, [451, 451, 451, 451, 451, 451]);
    const official = await new OfficialsRepository(db.pool, box).create({ name: 'Sekda Sinjai', position: 'SEKDA', regionScope: '73.07', email: address });
    const id = await insertNotification(first, {
      channel: 'EMAIL',
      level: 1,
      recipientKind: 'OFFICIAL',
      recipientId: official.official.id,
      position: 'SEKDA',
      causeEventId: first.causeOf.get('level-1')!,
    });
    const jobId = await enqueue(id);

    expect(await settled(id)).toMatchObject({ status: 'FAILED', attempts: 5, last_error_code: 'smtp_transient' });
    expect(await jobDone(jobId)).toMatchObject({ state: 'completed', returnvalue: 'failed' });
    const failures = dataOf(await eventsOf(id), 'NotificationDeliveryFailed');
    expect(failures.map((f) => [f.attempt, f.final, f.retryable])).toEqual([
      [1, false, true],
      [2, false, true],
      [3, false, true],
      [4, false, true],
      [5, true, true],
    ]);
    expect(mailsTo(address)).toHaveLength(0);
  });

  it('posts the payment-hold recommendation to the client webhook, signed as docs/api.md with its newest secret', async () => {
    const cause = await first.apply({ type: 'RecommendPaymentHold', terminNumber: 1, now: '2025-05-24T02:00:00.000Z' });
    const id = await insertNotification(first, {
      kind: 'PAYMENT_HOLD_RECOMMENDED',
      channel: 'WEBHOOK',
      level: null,
      recipientKind: 'CLIENT',
      recipientId: 'spse-sinjai',
      causeEventId: cause,
    });
    await enqueue(id);
    expect(await settled(id)).toMatchObject({ status: 'DELIVERED', attempts: 1 });

    const received = hooks.filter((h) => h.path === '/hook/spse');
    expect(received).toHaveLength(1);
    const { headers, body } = received[0];
    expect(headers['x-sinergi-key-id']).toBe('client:spse-sinjai');
    expect(headers['x-sinergi-delivery']).toBe(id);
    expect(headers['x-sinergi-event']).toBe('PAYMENT_HOLD_RECOMMENDED');
    const timestamp = String(headers['x-timestamp']);
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(300);
    expect(verifyPayloadSignature([clientSecret], timestamp, body, String(headers['x-signature']))).toBe(true);
    expect(verifyPayloadSignature(['not-the-secret'], timestamp, body, String(headers['x-signature']))).toBe(false);
    // And by Standard Webhooks, keyed with the same secret, as its own library checks (docs/api.md, "Webhooks").
    const standard = Object.fromEntries(['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((h) => [h, String(headers[h])]));
    expect(standard['webhook-id']).toBe(id);
    expect(new Webhook(standardWebhookSecret(clientSecret)).verify(body, standard)).toEqual(JSON.parse(body.toString('utf8')));
    expect(JSON.parse(body.toString('utf8'))).toEqual({
      type: 'PaymentHoldRecommended',
      projectId: first.projectId,
      projectRef: '10080116001',
      terminNumber: 1,
      complianceStatus: 'NON_COMPLIANT',
      reasons: ['PREMIUM_SHORTFALL'],
      recommendation: 'HOLD',
      caseUrl: `${PUBLIC_BASE_URL}/console/cases/${first.caseId}`,
    });
    const events = await eventsOf(id);
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ kind: 'PAYMENT_HOLD_RECOMMENDED', channel: 'WEBHOOK', level: null, result: { channel: 'WEBHOOK', deliveryId: id, status: 200 } }),
    ]);
  });

  it("waits out a webhook's 429 Retry-After before trying again", async () => {
    hookAnswers.set('/hook/busy', [{ status: 429, retryAfter: '1' }]);
    const cause = first.causeOf.get('level-1')!;
    const id = await insertNotification(first, { kind: 'PAYMENT_HOLD_RECOMMENDED', channel: 'WEBHOOK', level: null, recipientKind: 'CLIENT', recipientId: 'lpse-busy', causeEventId: cause });
    await enqueue(id);

    expect(await settled(id)).toMatchObject({ status: 'DELIVERED', attempts: 2, last_error_code: 'http_rate_limited' });
    const calls = hooks.filter((h) => h.path === '/hook/busy');
    expect(calls).toHaveLength(2);
    // The queue's own back-off is 50 ms here: the second try waited for the receiver's second.
    expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(950);
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(['NotificationDeliveryFailed', 'NotificationDelivered']);
    expect(events[0].data).toMatchObject({ attempt: 1, code: 'http_rate_limited', replyCode: 429, final: false });
    expect(events[1].data).toMatchObject({ attempt: 2 });
  });

  it('puts inbox notifications in the inbox, for the official or the position, even after the case was resolved', async () => {
    const second = await seedCase('10080116002');
    await second.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    await second.apply({ type: 'EscalationTimerFired', level: 1, now: '2025-05-30T02:00:00.000Z' });
    await second.apply({ type: 'ResolveCase', now: '2025-05-31T02:00:00.000Z' });
    const toKadis = await insertNotification(second, {
      channel: 'INBOX',
      level: 1,
      recipientKind: 'OFFICIAL',
      recipientId: kadisId,
      position: 'KEPALA_DINAS',
      causeEventId: second.causeOf.get('level-1')!,
    });
    const toInspektorat = await insertNotification(second, {
      channel: 'INBOX',
      level: 2,
      recipientKind: 'OFFICIAL',
      recipientId: 'position:INSPEKTORAT',
      position: 'INSPEKTORAT',
      causeEventId: second.causeOf.get('level-2')!,
    });
    await enqueue(toKadis);
    await enqueue(toInspektorat);
    expect((await settled(toKadis)).status).toBe('DELIVERED');
    expect((await settled(toInspektorat)).status).toBe('DELIVERED');

    const { rows } = await db.pool.query(
      `SELECT id, recipient_official_id, position, region_code, agency_code, case_id, project_id, subject, body FROM inbox_items WHERE case_id = $1 ORDER BY position`,
      [second.caseId],
    );
    expect(rows).toEqual([
      expect.objectContaining({ id: toInspektorat, recipient_official_id: null, position: 'INSPEKTORAT', region_code: '73.07.06', agency_code: AGENCY_CODE, project_id: second.projectId }),
      expect.objectContaining({ id: toKadis, recipient_official_id: kadisId, position: 'KEPALA_DINAS', case_id: second.caseId }),
    ]);
    expect(rows[0].subject).toBe('[Sinergi] Tingkat 2 — Proyek belum patuh BPJS Ketenagakerjaan: Rehabilitasi Jalan Poros Sinjai–Bulupoddo');
    expect(rows[0].body).toContain('Kekurangan iuran: Rp 1.000.000');
    expect(rows[0].body).toContain('kini berada pada tingkat eskalasi 2.');
    expect(rows[0].body).toContain('akan dinaikkan ke tingkat 3 (Bupati, Wakil Bupati)');
    expect(rows[0].body).toContain('Yang perlu Anda lakukan sebagai Inspektorat:');
    // An inbox item is stored: it names no PPK.
    expect(rows[1].body).toContain('Instruksikan PPK proyek ini agar');
    expect(rows.map((r) => r.body).join('\n')).not.toContain('Andi Baso');
    expect((await eventsOf(toKadis))[0].data).toMatchObject({ channel: 'INBOX', result: { channel: 'INBOX', inboxItemId: toKadis } });
  });

  it('records a wave of inbox notifications together, each exactly once, a message that cannot exist as a failure, an e-mail on its own', async () => {
    const third = await seedCase('10080116009');
    await third.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    const cause = third.causeOf.get('level-1')!;
    const inbox = await Promise.all(
      Array.from({ length: 40 }, () =>
        insertNotification(third, { channel: 'INBOX', level: 1, recipientKind: 'OFFICIAL', recipientId: randomUUID(), position: 'KEPALA_DINAS', causeEventId: cause }),
      ),
    );
    const mail = await insertNotification(third, { channel: 'EMAIL', level: 1, recipientKind: 'OFFICIAL', recipientId: kadisId, position: 'KEPALA_DINAS', causeEventId: cause });
    // A row of a project and case not on record: its message can never be composed, a final failure in the same batch.
    const orphan = randomUUID();
    await db.pool.query(
      `INSERT INTO notifications (id, kind, channel, project_id, case_id, level, region_code, agency_code, recipient_kind, recipient_id, position, cause_event_id, cause_position)
       VALUES ($1, 'CASE_ESCALATED', 'INBOX', $2, $3, 1, '73.07.06', $4, 'OFFICIAL', 'position:INSPEKTORAT', 'INSPEKTORAT', $5, 1)`,
      [orphan, randomUUID(), randomUUID(), AGENCY_CODE, randomUUID()],
    );
    const before = mailsTo(KADIS_EMAIL).length;
    // Each inbox job twice (a second id for the same row, as a re-queue after a lost ack would be): the copy, in the
    // same batch or a later one, finds the row settled and records nothing.
    const jobs = await Promise.all([...inbox.flatMap((id) => [enqueue(id), enqueue(id, `${notificationJobId(id)}-again`)]), enqueue(mail), enqueue(orphan)]);
    const done = await Promise.all(jobs.map((j) => jobDone(j)));
    expect(done.every((d) => d.state === 'completed')).toBe(true);
    expect(done.filter((d) => d.returnvalue === 'delivered')).toHaveLength(inbox.length + 1);

    for (const id of inbox) {
      expect((await rowOf(id)).status).toBe('DELIVERED');
      expect(dataOf(await eventsOf(id), 'NotificationDelivered')).toEqual([expect.objectContaining({ channel: 'INBOX', attempt: 1, result: { channel: 'INBOX', inboxItemId: id } })]);
    }
    // Recorded in batches: fewer transactions wrote those 40 events than there are events.
    const { rows: tx } = await db.pool.query(`SELECT count(DISTINCT xmin::text)::int AS n FROM events WHERE stream_id = ANY($1::text[])`, [inbox.map(notificationStreamId)]);
    expect(tx[0].n).toBeLessThan(inbox.length * 0.75);
    const { rows } = await db.pool.query(`SELECT id, subject FROM inbox_items WHERE id = ANY($1::uuid[])`, [inbox]);
    expect(rows.map((r) => r.id).sort()).toEqual([...inbox].sort());
    expect(new Set(rows.map((r) => r.subject))).toEqual(new Set(['[Sinergi] Tingkat 1 — Proyek belum patuh BPJS Ketenagakerjaan: Rehabilitasi Jalan Poros Sinjai–Bulupoddo']));
    expect(dataOf(await eventsOf(mail), 'NotificationDelivered')).toHaveLength(1);
    expect(await rowOf(orphan)).toMatchObject({ status: 'FAILED', attempts: 1, last_error_code: 'message_unavailable' });
    expect(dataOf(await eventsOf(orphan), 'NotificationDeliveryFailed')).toEqual([expect.objectContaining({ code: 'message_unavailable', final: true, retryable: false, attempt: 1 })]);
    await waitFor(async () => mailsTo(KADIS_EMAIL).length, (n) => n === before + 1);
  });

  it('sends a wave of e-mails and records them together: each sent and recorded once, a deferral retried, a rejection final', async () => {
    const fourth = await seedCase('10080116011');
    await fourth.apply({ type: 'EscalationTimerFired', level: 0, now: '2025-05-23T02:00:00.000Z' });
    const cause = fourth.causeOf.get('level-1')!;
    const officials = new OfficialsRepository(db.pool, box);
    const wave = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const address = `inspektur.${i}@sinjaikab.example`;
        ADDRESSES.push(address);
        const official = await officials.create({ name: `Inspektur ${i}`, position: 'INSPEKTORAT', regionScope: '73.07', email: address });
        const id = await insertNotification(fourth, { channel: 'EMAIL', level: 1, recipientKind: 'OFFICIAL', recipientId: official.official.id, position: 'INSPEKTORAT', causeEventId: cause });
        return { id, address };
      }),
    );
    const deferred = wave[3];
    const rejected = wave[7];
    smtpFailures.set(deferred.address, [451]);
    smtpRejects.add(rejected.address);
    // Each job twice (a re-queue after a lost ack): the copy finds the row settled and sends nothing.
    const jobs = await Promise.all(wave.flatMap(({ id }) => [enqueue(id), enqueue(id, `${notificationJobId(id)}-again`)]));
    const done = await Promise.all(jobs.map((j) => jobDone(j)));
    expect(done.every((d) => d.state === 'completed')).toBe(true);
    expect(done.filter((d) => d.returnvalue === 'delivered')).toHaveLength(wave.length - 1);
    expect(done.filter((d) => d.returnvalue === 'failed')).toHaveLength(1);

    for (const { id, address } of wave) {
      if (id === rejected.id) continue;
      expect(await rowOf(id)).toMatchObject({ status: 'DELIVERED' });
      expect(mailsTo(address)).toHaveLength(1);
      expect(mailsTo(address)[0].mail.subject).toContain('Tingkat 1');
    }
    expect(await rowOf(rejected.id)).toMatchObject({ status: 'FAILED', attempts: 1, last_error_code: 'smtp_rejected' });
    expect(mailsTo(rejected.address)).toHaveLength(0);
    // Deferred once, then sent by whichever of its two jobs came next (the retry, or the copy at its first attempt).
    expect((await eventsOf(deferred.id)).map((e) => e.type)).toEqual(['NotificationDeliveryFailed', 'NotificationDelivered']);
    expect(await rowOf(deferred.id)).toMatchObject({ status: 'DELIVERED', attempts: 2, last_error_code: 'smtp_transient' });
    for (const { id } of wave) expect((await eventsOf(id)).filter((e) => e.type === 'NotificationDelivered').length).toBe(id === rejected.id ? 0 : 1);
    // Recorded in batches: fewer transactions wrote the wave's first attempts than there are notifications.
    const { rows: tx } = await db.pool.query(`SELECT count(DISTINCT xmin::text)::int AS n FROM events WHERE stream_id = ANY($1::text[]) AND stream_version = 1`, [
      wave.map(({ id }) => notificationStreamId(id)),
    ]);
    expect(tx[0].n).toBeLessThan(wave.length * 0.75);
  });

  it('sends nothing while another delivery holds the claim, and sends once that claim has lapsed', async () => {
    const fifth = await seedCase('10080116013');
    const id = await insertNotification(fifth, { channel: 'EMAIL', recipientKind: 'OFFICIAL', recipientId: kadisId, position: 'KEPALA_DINAS', causeEventId: fifth.causeOf.get('level-0')! });
    const handler = new DeliverNotificationHandler(db.pool, store, box, channels, metrics, config, systemClock);
    const before = mailsTo(KADIS_EMAIL).length;
    // A delivery elsewhere claimed the row and is sending it (or died doing so).
    await db.pool.query(`UPDATE notifications SET claimed_until = now() + interval '1 minute' WHERE id = $1`, [id]);
    await expect(handler.deliver(id, 1, false)).rejects.toThrow(NotificationInFlightError);
    await expect(handler.deliver(id, 2, true)).rejects.toThrow(NotificationInFlightError);
    const answers = await handler.deliverBatch([{ notificationId: id, attempt: 3, lastAttempt: false }]);
    expect(answers.get(id)).toEqual({ throw: expect.any(NotificationInFlightError) });
    expect(await rowOf(id)).toMatchObject({ status: 'PENDING', attempts: 0 });
    expect(await eventsOf(id)).toEqual([]);
    expect(mailsTo(KADIS_EMAIL).length).toBe(before);

    // The claim lapses: the next attempt takes it and sends, once; the settled row gives its claim back.
    await db.pool.query(`UPDATE notifications SET claimed_until = now() - interval '1 second' WHERE id = $1`, [id]);
    await expect(handler.deliver(id, 4, false)).resolves.toBe('delivered');
    await expect(handler.deliver(id, 5, false)).resolves.toBe('skipped');
    expect(mailsTo(KADIS_EMAIL).length).toBe(before + 1);
    const { rows } = await db.pool.query(`SELECT status, claimed_until FROM notifications WHERE id = $1`, [id]);
    expect(rows[0]).toEqual({ status: 'DELIVERED', claimed_until: null });
  });

  it('fails for good, sending nothing, when the recipient has no address or no SMTP server is configured', async () => {
    const third = await seedCase('10080116003', { contractor: { npwp: '0012345674901000', name: 'CV Tanpa Surel' } });
    const level0 = third.causeOf.get('level-0')!;
    const noEmail = await insertNotification(third, { channel: 'EMAIL', recipientKind: 'CONTRACTOR', recipientId: third.npwp, position: 'CONTRACTOR', causeEventId: level0 });
    const noWebhook = await insertNotification(third, { kind: 'PAYMENT_HOLD_RECOMMENDED', channel: 'WEBHOOK', level: null, recipientKind: 'CLIENT', recipientId: 'sirup-nohook', causeEventId: level0 });
    const unknownPosition = await insertNotification(third, { channel: 'EMAIL', recipientKind: 'OFFICIAL', recipientId: 'position:SEKDA', position: 'SEKDA', causeEventId: level0 });
    const before = { mails: mails.length, hooks: hooks.length };
    for (const id of [noEmail, noWebhook, unknownPosition]) await enqueue(id);
    for (const id of [noEmail, noWebhook, unknownPosition]) {
      expect(await settled(id)).toMatchObject({ status: 'FAILED', attempts: 1, last_error_code: 'no_address' });
      expect((await eventsOf(id)).map((e) => e.data)).toEqual([expect.objectContaining({ code: 'no_address', retryable: false, final: true, attempt: 1 })]);
    }

    // A worker without SMTP_URL: an e-mail notification fails at once as smtp_not_configured.
    const noSmtpConfig = testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, PUBLIC_BASE_URL });
    const noSmtpChannels = new NotificationChannels(noSmtpConfig);
    const noSmtp = new DeliverNotificationHandler(db.pool, store, box, noSmtpChannels, metrics, noSmtpConfig, systemClock);
    const ppk = await insertNotification(third, { channel: 'EMAIL', recipientKind: 'PPK', recipientId: third.ppkRef, position: 'PPK', causeEventId: level0 });
    await expect(noSmtp.deliver(ppk, 1, false)).resolves.toBe('failed');
    expect(await rowOf(ppk)).toMatchObject({ status: 'FAILED', attempts: 1, last_error_code: 'smtp_not_configured' });
    expect((await eventsOf(ppk))[0].data).toMatchObject({ code: 'smtp_not_configured', final: true });
    await expect(noSmtp.deliver(ppk, 2, false)).resolves.toBe('skipped');
    await noSmtpChannels.close();

    expect(mails.length).toBe(before.mails);
    expect(hooks.length).toBe(before.hooks);
  });

  it('keeps e-mail addresses out of every recorded event', async () => {
    const { rows } = await db.pool.query<{ text: string }>(
      `SELECT data::text || metadata::text AS text FROM events WHERE stream_id LIKE 'notification-%'`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(10);
    for (const { text } of rows) {
      for (const address of ADDRESSES) expect(text).not.toContain(address);
      expect(text).not.toMatch(/[a-z0-9._%+-]+@(?!sinergi\.local>)[a-z0-9.-]+\.[a-z]{2,}/i);
    }
  });
});
