import { SEED_SINJAI_OFFICIALS } from '@sinergi/database/migrations/1764000000006-escalation-directory';
import { startWhatsappStandIn, type StatusName, type WhatsappStandIn } from '@sinergi/local-services';
import { projectRegistered, waitFor } from '@sinergi/testing';
import { hubSignature, STATUS_RANK } from '../../src/modules/escalation/notification/whatsapp/whatsapp-status';
import { type ApiProcess, type FaultSystem, startFaultSystem } from './support/fault-system';
import { expectInvariants } from './support/invariants';
import { describeLong } from './support/scenario';

/** Three projects not enrolled at BPJS: three cases, each notifying its contractor and seven officials over WhatsApp. */
const PROJECTS = ['9700001', '9700002', '9700003'];
const MESSAGES = PROJECTS.length * (1 + SEED_SINJAI_OFFICIALS.length);
/** Each status is posted this many times to each of the two api processes. */
const COPIES = 3;

/**
 * What WhatsApp reports of each message (by its place in the order the stand-in accepted them), and where it must
 * end: the furthest any report says (SENT < FAILED < DELIVERED < READ). A failure beside a delivery is what Meta sends
 * for a recipient with more than one device; a message read at once comes without `delivered`.
 */
const FATES: { statuses: StatusName[]; ends: 'READ' | 'DELIVERED' | 'FAILED' }[] = [
  { statuses: ['sent', 'delivered', 'read'], ends: 'READ' },
  { statuses: ['sent', 'delivered'], ends: 'DELIVERED' },
  { statuses: ['sent', 'failed'], ends: 'FAILED' },
  { statuses: ['sent', 'delivered', 'failed'], ends: 'DELIVERED' },
  { statuses: ['sent', 'delivered', 'read', 'failed'], ends: 'READ' },
  { statuses: ['sent', 'read'], ends: 'READ' },
];
/** Seconds after the message each status happened (the webhook's `timestamp`). */
const AFTER_S: Record<StatusName, number> = { sent: 1, delivered: 4, failed: 9, read: 30 };
const RANK = { ...STATUS_RANK, PENDING: 0 } as Record<string, number>;

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Runs the thunks with at most `limit` in flight; resolves with every result. */
async function pooled<T>(thunks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(thunks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, thunks.length) }, async () => {
      while (next < thunks.length) {
        const i = next++;
        results[i] = await thunks[i]();
      }
    }),
  );
  return results;
}

/**
 * Meta's status webhooks as they really come, to two api processes behind one callback URL: every status several
 * times (Meta retries), out of order (read before delivered before sent), the same message's statuses at the same time
 * in both processes, some before the worker has recorded the Cloud API's answer, some batched in one notification;
 * beside them forgeries and a status about a message Sinergi never sent.
 */
