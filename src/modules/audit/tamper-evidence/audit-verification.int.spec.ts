import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { FixedClock } from '@sinergi/common';
import { computeEventHash, EventStore, type NewEvent, NO_STREAM } from '@sinergi/event-store';
import { createMigratedDatabase, type MigratedTestDatabase } from '@sinergi/testing';
import { canonicalCheckpoint, type CheckpointDocument } from './checkpoint/checkpoint-document';
import { headsFoldToRoot, readCheckpointHeads, signedHeadsOfStreams } from './checkpoint/checkpoint-heads';
import { loadCheckpointSigner } from './checkpoint/checkpoint-key';
import { toCheckpointDocument } from './checkpoint/checkpoint.repository';
import { checkCheckpointOffline, formatOfflineReport } from './checkpoint/verify-checkpoint-offline/verify-checkpoint-offline';
import { WriteCheckpointHandler } from './checkpoint/write-checkpoint/write-checkpoint.handler';
import { verifyEventLog } from './log-verifier';

const pem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();

describe('log verification and signed checkpoints (PostgreSQL)', () => {
  let db: MigratedTestDatabase;
  let store: EventStore;
  const clock = new FixedClock(new Date('2025-08-01T02:00:00Z'));
  const signer = loadCheckpointSigner(pem())!;
  let writer: WriteCheckpointHandler;

  const event = (type: string, n: number, regionCode = '73.07.01'): NewEvent => ({
    type,
    data: { n, amount: '1250000.50', nested: { list: [1, 'dua', null, true], empty: {} } },
    metadata: { actor: { kind: 'client', id: 'spse-7307' }, correlationId: `c-${n}`, causationId: null, regionCode },
  });
  /** A project with three streams: procurement (4 events), compliance (3), one case (2). */
  const project = async (regionCode = '73.07.01') => {
    const projectId = randomUUID();
    const caseId = randomUUID();
    await store.appendMany([
      { streamId: `project-${projectId}`, expected: NO_STREAM, events: [1, 2, 3, 4].map((n) => event('ProjectRegistered', n, regionCode)) },
      { streamId: `compliance-${projectId}`, expected: NO_STREAM, events: [1, 2, 3].map((n) => event('EnrolmentVerified', n, regionCode)) },
      { streamId: `case-${caseId}`, expected: NO_STREAM, events: [1, 2].map((n) => event('CaseOpened', n, regionCode)) },
    ]);
    return { projectId, caseId, streams: [`project-${projectId}`, `compliance-${projectId}`, `case-${caseId}`] };
  };
  /** What a superuser can do: bypass the append-only trigger. */
  const asSuperuser = async (sql: string, params: unknown[]) => {
    const admin = await db.pool.connect();
    try {
      await admin.query('SET session_replication_role = replica');
      await admin.query(sql, params);
    } finally {
      await admin.query('SET session_replication_role = origin');
      admin.release();
    }
  };
  const positionOf = async (streamId: string, version: number) =>
    (await db.pool.query(`SELECT global_position::text AS p FROM events WHERE stream_id = $1 AND stream_version = $2`, [streamId, version])).rows[0].p as string;
  const writeDocument = async (): Promise<CheckpointDocument> => {
    const outcome = await writer.execute({ force: true });
    if (!outcome.written) throw new Error('no checkpoint written');
    return JSON.parse(JSON.stringify(toCheckpointDocument(outcome.checkpoint)));
  };

  beforeAll(async () => {
    db = await createMigratedDatabase('audit_verification');
    store = new EventStore(db.pool, { clock });
    writer = new WriteCheckpointHandler(db.pool, signer, clock);
  });
  afterAll(async () => {
    await db.drop();
  });

  it('finds every chain intact in a freshly written log, in pages smaller than a stream', async () => {
    await project();
    await project('73.08.02');
    const report = await verifyEventLog(db.pool, { kind: 'log' }, { batchSize: 4 });
    expect(report).toMatchObject({ ok: true, scannedEvents: 18, checkedEvents: 18, checkedStreams: 6, brokenStreams: 0, firstBreak: null });
  });

  it('stops between pages when asked to (a worker shutting down)', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(verifyEventLog(db.pool, { kind: 'log' }, { batchSize: 2, signal: controller.signal })).rejects.toThrow('shutting down');
    // The snapshot's transaction was rolled back and the connection returned: the pool still answers.
    expect((await db.pool.query('SELECT 1 AS one')).rows[0].one).toBe(1);
  });

  it('signs a checkpoint that the offline check accepts, with the embedded key and with the key pinned', async () => {
    const document = await writeDocument();
    expect(document.checkpoint).toMatchObject({ streamCount: 6, eventCount: 18, keyId: signer.publicKey.keyId, createdAt: '2025-08-01T02:00:00.000Z' });
    expect(document.signedText).toBe(canonicalCheckpoint(document.checkpoint));

    const offline = await checkCheckpointOffline({ document });
    expect(offline.ok).toBe(true);
    expect(offline.signature).toMatchObject({ ok: true, keySource: 'embedded', keyId: signer.publicKey.keyId });
    const pinned = await checkCheckpointOffline({ document, publicKeyPem: signer.publicKey.pem, databaseUrl: db.url });
    expect(pinned.ok).toBe(true);
    expect(pinned.signature?.keySource).toBe('pinned');
    expect(pinned.comparison).toMatchObject({ matches: true, recomputed: { streamCount: 6, eventCount: 18, merkleRoot: document.checkpoint.merkleRoot } });
    expect(formatOfflineReport(pinned).at(-1)).toMatch(/^VERDICT: OK/);
  });

  it('still matches an old checkpoint after the log grew: it covers only its own prefix', async () => {
    const document = await writeDocument();
    await project();
    const report = await checkCheckpointOffline({ document, databaseUrl: db.url });
    expect(report.ok).toBe(true);
    expect(report.log?.scannedEvents).toBe(document.checkpoint.eventCount + 9);
  });

  it('leaves out a transaction still open when it signs, so the checkpoint holds after that transaction commits', async () => {
    const open = await db.pool.connect();
    try {
      await open.query('BEGIN');
      await store.appendMany([{ streamId: `project-${randomUUID()}`, expected: NO_STREAM, events: [event('ProjectRegistered', 1)] }], {}, open);
      const document = await writeDocument();
      await open.query('COMMIT');
      const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM events');
      expect(document.checkpoint.eventCount).toBe(rows[0].n - 1);
      expect((await checkCheckpointOffline({ document, databaseUrl: db.url })).ok).toBe(true);
    } finally {
      open.release();
    }
  });

  it('refuses a forged signature: one byte flipped, or a checkpoint signed by another key than the one pinned', async () => {
    const document = await writeDocument();
    const signature = Buffer.from(document.signature.value, 'base64');
    signature[7] ^= 0x01;
    const flipped = { ...document, signature: { ...document.signature, value: signature.toString('base64') } };
    const report = await checkCheckpointOffline({ document: flipped });
    expect(report.ok).toBe(false);
    expect(report.signature?.problems).toContain('the Ed25519 signature does not match the checkpoint');
    expect(formatOfflineReport(report).at(-1)).toBe('VERDICT: FAILED — see above');

    // A forger with their own key re-signs a doctored checkpoint and embeds their key: only pinning catches it.
    const forger = loadCheckpointSigner(pem())!;
    const body = { ...document.checkpoint, eventCount: document.checkpoint.eventCount + 1, keyId: forger.publicKey.keyId };
    const forged = { ...document, checkpoint: body, signedText: canonicalCheckpoint(body), signature: { algorithm: 'Ed25519', keyId: forger.publicKey.keyId, value: forger.sign(canonicalCheckpoint(body)) }, publicKey: forger.publicKey };
    expect((await checkCheckpointOffline({ document: forged, publicKeyPem: signer.publicKey.pem })).ok).toBe(false);
    // An altered field under the original signature fails too.
    const altered = { ...document, checkpoint: { ...document.checkpoint, merkleRoot: 'f'.repeat(64) } };
    delete (altered as Partial<CheckpointDocument>).signedText;
    expect((await checkCheckpointOffline({ document: altered })).signature?.ok).toBe(false);
  });

  it('finds a row a superuser altered at its stream version and global position, and fails the checkpoint signed before', async () => {
    const document = await writeDocument();
    const target = await project();
    const before = await writeDocument();
    const compliance = target.streams[1];
    const position = await positionOf(compliance, 2);
    const stored = (await db.pool.query('SELECT hash FROM events WHERE global_position = $1', [position])).rows[0].hash;
    await asSuperuser(`UPDATE events SET data = jsonb_set(data, '{amount}', '"9999999.00"') WHERE stream_id = $1 AND stream_version = 2`, [compliance]);

    const project3 = await verifyEventLog(db.pool, { kind: 'streams', streamIds: target.streams }, { includeStreams: true });
    expect(project3.ok).toBe(false);
    expect(project3.firstBreak).toEqual({ streamId: compliance, version: 2, position, reason: 'hash_mismatch', expected: expect.stringMatching(/^[0-9a-f]{64}$/), found: stored });
    expect(project3.firstBreak!.expected).not.toBe(stored);
    expect(project3.streams!.map((s) => [s.streamId, s.ok])).toEqual(
      expect.arrayContaining([
        [target.streams[0], true],
        [compliance, false],
        [target.streams[2], true],
      ]),
    );

    const whole = await checkCheckpointOffline({ document: before, databaseUrl: db.url });
    expect(whole.ok).toBe(false);
    expect(whole.log?.firstBreak).toMatchObject({ streamId: compliance, version: 2, position });
    // The altered row is not a stream head: the root still matches, the chain is what shows the change.
    expect(whole.comparison?.matches).toBe(true);
    expect(formatOfflineReport(whole).join('\n')).toContain(`${compliance} version 2 (global position ${position}): hash_mismatch`);
    // The earlier checkpoint does not cover this project at all: its own numbers still hold, the chains do not.
    const earlier = await checkCheckpointOffline({ document, databaseUrl: db.url });
    expect(earlier.comparison?.matches).toBe(true);
    expect(earlier.ok).toBe(false);
  });

  it('fails a checkpoint whose stream was rewritten after it was signed, though every chain holds again', async () => {
    const target = await project('73.07.02');
    const document = await writeDocument();
    // A careful forger alters version 2 of the procurement stream and rehashes the rest of it: every link holds.
    const streamId = target.streams[0];
    await asSuperuser(`UPDATE events SET data = jsonb_set(data, '{amount}', '"1.00"') WHERE stream_id = $1 AND stream_version = 2`, [streamId]);
    const rows = await store.readStoredStream(streamId);
    let prev = rows[0].hash;
    for (const row of rows.slice(1)) {
      const hash = computeEventHash(prev, row);
      await asSuperuser(`UPDATE events SET prev_hash = $2, hash = $3 WHERE global_position = $1`, [row.globalPosition, prev, hash]);
      prev = hash;
    }
    const chains = await verifyEventLog(db.pool, { kind: 'streams', streamIds: [streamId] });
    expect(chains.ok).toBe(true);
    const signedHash = (await readCheckpointHeads(db.pool, document.id, [streamId]))!.get(streamId)!.hash;
    const mismatch = { streamId, signed: { version: 4, hash: signedHash }, found: { version: 4, hash: prev } };

    // Online (a project's or a region's streams): set against the heads the latest checkpoint signed, it is named.
    const signed = (await signedHeadsOfStreams(db.pool, target.streams))!;
    expect(signed.checkpoint).toMatchObject({ checkpointId: document.id, signatureValid: true });
    const online = await verifyEventLog(db.pool, { kind: 'streams', streamIds: target.streams }, { includeStreams: true, checkpointSnapshot: signed.snapshot, signedHeads: signed.heads });
    expect(online).toMatchObject({ ok: false, brokenStreams: 0, firstBreak: null, headsCompared: 3, differingHeads: 1, headMismatches: [mismatch] });
    expect(online.streams!.map((s) => [s.streamId, s.ok])).toEqual(expect.arrayContaining([[streamId, false], [target.streams[1], true], [target.streams[2], true]]));

    const report = await checkCheckpointOffline({ document, databaseUrl: db.url });
    expect(report.comparison?.matches).toBe(false);
    expect(report.comparison?.problems).toEqual([
      expect.stringMatching(/^the Merkle root of the stream heads is [0-9a-f]{64}; the checkpoint signed [0-9a-f]{64}$/),
      `stream ${streamId}: its head at the checkpoint is version 4 (hash ${prev}); the checkpoint signed version 4 (hash ${signedHash})`,
    ]);
    expect(report.comparison?.heads).toEqual({ storedHeadsMatchSignedRoot: true, differingStreams: 1, mismatches: [mismatch] });
    expect(formatOfflineReport(report).join('\n')).toContain(`- stream ${streamId}: its head at the checkpoint is version 4`);
    expect(report.ok).toBe(false);
  });

  it('fails a checkpoint when the last event of a stream was deleted after it was signed', async () => {
    const target = await project('73.07.03');
    const document = await writeDocument();
    const [v3, v4] = (await store.readStoredStream(target.streams[0])).slice(2).map((r) => r.hash);
    await asSuperuser(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 4`, [target.streams[0]]);
    const mismatch = { streamId: target.streams[0], signed: { version: 4, hash: v4 }, found: { version: 3, hash: v3 } };

    const signed = (await signedHeadsOfStreams(db.pool, target.streams))!;
    const online = await verifyEventLog(db.pool, { kind: 'streams', streamIds: target.streams }, { checkpointSnapshot: signed.snapshot, signedHeads: signed.heads });
    expect(online).toMatchObject({ ok: false, brokenStreams: 0, differingHeads: 1, headMismatches: [mismatch] });

    const report = await checkCheckpointOffline({ document, databaseUrl: db.url });
    expect(report.comparison?.problems.join('\n')).toMatch(/Merkle root of the stream heads/);
    expect(report.comparison?.problems.join('\n')).toMatch(/events at the checkpoint's head; the checkpoint signed/);
    expect(report.comparison?.problems).toContain(`stream ${target.streams[0]}: its head at the checkpoint is version 3 (hash ${v3}); the checkpoint signed version 4 (hash ${v4})`);
    expect(report.comparison?.heads).toMatchObject({ storedHeadsMatchSignedRoot: true, mismatches: [mismatch] });
    expect(report.ok).toBe(false);
  });

  it('stores with each checkpoint only the heads that changed since the one before; they fold to its signed root', async () => {
    const first = await writeDocument();
    const target = await project('73.07.04');
    await store.appendToStream(target.streams[1], 3, [event('EnrolmentVerified', 4, '73.07.04')]);
    // A whole stream deleted since: the next checkpoint records that it has no head any more.
    const gone = (await project('73.07.05')).streams[2];
    const withGone = await writeDocument();
    await asSuperuser('DELETE FROM events WHERE stream_id = $1', [gone]);
    const second = await writeDocument();
    const stored = async (id: string) =>
      (await db.pool.query(`SELECT stream_id, version FROM audit_checkpoint_heads WHERE checkpoint_id = $1 ORDER BY stream_id`, [id])).rows;
    expect((await db.pool.query('SELECT heads_base_id::text AS base FROM audit_checkpoints WHERE id = $1', [second.id])).rows[0].base).toBe(withGone.id);
    expect(await stored(second.id)).toEqual([{ stream_id: gone, version: 0 }]);
    expect((await stored(withGone.id)).length).toBe(6);
    for (const doc of [first, withGone, second]) {
      const heads = (await readCheckpointHeads(db.pool, doc.id))!;
      expect(heads.size).toBe(doc.checkpoint.streamCount);
      expect(headsFoldToRoot(heads, doc.checkpoint.merkleRoot)).toBe(true);
    }
    expect((await readCheckpointHeads(db.pool, second.id))!.has(gone)).toBe(false);

    // Against the checkpoint that still had it, the whole log names the deleted stream.
    const whole = await checkCheckpointOffline({ document: withGone, databaseUrl: db.url });
    expect(whole.comparison?.heads).toMatchObject({ storedHeadsMatchSignedRoot: true, mismatches: expect.arrayContaining([{ streamId: gone, signed: expect.objectContaining({ version: 2 }), found: null }]) });
    expect(whole.comparison?.problems).toContain(
      `stream ${gone}: the checkpoint signed its head at version 2 (hash ${(await readCheckpointHeads(db.pool, withGone.id, [gone]))!.get(gone)!.hash}); no row of it that the checkpoint covers is left`,
    );
    expect(whole.ok).toBe(false);
    // And heads altered in the database no longer fold to the signed root: the comparison says so.
    await asSuperuser(`UPDATE audit_checkpoint_heads SET hash = $2 WHERE checkpoint_id = $1 AND stream_id = $3`, [withGone.id, 'f'.repeat(64), target.streams[1]]);
    const altered = await checkCheckpointOffline({ document: withGone, databaseUrl: db.url });
    expect(altered.comparison?.heads?.storedHeadsMatchSignedRoot).toBe(false);
    expect(altered.comparison?.problems.join('\n')).toMatch(/do not fold to its signed Merkle root/);
  });

  it('keeps the stored heads one chain when two checkpoints are signed at the same moment', async () => {
    await project('73.07.06');
    const both = await Promise.all([writer.execute({ force: true }), writer.execute({ force: true })]);
    const ids = both.map((o) => (o.written ? o.checkpoint.id : null)).sort((a, b) => Number(a) - Number(b));
    expect(ids).toEqual([expect.any(String), expect.any(String)]);
    const { rows } = await db.pool.query('SELECT id::text AS id, heads_base_id::text AS base FROM audit_checkpoints WHERE id = ANY($1::bigint[]) ORDER BY audit_checkpoints.id', [ids]);
    expect(rows[1].base).toBe(rows[0].id);
    for (const o of both) {
      if (!o.written) continue;
      expect(headsFoldToRoot((await readCheckpointHeads(db.pool, o.checkpoint.id))!, o.checkpoint.merkleRoot)).toBe(true);
    }
  });

  it('does not sign an unchanged head again within the skip window, and signs nothing without a key', async () => {
    const first = await writer.execute();
    expect(first.written).toBe(true);
    expect(await writer.execute({ unchangedSkipMs: 60_000 })).toMatchObject({ written: false, reason: 'unchanged' });
    expect(await new WriteCheckpointHandler(db.pool, null, clock).execute()).toMatchObject({ written: false, reason: 'signing_disabled' });
  });

  it('refuses to change or delete a checkpoint, or the heads stored with it', async () => {
    await expect(db.pool.query('UPDATE audit_checkpoints SET merkle_root = $1', ['0'.repeat(64)])).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
    await expect(db.pool.query(`UPDATE audit_checkpoint_heads SET hash = $1`, ['0'.repeat(64)])).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM audit_checkpoint_heads')).rejects.toThrow(/append-only/);
    await expect(db.pool.query('TRUNCATE audit_checkpoint_heads')).rejects.toThrow(/append-only/);
  });
});
