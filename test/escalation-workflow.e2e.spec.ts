import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyPayloadSignature } from '@sinergi/auth';
import { SecretBox } from '@sinergi/common';
import { deleteKeysWithPrefix, projectRegistered, signedPost, testRedisUrl, waitFor } from '@sinergi/testing';
import { SMTPServer } from 'smtp-server';
import { caseIdFor } from '../src/modules/escalation/escalation.queues';
import { startWorker } from '../src/worker';
import { type RunningSystem, startSystem } from './support/running-system';

interface Mail {
  to: string[];
  subject: string;
  body: string;
}

interface Hook {
  path: string;
  headers: Record<string, string>;
  body: string;
}

const WAIT = 'PT2S';
const LEVELS = [
  { level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: WAIT },
  { level: 1, recipients: ['KEPALA_DINAS', 'BPJS_BRANCH'], waitBeforeNext: WAIT },
  { level: 2, recipients: ['INSPEKTORAT', 'SEKDA'], waitBeforeNext: WAIT },
  { level: 3, recipients: ['BUPATI', 'WAKIL_BUPATI'], waitBeforeNext: null },
];
/** The seeded Sinjai placeholder officials' addresses (migration 0006), per ladder level. */
const OFFICIAL_MAIL = {
  KEPALA_DINAS: 'kadis.pupr@sinjaikab.example',
  BPJS_BRANCH: 'kacab.sinjai@bpjs.example',
  INSPEKTORAT: 'inspektorat@sinjaikab.example',
  SEKDA: 'sekda@sinjaikab.example',
  BUPATI: 'bupati@sinjaikab.example',
  WAKIL_BUPATI: 'wakilbupati@sinjaikab.example',
};
const CONTRACTOR_MAIL = 'kontak@karyasinjai.example';
const PPK_MAIL = 'ppk.pupr@sinjaikab.example';