describeLong('whatsapp: status webhooks duplicated and out of order over two api processes', () => {
  let graph: WhatsappStandIn;
  let system: FaultSystem;
  let apis: ApiProcess[];
  const answers: { status: number; body: string }[] = [];

  beforeAll(async () => {
    graph = await startWhatsappStandIn();
    system = await startFaultSystem('whatsapp', { env: { ...graph.env, ESCALATION_FAST_LADDER_MS: '300', NOTIFICATION_BACKOFF_MS: '50' } });
    // Fictional numbers for the seeded placeholder officials, opted in: WhatsApp instead of e-mail.
    for (const [i, official] of SEED_SINJAI_OFFICIALS.entries()) {
      await system.db.pool.query(`UPDATE officials SET whatsapp = $2, whatsapp_opt_in = true WHERE id = $1`, [official.id, `+6281100000${String(i + 10)}`]);
    }
  });
  afterAll(async () => {
    await system?.stop();
    await graph?.close();
  });

  const callback = (api: ApiProcess) => `${api.url}/v1/webhooks/whatsapp`;
  const post = async (api: ApiProcess, body: string, signature?: string) => {
    const answer = await graph.postStatus(callback(api), body, signature);
    answers.push(answer);
    return answer;
  };
  const at = (accepted: number, status: StatusName) => new Date(accepted + AFTER_S[status] * 1000);
  const rows = async () =>
    (
      await system.db.pool.query<{ id: string; status: string; wamid: string | null; delivered_at: Date | null; read_at: Date | null; failed_at: Date | null }>(
        `SELECT id, status, provider_message_id AS wamid, delivered_at, read_at, failed_at FROM notifications WHERE channel = 'WHATSAPP' ORDER BY id`,
      )
    ).rows;
  const reported = async () =>
    (
      await system.db.pool.query<{ stream_id: string; status: string; notification_status: string; n: number }>(
        `SELECT stream_id, data->>'status' AS status, data->>'notificationStatus' AS notification_status, stream_version AS n
           FROM events WHERE type = 'NotificationStatusReported' ORDER BY stream_id, stream_version`,
      )
    ).rows;

  it('ends every notification in its furthest status, each status recorded once, none going back; forgeries refused, strangers ignored', async () => {
    // Some statuses overtake the Cloud API's answer: the first messages' first status reaches one api process before
    // the worker has the wamid (parked), their second the other one while the worker records it.
    const overtaking: Promise<{ status: number; body: string }>[] = [];
    const parkedFirst: { status: number; body: string }[] = [];
    let accepted = 0;
    graph.onAccept = async (request) => {
      const i = accepted++;
      if (i >= FATES.length) return;
      const [first, second] = FATES[i].statuses;
      parkedFirst.push(await post(apis[0], graph.statusPayload(request.messageId!, first, { at: at(request.at, first) })));
      overtaking.push(post(apis[1], graph.statusPayload(request.messageId!, second, { at: at(request.at, second) })));
    };
    apis = await Promise.all([system.api(), system.api()]);
    await system.worker();
    for (const ref of PROJECTS) {
      const event = projectRegistered(ref);
      event.data.contractor = { ...event.data.contractor, phone: `0812-3456-${ref.slice(-4)}`, whatsappOptIn: true } as typeof event.data.contractor;
      expect((await system.post(apis[0], '/v1/procurement/events', event)).status).toBe(202);
    }
    // Every level of every case reached and its WhatsApp notices accepted by the Cloud API.
    await waitFor(rows, (r) => r.length === MESSAGES && r.every((row) => row.wamid !== null), 90_000, 100);
    await Promise.all(overtaking);
    graph.onAccept = null;
    // Those came before the worker had recorded the wamid: kept aside, then applied when it did.
    expect(parkedFirst.map((a) => JSON.parse(a.body))).toEqual(FATES.map(() => ({ received: 1, recorded: 0, parked: 1 })));

    const sent = graph.requests.filter((r) => r.status === 200);
    expect(sent).toHaveLength(MESSAGES);
    const messages = sent.map((r, i) => ({ wamid: r.messageId!, accepted: r.at, ...FATES[i % FATES.length], backwards: Math.floor(i / FATES.length) % 2 === 0 }));

    // Watching every row while the webhooks come in: a status that went back would show.
    const seen = new Map<string, number>();
    const regressions: string[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        for (const row of await rows()) {
          if (RANK[row.status] < (seen.get(row.id) ?? 0)) regressions.push(`${row.id}: ${row.status} after rank ${seen.get(row.id)}`);
          seen.set(row.id, Math.max(seen.get(row.id) ?? 0, RANK[row.status]));
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // Round by round, half the messages backwards (read, failed, delivered, sent), half forwards; within a round each
    // status of each message COPIES times to each api process, all at once.
    const rounds = Math.max(...FATES.map((f) => f.statuses.length));
    for (let k = 0; k < rounds; k++) {
      const round = messages.flatMap((m) => {
        const order = m.backwards ? [...m.statuses].sort((a, b) => RANK[b.toUpperCase()] - RANK[a.toUpperCase()]) : m.statuses;
        const status = order[k];
        if (!status) return [];
        const body = graph.statusPayload(m.wamid, status, { at: at(m.accepted, status) });
        return apis.flatMap((api) => Array.from({ length: COPIES }, () => () => post(api, body)));
      });
      await Promise.all(shuffle(round).map((p) => p()));
    }
    // Then Meta's retries of all of it, shuffled, some batched three to a notification, to either process.
    const retries = shuffle(messages.flatMap((m) => m.statuses.map((status) => JSON.parse(graph.statusPayload(m.wamid, status, { at: at(m.accepted, status) })))));
    const bodies: string[] = [];
    for (let i = 0; i < retries.length; i += i % 2 ? 3 : 1) {
      const batch = retries.slice(i, i + (i % 2 ? 3 : 1));
      const body = batch[0];
      body.entry[0].changes[0].value.statuses = batch.flatMap((b) => b.entry[0].changes[0].value.statuses);
      bodies.push(JSON.stringify(body));
    }
    await pooled(
      shuffle(bodies.flatMap((body) => apis.map((api) => () => post(api, body)))),
      32,
    );
    watching = false;
    await watcher;

    // Every webhook answered 200 (Meta retries anything else), none 500.
    expect(answers.filter((a) => a.status !== 200)).toEqual([]);
    expect(regressions).toEqual([]);

    const byWamid = new Map((await rows()).map((r) => [r.wamid!, r]));
    const events = await reported();
    for (const m of messages) {
      const row = byWamid.get(m.wamid)!;
      const stream = events.filter((e) => e.stream_id === `notification-${row.id}`);
      // Each status once, whatever the copies; the notification's status along its stream never goes back.
      expect({ wamid: m.wamid, statuses: stream.map((e) => e.status).sort() }).toEqual({ wamid: m.wamid, statuses: m.statuses.map((s) => s.toUpperCase()).sort() });
      const ranks = stream.map((e) => RANK[e.notification_status]);
      expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
      expect({ wamid: m.wamid, status: row.status, last: stream.at(-1)!.notification_status }).toEqual({ wamid: m.wamid, status: m.ends, last: m.ends });
      // The times the webhooks gave: delivered (or, read at once without it, the read time), read, failed only when FAILED.
      if (m.statuses.includes('read')) expect(row.read_at).toEqual(at(Math.floor(m.accepted / 1000) * 1000, 'read'));
      if (m.ends !== 'FAILED') expect(row.delivered_at).toEqual(at(Math.floor(m.accepted / 1000) * 1000, m.statuses.includes('delivered') ? 'delivered' : 'read'));
      expect(row.failed_at === null).toBe(m.ends !== 'FAILED');
    }
    // Nothing left waiting: every status that overtook its message's answer was applied.
    expect((await system.db.pool.query(`SELECT count(*)::int AS n FROM whatsapp_parked_statuses`)).rows[0].n).toBe(0);

    // A status about a message Sinergi never sent: acknowledged, so Meta does not retry it, and it changes nothing
    // (kept aside in case its message's answer is still on its way; dropped after a week).
    const before = { rows: await rows(), events: (await reported()).length };
    for (const api of apis) {
      const stranger = await post(api, graph.statusPayload('wamid.HBgNNjI4MTEwMDAwMDAwMBUCABEYEnNvbWVvbmUtZWxzZXMtbXNnAA==', 'delivered'));
      expect(stranger.status).toBe(200);
      expect(JSON.parse(stranger.body)).toMatchObject({ received: 1, recorded: 0 });
    }
    // Forgeries: another secret, no signature, a signature of another body, a malformed header. Refused by both.
    const target = messages.find((m) => m.ends === 'FAILED')!;
    const forged = graph.statusPayload(target.wamid, 'read');
    const genuine = graph.statusPayload(target.wamid, 'sent', { at: at(target.accepted, 'sent') });
    for (const api of apis) {
      expect((await graph.postStatus(callback(api), forged, hubSignature('not-the-app-secret', forged))).status).toBe(401);
      expect((await graph.postStatus(callback(api), forged, hubSignature(graph.appSecret, genuine))).status).toBe(401);
      expect((await graph.postStatus(callback(api), forged, 'sha1=deadbeef')).status).toBe(401);
      const unsigned = await fetch(callback(api), { method: 'POST', headers: { 'content-type': 'application/json' }, body: forged });
      expect(unsigned.status).toBe(401);
      expect(unsigned.headers.get('content-type')).toMatch(/problem\+json/);
    }
    expect(await rows()).toEqual(before.rows);
    expect((await reported()).length).toBe(before.events);

    for (const api of apis) expect(api.running()).toBe(true);
    await expectInvariants(system);
  });
});
