import type { AddressInfo } from 'node:net';
import { witaWallClock } from '@sinergi/domain';
import { projectRegistered, signedPost, waitFor } from '@sinergi/testing';
import { SMTPServer } from 'smtp-server';
import { caseIdFor } from '../src/modules/escalation/escalation.queues';
import { WhatsappReadFallback } from '../src/modules/escalation/notification/whatsapp/whatsapp-read-fallback';
import { type RunningSystem, startSystem } from './support/running-system';
import { startWhatsappGraphFixture, type WhatsappGraphFixture } from './support/whatsapp-graph-fixture';

const SEEDED_KADIS = '7307e5c0-0000-4000-8000-000000000002';
const SEEDED_BPJS = '7307e5c0-0000-4000-8000-000000000003';
const KADIS_WA = '+6281355550001';
const BPJS_WA = '+6281355550002';
const CONTRACTOR_PHONE = '0812-3456-7890';
const LEVELS = [
  { level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: 'PT2S' },
  { level: 1, recipients: ['KEPALA_DINAS', 'BPJS_BRANCH'], waitBeforeNext: null },
];

interface NotificationView {
  id: string;
  channel: string;
  position: string | null;
  recipientKind: string;
  status: string;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  fallbackOf: string | null;
}

describe('WhatsApp channel (API + worker + Graph API stand-in + SMTP)', () => {
  let graph: WhatsappGraphFixture;
  let smtp: SMTPServer;
  let system: RunningSystem;
  let admin: string;
  let official: string;
  let callback: string;
  const mails: { to: string[]; raw: string }[] = [];
  let caseId: string;

  beforeAll(async () => {
    graph = await startWhatsappGraphFixture();
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, cb) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          cb();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    system = await startSystem('whatsapp', {
      ...graph.env,
      SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
      NOTIFICATION_BACKOFF_MS: '100',
    });
    callback = `${system.baseUrl}/v1/webhooks/whatsapp`;
    admin = await system.token({ sub: 'ops', roles: ['admin'], regions: ['73.07'] });
    official = await system.token({ sub: 'kadis', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS' });
    const put = await call('PUT', '/v1/admin/ladders/73.07', admin, { levels: LEVELS });
    expect(put.status).toBe(200);
  });

  afterAll(async () => {
    await system?.stop();
    await graph?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${system.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const whatsappOf = async (position: string) => {
    const detail = (await call('GET', `/v1/cases/${caseId}`, official)).body as { timeline: { notifications: NotificationView[] }[] };
    return detail.timeline.flatMap((e) => e.notifications).find((n) => n.channel === 'WHATSAPP' && n.position === position)!;
  };
  const statusEvents = async (notificationId: string) =>
    (await system.db.pool.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'NotificationStatusReported' ORDER BY stream_version`, [`notification-${notificationId}`])).rows.map(
      (r) => r.data as { status: string; notificationStatus: string; messageId: string },
    );
  const wamidTo = (number: string) => graph.requests.find((r) => r.to === number.replace(/^\+/, '') && r.status === 200)?.messageId ?? null;

  it('keeps officials’ WhatsApp numbers in E.164 and the opt-in only with a number', async () => {
    expect((await call('PATCH', `/v1/admin/officials/${SEEDED_KADIS}`, admin, { whatsapp: '0813-5555-0001', whatsappOptIn: true })).status).toBe(400);
    const refused = await call('PATCH', `/v1/admin/officials/${SEEDED_BPJS}`, admin, { whatsappOptIn: true });
    expect(refused).toMatchObject({ status: 400, body: { code: 'whatsapp_required' } });
    for (const [id, number] of [
      [SEEDED_KADIS, KADIS_WA],
      [SEEDED_BPJS, BPJS_WA],
    ]) {
      const res = await call('PATCH', `/v1/admin/officials/${id}`, admin, { whatsapp: number, whatsappOptIn: true });
      expect(res).toMatchObject({ status: 200, body: { whatsapp: number, whatsappOptIn: true } });
    }
  });

  it('answers Meta’s subscription handshake only with the verify token', async () => {
    const verify = (token: string, mode = 'subscribe') =>
      fetch(`${callback}?hub.mode=${mode}&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`);
    const ok = await verify(graph.verifyToken);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await ok.text()).toBe('1158201444');
    expect((await verify('not-the-token')).status).toBe(403);
    expect((await verify(graph.verifyToken, 'unsubscribe')).status).toBe(403);
  });

  it('sends each level’s notice by WhatsApp to the opted-in contractor and officials; the official is not e-mailed at once', async () => {
    const client = await system.client('spse-whatsapp', ['73.07']);
    const event = projectRegistered('WA-E2E-1', {}, { contractNumber: 'SPK/WA-E2E-1' });
    event.data.contractor = { ...event.data.contractor, phone: CONTRACTOR_PHONE, whatsappOptIn: true } as typeof event.data.contractor;
    const res = await signedPost(system.baseUrl, '/v1/procurement/events', client, event);
    expect(res.status).toBe(202);
    caseId = caseIdFor(res.body.projectId as string, 1);
    await waitFor(
      () => system.db.pool.query(`SELECT status FROM notifications WHERE case_id = $1 AND channel = 'WHATSAPP'`, [caseId]),
      (r) => r.rows.length === 3 && r.rows.every((row) => row.status === 'SENT'),
      30_000,
    );
    for (const number of ['+6281234567890', KADIS_WA, BPJS_WA]) expect(wamidTo(number)).toMatch(/^wamid\./);
    const kadis = graph.requests.find((r) => r.to === KADIS_WA.slice(1))!;
    expect(kadis.template).toMatchObject({ name: 'sinergi_kasus_eskalasi', language: { code: 'id' } });
    expect(kadis.template.components[0].parameters[0].text).toBe('1');
    expect((await whatsappOf('KEPALA_DINAS')).status).toBe('SENT');
    // The contractor has e-mail as well; opted-in officials only if they leave it unread.
    expect(mails.some((m) => m.to.includes('kadis.pupr@sinjaikab.example'))).toBe(false);
    expect(mails.some((m) => m.to.includes('kontak@karyasinjai.example'))).toBe(true);
  });

  it('records sent → delivered → read from the signed status webhook, shows READ on the case and “dibaca” on its page', async () => {
    const wamid = wamidTo(KADIS_WA)!;
    const t0 = Date.now() - 120_000;
    for (const [status, offset] of [
      ['sent', 0],
      ['delivered', 30_000],
      ['read', 90_000],
    ] as const) {
      const res = await graph.postStatus(callback, graph.statusPayload(wamid, status, { at: new Date(t0 + offset), recipientId: KADIS_WA.slice(1) }));
      expect(res.status).toBe(200);
    }
    const view = await whatsappOf('KEPALA_DINAS');
    expect(view).toMatchObject({ status: 'READ', readAt: new Date(Math.floor((t0 + 90_000) / 1000) * 1000).toISOString() });
    expect(view.deliveredAt).toBe(new Date(Math.floor((t0 + 30_000) / 1000) * 1000).toISOString());
    expect((await statusEvents(view.id)).map((e) => `${e.status}>${e.notificationStatus}`)).toEqual(['SENT>SENT', 'DELIVERED>DELIVERED', 'READ>READ']);

    const page = await (await fetch(`${system.baseUrl}/console/cases/${caseId}`, { headers: { authorization: `Bearer ${official}`, accept: 'text/html' } })).text();
    const read = witaWallClock(Date.parse(view.readAt!));
    expect(page).toContain('WhatsApp');
    expect(page).toContain('Dibaca');
    expect(page).toContain(`dibaca ${String(read.hour).padStart(2, '0')}.${String(read.minute).padStart(2, '0')}`);
    // No number reaches the events, the API or the page.
    const { rows } = await system.db.pool.query(`SELECT data::text AS data FROM events WHERE stream_id LIKE 'notification-%'`);
    for (const number of ['6281355550001', '6281234567890', '6281355550002']) {
      expect(rows.every((r) => !r.data.includes(number))).toBe(true);
      expect(page).not.toContain(number);
    }
  });

  it('changes nothing for a duplicate or replayed status, a forged signature, or a status that comes out of order', async () => {
    const kadis = await whatsappOf('KEPALA_DINAS');
    const before = await statusEvents(kadis.id);
    const replay = graph.statusPayload(wamidTo(KADIS_WA)!, 'read', { at: new Date(kadis.readAt!) });
    expect((await graph.postStatus(callback, replay)).status).toBe(200);
    expect((await graph.postStatus(callback, graph.statusPayload(wamidTo(KADIS_WA)!, 'delivered'))).status).toBe(200);
    expect(await statusEvents(kadis.id)).toEqual(before);

    // Forged: the right shape, another secret, or no signature at all.
    const contractor = await whatsappOf('CONTRACTOR');
    const failed = graph.statusPayload(wamidTo('+6281234567890')!, 'failed', { errorCode: 131026 });
    expect((await graph.postStatus(callback, failed, `sha256=${'0'.repeat(64)}`)).status).toBe(401);
    const unsigned = await fetch(callback, { method: 'POST', headers: { 'content-type': 'application/json' }, body: failed });
    expect(unsigned.status).toBe(401);
    expect(await statusEvents(contractor.id)).toEqual([]);
    expect((await whatsappOf('CONTRACTOR')).status).toBe('SENT');

    // Read before delivered: READ stays, and the delivered time is still kept.
    const wamid = wamidTo('+6281234567890')!;
    expect((await graph.postStatus(callback, graph.statusPayload(wamid, 'read', { at: new Date(Date.now() - 10_000) }))).status).toBe(200);
    expect((await graph.postStatus(callback, graph.statusPayload(wamid, 'delivered', { at: new Date(Date.now() - 20_000) }))).status).toBe(200);
    const after = await whatsappOf('CONTRACTOR');
    expect(after.status).toBe('READ');
    expect(after.deliveredAt).not.toBeNull();
    expect((await statusEvents(after.id)).map((e) => `${e.status}>${e.notificationStatus}`)).toEqual(['READ>READ', 'DELIVERED>READ']);

    // A status about a message Sinergi does not know is acknowledged (Meta would retry otherwise) and kept aside.
    const unknown = await graph.postStatus(callback, graph.statusPayload('wamid.not-ours', 'delivered'));
    expect(unknown.status).toBe(200);
    expect(JSON.parse(unknown.body)).toMatchObject({ received: 1, recorded: 0, parked: 1 });
  });

  it('e-mails an official who has not read the level’s WhatsApp message in time, once, and not the one who read it', async () => {
    const fallback = system.worker.get(WhatsappReadFallback);
    const later = new Date(Date.now() + 25 * 3_600_000);
    await waitFor(
      () => fallback.run(later).then(() => system.db.pool.query(`SELECT status FROM notifications WHERE case_id = $1 AND fallback_of IS NOT NULL`, [caseId])),
      (r) => r.rows.length === 1 && r.rows[0].status === 'DELIVERED',
      30_000,
    );
    await fallback.run(new Date(later.getTime() + 3_600_000));
    expect(mails.filter((m) => m.to.includes('kacab.sinjai@bpjs.example'))).toHaveLength(1);
    expect(mails.filter((m) => m.to.includes('kadis.pupr@sinjaikab.example'))).toHaveLength(0);
    const bpjs = await whatsappOf('BPJS_BRANCH');
    const detail = (await call('GET', `/v1/cases/${caseId}`, official)).body as { timeline: { notifications: NotificationView[] }[] };
    const email = detail.timeline.flatMap((e) => e.notifications).find((n) => n.fallbackOf === bpjs.id);
    expect(email).toMatchObject({ channel: 'EMAIL', position: 'BPJS_BRANCH', status: 'DELIVERED' });
  });
});