describe('escalation workflow (API + worker + SMTP + webhook receiver)', () => {
  let system: RunningSystem;
  let smtp: SMTPServer;
  let receiver: Server;
  const mails: Mail[] = [];
  const hooks: Hook[] = [];
  /** The SMTP server answers 451 to this many messages about the project `ref`. */
  const smtpFailures = { ref: '', remaining: 0 };
  let client: { id: string; secret: string };
  const officialSecrets = new Map<string, string>();

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          if (smtpFailures.remaining > 0 && Buffer.concat(chunks).includes(smtpFailures.ref)) {
            smtpFailures.remaining -= 1;
            return callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
          }
          const raw = Buffer.concat(chunks).toString('utf8');
          const subject = /^Subject: (.*)$/m.exec(raw)?.[1] ?? '';
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), subject, body: raw });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        hooks.push({ path: req.url ?? '', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    const hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

    system = await startSystem('escalation', {
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      NOTIFICATION_BACKOFF_MS: '100',
      NOTIFICATION_ATTEMPTS: '10',
    });
    const admin = await system.token({ sub: 'ops', roles: ['admin'], regions: ['73'] });
    const put = await fetch(`${system.baseUrl}/v1/admin/ladders/73.07`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ levels: LEVELS }),
    });
    expect(put.status).toBe(200);

    // Every seeded official gets a webhook to the local receiver, with its own sealed secret.
    const box = system.api.get(SecretBox);
    const { rows } = await system.db.pool.query(`SELECT id FROM officials`);
    for (const { id } of rows) {
      const secret = randomBytes(32).toString('base64url');
      officialSecrets.set(id, secret);
      await system.db.pool.query(`UPDATE officials SET webhook_url = $2, webhook_secret_sealed = $3 WHERE id = $1`, [id, `${hookBase}/official/${id}`, box.seal(secret)]);
    }
    client = await system.client('spse-escalation', ['73.07']);
    await system.db.pool.query(`UPDATE procurement_clients SET webhook_url = $2 WHERE id = $1`, [client.id, `${hookBase}/client/${client.id}`]);
  });

  afterAll(async () => {
    await system?.stop();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });

  const register = async (ref: string) => {
    const res = await signedPost(system.baseUrl, '/v1/procurement/events', client, projectRegistered(ref, {}, { contractNumber: `SPK/${ref}` }));
    expect(res.status).toBe(202);
    return res.body.projectId as string;
  };
  const caseEvents = async (caseId: string) =>
    (await system.db.pool.query(`SELECT type, data, metadata FROM events WHERE stream_id = $1 ORDER BY stream_version`, [`case-${caseId}`])).rows;
  const levelsReached = async (caseId: string) => (await caseEvents(caseId)).filter((e) => e.type === 'EscalationLevelReached').map((e) => e.data.level);
  const notifications = async (caseId: string) =>
    (await system.db.pool.query(`SELECT * FROM notifications WHERE case_id = $1 ORDER BY level, channel, recipient_id`, [caseId])).rows;
  const allDelivered = (caseId: string, minimum: number) =>
    waitFor(
      () => notifications(caseId),
      (rows) => rows.length >= minimum && rows.every((r) => r.status !== 'PENDING'),
      30_000,
    );
  const mailsFor = (address: string, projectRef: string) => mails.filter((m) => m.to.includes(address) && m.body.includes(projectRef));
  const hooksFor = (officialId: string, caseId: string) => hooks.filter((h) => h.path === `/official/${officialId}` && h.body.includes(caseId));

  it('climbs L0 → L3 and each level reaches its recipients exactly once by e-mail and webhook', async () => {
    const ref = 'ESC-0001';
    const projectId = await register(ref);
    const caseId = caseIdFor(projectId, 1);
    await waitFor(() => levelsReached(caseId), (levels) => levels.includes(3), 30_000);
    // 2 e-mails at L0 (contractor, the contract's PPK) + per official level 2 × (e-mail, webhook, inbox); PPK webhook + inbox at L0.
    await allDelivered(caseId, 2 + 2 + 3 * 2 * 3);
    // One more wait of the ladder: nothing is sent twice, no level is reached again.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await levelsReached(caseId)).toEqual([0, 1, 2, 3]);

    const rows = await notifications(caseId);
    expect(rows.every((r) => r.status === 'DELIVERED')).toBe(true);
    expect(mailsFor(CONTRACTOR_MAIL, ref)).toHaveLength(1);
    expect(mailsFor(PPK_MAIL, ref)).toHaveLength(1);
    for (const address of Object.values(OFFICIAL_MAIL)) expect(mailsFor(address, ref)).toHaveLength(1);
    const { rows: officials } = await system.db.pool.query(`SELECT id, position FROM officials`);
    for (const { id, position } of officials) {
      const delivered = hooksFor(id, caseId);
      expect(delivered).toHaveLength(1);
      const hook = delivered[0];
      expect(verifyPayloadSignature([officialSecrets.get(id)!], hook.headers['x-timestamp'], hook.body, hook.headers['x-signature'])).toBe(true);
      expect(JSON.parse(hook.body)).toMatchObject({ caseId, projectId });
      expect(position).toBeDefined();
    }
    // Messages to officials and contractors are in Bahasa Indonesia, and name what is wrong.
    expect(mailsFor(CONTRACTOR_MAIL, ref)[0].body).toMatch(/BPJS Ketenagakerjaan/);
    // Every delivery is an event on its notification stream, with no e-mail address in it.
    const { rows: delivered } = await system.db.pool.query(
      `SELECT data::text AS data FROM events WHERE type = 'NotificationDelivered' AND data->>'caseId' = $1`,
      [caseId],
    );
    expect(delivered).toHaveLength(rows.length);
    const addresses = [CONTRACTOR_MAIL, PPK_MAIL, ...Object.values(OFFICIAL_MAIL)];
    for (const e of delivered) for (const address of addresses) expect(e.data).not.toContain(address);
    // The read model follows the stream.
    const { rows: view } = await system.db.pool.query(`SELECT status, current_level, next_escalation_at FROM escalation_cases WHERE case_id = $1`, [caseId]);
    expect(view[0]).toMatchObject({ status: 'OPEN', current_level: 3, next_escalation_at: null });
  });

  it('recommends a payment hold to the client on a payment request, and lifts it once the project is compliant', async () => {
    const ref = 'ESC-0002';
    const projectId = await register(ref);
    const caseId = caseIdFor(projectId, 1);
    await waitFor(() => levelsReached(caseId), (levels) => levels.includes(0));
    const payment = await signedPost(system.baseUrl, '/v1/procurement/events', client, {
      eventId: `spse-7307-${ref}-pay-1`,
      type: 'PaymentRequested',
      occurredAt: '2025-07-01T09:00:00+08:00',
      projectRef: ref,
      data: { terminNumber: 1, amount: '500000000', requestedAt: '2025-07-01' },
    });
    expect(payment.status).toBe(202);
    const holdHook = (kind: string) => hooks.filter((h) => h.path === `/client/${client.id}` && h.headers['x-sinergi-event'] === kind && h.body.includes(projectId));
    await waitFor(async () => holdHook('PAYMENT_HOLD_RECOMMENDED'), (h) => h.length > 0);
    const hold = holdHook('PAYMENT_HOLD_RECOMMENDED')[0];
    expect(verifyPayloadSignature([client.secret], hold.headers['x-timestamp'], hold.body, hold.headers['x-signature'])).toBe(true);
    expect(verifyPayloadSignature(['not-the-secret'], hold.headers['x-timestamp'], hold.body, hold.headers['x-signature'])).toBe(false);
    expect(JSON.parse(hold.body)).toMatchObject({ projectId, terminNumber: 1 });

    // The contractor enrols and pays; a re-verification finds the project compliant: case resolved, hold lifted.
    system.sim.upsertProjects([
      {
        npwp: '0012345674901000',
        contractNumber: `SPK/${ref}`,
        projectNumber: '7307250000002',
        npp: '73070001',
        status: 'ACTIVE',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        contractValue: '2500000000',
        premiumAssessed: '3252703',
        premiumPaid: '3252703',
        workersRegistered: 35,
        workerNiks: [],
      },
    ]);
    const official = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    const reverify = await fetch(`${system.baseUrl}/v1/projects/${projectId}/reverify`, { method: 'POST', headers: { authorization: `Bearer ${official}` } });
    expect(reverify.status).toBeLessThan(300);
    await waitFor(async () => holdHook('PAYMENT_HOLD_LIFTED'), (h) => h.length > 0);
    expect((await caseEvents(caseId)).map((e) => e.type)).toEqual(expect.arrayContaining(['PaymentHoldRecommended', 'CaseResolved', 'PaymentHoldLifted']));
    // Resolved before its next timer: no further level is reached.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await levelsReached(caseId)).not.toContain(3);
    expect(holdHook('PAYMENT_HOLD_RECOMMENDED')).toHaveLength(1);
  });

  it('lifts a payment hold when the project is cancelled, tells the client why, and the case shows no hold', async () => {
    const ref = 'ESC-0009';
    const projectId = await register(ref);
    const caseId = caseIdFor(projectId, 1);
    await waitFor(() => levelsReached(caseId), (levels) => levels.includes(0));
    const send = (event: Record<string, unknown>) => signedPost(system.baseUrl, '/v1/procurement/events', client, { occurredAt: '2025-07-01T09:00:00+08:00', projectRef: ref, ...event });
    expect((await send({ eventId: `spse-7307-${ref}-pay-1`, type: 'PaymentRequested', data: { terminNumber: 1, amount: '500000000', requestedAt: '2025-07-01' } })).status).toBe(202);
    const holdHook = (kind: string) => hooks.filter((h) => h.path === `/client/${client.id}` && h.headers['x-sinergi-event'] === kind && h.body.includes(projectId));
    await waitFor(async () => holdHook('PAYMENT_HOLD_RECOMMENDED'), (h) => h.length > 0);

    expect((await send({ eventId: `spse-7307-${ref}-cancel`, type: 'ProjectCancelled', occurredAt: '2025-07-02T09:00:00+08:00', data: { reason: 'Pemutusan kontrak' } })).status).toBe(202);
    await waitFor(async () => holdHook('PAYMENT_HOLD_LIFTED'), (h) => h.length > 0);
    const lifted = JSON.parse(holdHook('PAYMENT_HOLD_LIFTED')[0].body);
    expect(lifted).toMatchObject({ type: 'PaymentHoldLifted', projectId, terminNumber: 1, liftReason: 'PROJECT_CANCELLED' });
    const lift = (await caseEvents(caseId)).find((e) => e.type === 'PaymentHoldLifted');
    expect(lift?.data).toMatchObject({ terminNumbers: [1], reason: 'PROJECT_CANCELLED' });
    const official = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    const view = await waitFor(
      async () => (await (await fetch(`${system.baseUrl}/v1/cases/${caseId}`, { headers: { authorization: `Bearer ${official}` } })).json()) as { status: string; paymentHold: boolean },
      (c) => c.status === 'CLOSED',
    );
    expect(view.paymentHold).toBe(false);
  });

  it('answers a payment requested before any verdict once the verdict is known: cleared if compliant, held if not', async () => {
    const enrolled = 'ESC-0011';
    system.sim.upsertProjects([
      {
        npwp: '0012345674901000',
        contractNumber: `SPK/${enrolled}`,
        projectNumber: '7307250000011',
        npp: '73070001',
        status: 'ACTIVE',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        contractValue: '2500000000',
        premiumAssessed: '3252703',
        premiumPaid: '3252703',
        workersRegistered: 35,
        workerNiks: [],
      },
    ]);
    const batch = (ref: string) =>
      signedPost(system.baseUrl, '/v1/procurement/events/batch', client, {
        events: [
          projectRegistered(ref, {}, { contractNumber: `SPK/${ref}` }),
          { eventId: `spse-7307-${ref}-pay-1`, type: 'PaymentRequested', occurredAt: '2025-07-01T09:00:00+08:00', projectRef: ref, data: { terminNumber: 1, amount: '500000000', requestedAt: '2025-07-01' } },
        ],
      });
    const [compliant, missing] = [await batch(enrolled), await batch('ESC-0012')];
    const compliantId = compliant.body.results[0].projectId as string;
    const missingId = missing.body.results[0].projectId as string;
    const clientHooks = (projectId: string) => hooks.filter((h) => h.path === `/client/${client.id}` && h.body.includes(projectId));

    const cleared = await waitFor(async () => clientHooks(compliantId), (h) => h.length > 0);
    expect(cleared.map((h) => h.headers['x-sinergi-event'])).toEqual(['PAYMENT_REQUEST_CLEARED']);
    expect(JSON.parse(cleared[0].body)).toMatchObject({ type: 'PaymentRequestCleared', projectId: compliantId, terminNumber: 1, complianceStatus: 'COMPLIANT', recommendation: 'PROCEED' });
    expect(verifyPayloadSignature([client.secret], cleared[0].headers['x-timestamp'], cleared[0].body, cleared[0].headers['x-signature'])).toBe(true);

    const held = await waitFor(async () => clientHooks(missingId), (h) => h.length > 0);
    expect(held.map((h) => h.headers['x-sinergi-event'])).toEqual(['PAYMENT_HOLD_RECOMMENDED']);
    expect(JSON.parse(held[0].body)).toMatchObject({ type: 'PaymentHoldRecommended', projectId: missingId, terminNumber: 1 });
    // The receiver has the hook before the worker records its delivery: the row settles a moment later, once.
    const rows = await waitFor(
      async () => (await system.db.pool.query(`SELECT kind, case_id, status FROM notifications WHERE project_id = $1`, [compliantId])).rows,
      (r) => r.every((n) => n.status !== 'PENDING'),
    );
    expect(rows).toEqual([{ kind: 'PAYMENT_REQUEST_CLEARED', case_id: null, status: 'DELIVERED' }]);
    expect(clientHooks(compliantId)).toHaveLength(1);
  });

  it('fires each overdue level exactly once, in order, after the worker was down across two due times', async () => {
    const ref = 'ESC-0003';
    const projectId = await register(ref);
    const caseId = caseIdFor(projectId, 1);
    await waitFor(() => levelsReached(caseId), (levels) => levels.includes(0));
    await system.worker.close();
    const stoppedAt = Date.now();
    await new Promise((r) => setTimeout(r, 4500)); // L1 was due after 2 s, and L2 would have been 2 s later
    system.worker = await startWorker(system.config);
    await waitFor(() => levelsReached(caseId), (levels) => levels.includes(3), 30_000);
    await new Promise((r) => setTimeout(r, 2500));
    const reached = (await caseEvents(caseId)).filter((e) => e.type === 'EscalationLevelReached').map((e) => e.data);
    expect(reached.map((d) => d.level)).toEqual([0, 1, 2, 3]);
    const times = reached.map((d) => Date.parse(d.reachedAt));
    expect(times[1]).toBeGreaterThan(stoppedAt + 4000);
    expect(times[2]).toBeGreaterThan(times[1]);
    expect(times[3]).toBeGreaterThan(times[2]);
    const { rows: timers } = await system.db.pool.query(`SELECT level, fired_at FROM escalation_timers WHERE case_id = $1 ORDER BY level`, [caseId]);
    expect(timers.map((t) => t.level)).toEqual([0, 1, 2]);
    expect(timers.every((t) => t.fired_at !== null)).toBe(true);
  });

  it('fires a timer on time after Redis lost every key: timers live in PostgreSQL', async () => {
    const ref = 'ESC-0004';
    const projectId = await register(ref);
    const caseId = caseIdFor(projectId, 1);
    const { rows } = await waitFor(
      () => system.db.pool.query(`SELECT due_at FROM escalation_timers WHERE case_id = $1 AND level = 0`, [caseId]),
      (r) => r.rows.length === 1,
    );
    await deleteKeysWithPrefix(testRedisUrl(), system.config.queuePrefix);
    await waitFor(() => levelsReached(caseId), (levels) => levels.includes(1), 30_000);
    const l1 = (await caseEvents(caseId)).find((e) => e.type === 'EscalationLevelReached' && e.data.level === 1)!;
    expect(Date.parse(l1.data.reachedAt)).toBeGreaterThanOrEqual(new Date(rows[0].due_at).getTime());
    expect(await levelsReached(caseId)).toEqual([0, 1]);
  });

  it('retries e-mail while the SMTP server refuses for a while, records the failures and loses nothing', async () => {
    const ref = 'ESC-0005';
    Object.assign(smtpFailures, { ref, remaining: 3 });
    const projectId = await register(ref);
    const caseId = caseIdFor(projectId, 1);
    await waitFor(() => notifications(caseId), (r) => r.filter((n) => n.level === 0 && n.channel === 'EMAIL').every((n) => n.status === 'DELIVERED') && r.length > 0, 30_000);
    expect(smtpFailures.remaining).toBe(0);
    const { rows: failed } = await system.db.pool.query(
      `SELECT data FROM events WHERE type = 'NotificationDeliveryFailed' AND data->>'caseId' = $1`,
      [caseId],
    );
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(failed.every((e) => e.data.final === false)).toBe(true);
    expect(mailsFor(CONTRACTOR_MAIL, ref)).toHaveLength(1);
    expect(mailsFor(PPK_MAIL, ref)).toHaveLength(1);
  });
});
