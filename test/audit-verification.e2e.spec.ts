import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PG_POOL } from '@sinergi/database';
import { computeEventHash, EventStore, type NewEvent, NO_STREAM } from '@sinergi/event-store';
import { waitFor } from '@sinergi/testing';
import type { Pool } from 'pg';
import type { CheckpointDocument } from '../src/modules/audit/tamper-evidence/checkpoint/checkpoint-document';
import { describePublicKey } from '../src/modules/audit/tamper-evidence/checkpoint/checkpoint-key';
import { checkCheckpointOffline } from '../src/modules/audit/tamper-evidence/checkpoint/verify-checkpoint-offline/verify-checkpoint-offline';
import { WriteCheckpointHandler } from '../src/modules/audit/tamper-evidence/checkpoint/write-checkpoint/write-checkpoint.handler';
import { type RunningSystem, startSystem } from './support/running-system';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli.js');
/** The compiled CLI, when this checkout's build has the audit command (npm test builds first). */
const builtCli = existsSync(CLI) && readFileSync(CLI, 'utf8').includes('audit:verify');

describe('tamper evidence: verify, verification jobs and signed checkpoints (API + worker over HTTP)', () => {
  let system: RunningSystem;
  let store: EventStore;
  let auditor: string;
  let boneAuditor: string;
  let admin: string;
  let official: string;
  let dir: string;
  const signingKey = generateKeyPairSync('ed25519').privateKey;
  const keyId = describePublicKey(signingKey).keyId;
  let sinjai: { projectId: string; caseId: string; streams: string[] };
  let bone: { projectId: string; caseId: string; streams: string[] };

  const event = (type: string, n: number, regionCode: string, projectId: string): NewEvent => ({
    type,
    data: { n, projectId, nilaiKontrak: '2450000000.00' },
    metadata: { actor: { kind: 'client', id: 'spse-7307' }, correlationId: `audit-e2e-${n}`, regionCode, projectId },
  });

  /** A project with three streams (procurement, compliance, one case) and the case's read-model row. */
  const project = async (regionCode: string) => {
    const projectId = randomUUID();
    const caseId = randomUUID();
    const streams = [`project-${projectId}`, `compliance-${projectId}`, `case-${caseId}`];
    await store.appendMany([
      { streamId: streams[0], expected: NO_STREAM, events: [1, 2, 3, 4].map((n) => event('ProjectRegistered', n, regionCode, projectId)) },
      { streamId: streams[1], expected: NO_STREAM, events: [1, 2, 3].map((n) => event('EnrolmentVerified', n, regionCode, projectId)) },
      { streamId: streams[2], expected: NO_STREAM, events: [1, 2].map((n) => event('CaseOpened', n, regionCode, projectId)) },
    ]);
    await system.db.pool.query(
      `INSERT INTO escalation_cases (case_id, project_id, region_code, agency_code, status, reasons, ladder_region_code, ladder_version, opened_at, stream_version)
       VALUES ($1, $2, $3, '1.03', 'OPEN', '{ENROLMENT_MISSING}', $4, 1, now(), 2)`,
      [caseId, projectId, regionCode, regionCode.slice(0, 5)],
    );
    return { projectId, caseId, streams };
  };

  const call = async (path: string, token: string, method = 'GET') => {
    const res = await fetch(`${system.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as any };
  };
  const positionOf = async (streamId: string, version: number) =>
    (await system.db.pool.query(`SELECT global_position::text AS p FROM events WHERE stream_id = $1 AND stream_version = $2`, [streamId, version])).rows[0].p as string;
  const untilFinished = (id: string, token: string) =>
    waitFor(
      () => call(`/v1/audit/verifications/${id}`, token),
      (r) => r.status !== 200 || ['COMPLETED', 'FAILED'].includes(r.body.status),
      30_000,
      100,
    );
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, SINERGI_MODE: '' } })
      .then(({ stdout }) => ({ code: 0, stdout }))
      .catch((error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }));

  beforeAll(async () => {
    system = await startSystem('audit_verify', { AUDIT_SIGNING_KEY: signingKey.export({ format: 'pem', type: 'pkcs8' }).toString().replace(/\n/g, '\\n') });
    store = system.api.get(EventStore);
    auditor = await system.token({ sub: 'auditor-sinjai', roles: ['auditor'], regions: ['73.07'] });
    boneAuditor = await system.token({ sub: 'auditor-bone', roles: ['auditor'], regions: ['73.08'] });
    admin = await system.token({ sub: 'admin', roles: ['admin'], regions: ['*'] });
    official = await system.token({ sub: 'official', roles: ['official'], regions: ['73.07'] });
    sinjai = await project('73.07.01');
    bone = await project('73.08.03');
    dir = mkdtempSync(join(tmpdir(), 'sinergi-audit-e2e-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await system.stop();
  });

  it("verifies a project's three streams in the request", async () => {
    const res = await call(`/v1/audit/verify?projectId=${sinjai.projectId}`, auditor);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ projectId: sinjai.projectId, regionCode: '73.07.01', ok: true, checkedEvents: 9, firstBreak: null });
    expect(res.body.streams.map((s: { streamId: string }) => s.streamId).sort()).toEqual([...sinjai.streams].sort());
  });

  it('answers 404 to an auditor of 73.08 for a 73.07 project, as for an unknown one, and 400 to a bad query', async () => {
    expect((await call(`/v1/audit/verify?projectId=${sinjai.projectId}`, boneAuditor)).status).toBe(404);
    expect((await call(`/v1/audit/verify?projectId=${randomUUID()}`, auditor)).status).toBe(404);
    expect((await call(`/v1/audit/verify?projectId=not-a-uuid`, auditor)).status).toBe(404);
    expect((await call(`/v1/audit/verify?projectId=${sinjai.projectId}&regionCode=73.07`, auditor)).status).toBe(400);
    expect((await call(`/v1/audit/verify?projectid=${sinjai.projectId}`, auditor)).status).toBe(400);
    expect((await call(`/v1/audit/verify?projectId=${sinjai.projectId}`, official)).status).toBe(403);
  });

  it('lists signed checkpoints with the public key, and serves one as a document the offline check accepts', async () => {
    // The worker signed one when it started; this one covers the projects above.
    const written = await system.worker.get(WriteCheckpointHandler).execute({ force: true });
    expect(written.written).toBe(true);
    const list = await call('/v1/audit/checkpoints?limit=10', auditor);
    expect(list.status).toBe(200);
    expect(list.body.signing).toMatchObject({ enabled: true, intervalSeconds: 3600, publicKey: { keyId, algorithm: 'Ed25519', jwk: { kty: 'OKP', crv: 'Ed25519', kid: keyId } } });
    expect(list.body.signing.publicKey.pem).toContain('BEGIN PUBLIC KEY');
    expect(list.body.items.length).toBeGreaterThanOrEqual(2);
    const [latest] = list.body.items;
    expect(latest.checkpoint).toMatchObject({ streamCount: 6, eventCount: 18, keyId });
    expect(list.body.publicKeys.map((k: { keyId: string }) => k.keyId)).toEqual([keyId]);
    expect((await call('/v1/audit/checkpoints?limit=1', auditor)).body.nextCursor).toEqual(expect.any(String));

    const doc = await call(latest.documentUrl, auditor);
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-disposition')).toBe(`attachment; filename="sinergi-checkpoint-${latest.id}.json"`);
    const document = doc.body as CheckpointDocument;
    expect((await call('/v1/audit/checkpoints/latest', auditor)).body.id).toBe(latest.id);
    writeFileSync(join(dir, 'checkpoint.json'), JSON.stringify(document));
    writeFileSync(join(dir, 'key.pem'), list.body.signing.publicKey.pem);

    const offline = await checkCheckpointOffline({ document, publicKeyPem: list.body.signing.publicKey.pem, databaseUrl: system.db.url });
    expect(offline.ok).toBe(true);
    expect(offline.comparison?.matches).toBe(true);
    if (builtCli) {
      const run = await cli(['audit:verify', '--checkpoint', join(dir, 'checkpoint.json'), '--public-key', join(dir, 'key.pem'), '--database', system.db.url]);
      expect(run.stdout).toMatch(/VERDICT: OK/);
      expect(run.code).toBe(0);
    }
    expect((await call('/v1/audit/checkpoints/99999999', auditor)).status).toBe(404);
  });

  it('finds a row altered by a superuser at its stream version and global position', async () => {
    const compliance = sinjai.streams[1];
    const position = await positionOf(compliance, 2);
    const admin = await system.db.pool.connect();
    try {
      await admin.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
      await admin.query(`UPDATE events SET data = jsonb_set(data, '{nilaiKontrak}', '"1.00"') WHERE stream_id = $1 AND stream_version = 2`, [compliance]);
    } finally {
      await admin.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
      admin.release();
    }
    const res = await call(`/v1/audit/verify?projectId=${sinjai.projectId}`, auditor);
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(res.body.firstBreak).toMatchObject({ streamId: compliance, version: 2, position, reason: 'hash_mismatch' });
    const byStream = Object.fromEntries(res.body.streams.map((s: { streamId: string; ok: boolean }) => [s.streamId, s.ok]));
    expect(byStream).toEqual({ [sinjai.streams[0]]: true, [compliance]: false, [sinjai.streams[2]]: true });
    // Bone's project is untouched.
    expect((await call(`/v1/audit/verify?projectId=${bone.projectId}`, boneAuditor)).body.ok).toBe(true);
  });

  it("verifies a region as a job: 202 with Location, progress, then the first broken link; out of scope it is 404", async () => {
    const started = await call('/v1/audit/verify?regionCode=73.07', auditor);
    expect(started.status).toBe(202);
    const location = started.headers.get('location')!;
    expect(location).toBe(`/v1/audit/verifications/${started.body.verificationId}`);
    const done = await untilFinished(started.body.verificationId, auditor);
    expect(done.body).toMatchObject({ status: 'COMPLETED', regions: ['73.07'], requestedBy: 'auditor-sinjai' });
    expect(done.body.result).toMatchObject({ ok: false, scannedEvents: 9, checkedStreams: 3, brokenStreams: 1, firstBreak: { streamId: sinjai.streams[1], version: 2 } });
    expect((await call(location, boneAuditor)).status).toBe(404);

    const boneJob = await call('/v1/audit/verify', boneAuditor);
    expect(boneJob.status).toBe(202);
    expect(boneJob.body.regions).toEqual(['73.08']);
    expect((await untilFinished(boneJob.body.verificationId, boneAuditor)).body.result).toMatchObject({ ok: true, scannedEvents: 9 });
    expect((await call('/v1/audit/verify?regionCode=73.07', boneAuditor)).status).toBe(404);
  });

  it('verifies the whole log for the scope *, with the latest checkpoint recomputed in the same pass', async () => {
    const started = await call('/v1/audit/verify', admin);
    expect(started.status).toBe(202);
    expect(started.body.regions).toEqual(['*']);
    const done = await untilFinished(started.body.verificationId, admin);
    expect(done.body.result).toMatchObject({
      ok: false,
      scannedEvents: 18,
      brokenStreams: 1,
      firstBreak: { streamId: sinjai.streams[1], version: 2 },
      // The altered row is no stream head: the checkpoint's root still matches; the chain shows the change.
      checkpoint: { signatureValid: true, matches: true, signed: { streamCount: 6, eventCount: 18 } },
    });
    expect((await call(`/v1/audit/verifications/${started.body.verificationId}`, auditor)).status).toBe(404);
  });

  it('fails the offline check of a forged checkpoint and of a log that no longer matches', async () => {
    const document = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as CheckpointDocument;
    const signature = Buffer.from(document.signature.value, 'base64');
    signature[0] ^= 0x80;
    const forged = { ...document, signature: { ...document.signature, value: signature.toString('base64') } };
    writeFileSync(join(dir, 'forged.json'), JSON.stringify(forged));
    expect((await checkCheckpointOffline({ document: forged })).ok).toBe(false);
    if (builtCli) {
      const run = await cli(['audit:verify', '--checkpoint', join(dir, 'forged.json'), '--offline']);
      expect(run.stdout).toMatch(/signature: INVALID/);
      expect(run.code).toBe(2);
      const tampered = await cli(['audit:verify', '--checkpoint', join(dir, 'checkpoint.json'), '--database', system.db.url]);
      expect(tampered.stdout).toContain(`${sinjai.streams[1]} version 2`);
      expect(tampered.code).toBe(2);
    }
  });

  it('names the streams whose head no longer matches the latest checkpoint: a chain recomputed after an edit, a deleted last event', async () => {
    const document = JSON.parse(readFileSync(join(dir, 'checkpoint.json'), 'utf8')) as CheckpointDocument;
    const [procurement, , caseStream] = bone.streams;
    const signedHead = async (streamId: string, version: number) => ({ version, hash: (await system.db.pool.query(`SELECT hash FROM events WHERE stream_id = $1 AND stream_version = $2`, [streamId, version])).rows[0].hash as string });
    const signed = { procurement: await signedHead(procurement, 4), caseStream: await signedHead(caseStream, 2) };
    // A careful forger edits version 2 and rehashes the rest of the stream (every link holds again), and deletes a case's last event.
    const superuser = await system.db.pool.connect();
    let rehashed: string;
    try {
      await superuser.query('ALTER TABLE events DISABLE TRIGGER events_append_only');
      await superuser.query(`UPDATE events SET data = jsonb_set(data, '{nilaiKontrak}', '"1.00"') WHERE stream_id = $1 AND stream_version = 2`, [procurement]);
      const rows = await store.readStoredStream(procurement);
      let prev = rows[0].hash;
      for (const row of rows.slice(1)) {
        const hash = computeEventHash(prev, row);
        await superuser.query(`UPDATE events SET prev_hash = $2, hash = $3 WHERE global_position = $1`, [row.globalPosition, prev, hash]);
        prev = hash;
      }
      rehashed = prev;
      await superuser.query(`DELETE FROM events WHERE stream_id = $1 AND stream_version = 2`, [caseStream]);
    } finally {
      await superuser.query('ALTER TABLE events ENABLE TRIGGER events_append_only');
      superuser.release();
    }
    const mismatches = [
      { streamId: caseStream, signed: signed.caseStream, found: await signedHead(caseStream, 1) },
      { streamId: procurement, signed: signed.procurement, found: { version: 4, hash: rehashed } },
    ];

    const project = await call(`/v1/audit/verify?projectId=${bone.projectId}`, boneAuditor);
    expect(project.status).toBe(200);
    expect(project.body).toMatchObject({ ok: false, firstBreak: null, checkpoint: { checkpointId: document.id, signatureValid: true }, headMismatches: mismatches });
    const byStream = Object.fromEntries(project.body.streams.map((s: { streamId: string; ok: boolean }) => [s.streamId, s.ok]));
    expect(byStream).toEqual({ [procurement]: false, [bone.streams[1]]: true, [caseStream]: false });

    const region = await call('/v1/audit/verify?regionCode=73.08', boneAuditor);
    expect((await untilFinished(region.body.verificationId, boneAuditor)).body.result).toMatchObject({ ok: false, brokenStreams: 0, differingHeads: 2, headMismatches: mismatches, checkpoint: { checkpointId: document.id } });

    const whole = await call('/v1/audit/verify', admin);
    const result = (await untilFinished(whole.body.verificationId, admin)).body.result;
    expect(result).toMatchObject({ ok: false, differingHeads: 2, checkpoint: { matches: false, heads: { storedHeadsMatchSignedRoot: true, differingStreams: 2, mismatches } } });
    expect(result.checkpoint.problems).toEqual(expect.arrayContaining([expect.stringContaining(`stream ${procurement}: its head at the checkpoint is version 4`), expect.stringContaining(`stream ${caseStream}: its head at the checkpoint is version 1`)]));

    const offline = await checkCheckpointOffline({ document, databaseUrl: system.db.url });
    expect(offline.comparison?.heads).toMatchObject({ storedHeadsMatchSignedRoot: true, mismatches });
    if (builtCli) {
      const run = await cli(['audit:verify', '--checkpoint', join(dir, 'checkpoint.json'), '--database', system.db.url]);
      expect(run.stdout).toContain(`- stream ${procurement}: its head at the checkpoint is version 4 (hash ${rehashed}); the checkpoint signed version 4 (hash ${signed.procurement.hash})`);
      expect(run.stdout).toContain(`- stream ${caseStream}: its head at the checkpoint is version 1`);
      expect(run.code).toBe(2);
    }
  });

  it('runs the API and the worker as a login of sinergi_app: neither can rewrite the log or switch its trigger off', async () => {
    for (const pool of [system.api.get<Pool>(PG_POOL), system.worker.get<Pool>(PG_POOL)]) {
      const { rows } = await pool.query(
        `SELECT current_user AS me, pg_has_role(current_user, 'sinergi_app', 'MEMBER') AS member, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`,
      );
      expect(rows[0]).toMatchObject({ member: true, superuser: false });
      expect(rows[0].me).not.toBe(new URL(system.db.url).username);
      for (const sql of [
        `UPDATE events SET data = '{}'`,
        'DELETE FROM events',
        'TRUNCATE events',
        `UPDATE audit_checkpoints SET merkle_root = '0'`,
        'DELETE FROM audit_checkpoint_heads',
        'UPDATE audit_access_log SET actor_sub = actor_sub',
      ]) {
        await expect(pool.query(sql)).rejects.toMatchObject({ code: '42501', message: expect.stringMatching(/^permission denied for table/) });
      }
      await expect(pool.query('ALTER TABLE events DISABLE TRIGGER events_append_only')).rejects.toMatchObject({ code: '42501', message: 'must be owner of table events' });
      await expect(pool.query('SET session_replication_role = replica')).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('records every verify and checkpoint read in the audit access log', async () => {
    const { rows } = await system.db.pool.query(
      `SELECT actor_sub, action, outcome, filters FROM audit_access_log WHERE action IN ('verify', 'checkpoints') ORDER BY id`,
    );
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actor_sub: 'auditor-sinjai', action: 'verify', outcome: 'ok', filters: { projectId: sinjai.projectId } }),
        expect.objectContaining({ actor_sub: 'auditor-bone', action: 'verify', outcome: 'not_found', filters: { projectId: sinjai.projectId } }),
        expect.objectContaining({ actor_sub: 'auditor-sinjai', action: 'verify', outcome: 'started', filters: expect.objectContaining({ regionCode: '73.07', regions: ['73.07'] }) }),
        expect.objectContaining({ actor_sub: 'auditor-sinjai', action: 'checkpoints', outcome: 'ok', filters: { limit: 10 } }),
      ]),
    );
  });

  it('gives auditors no way to write', async () => {
    expect((await call(`/v1/cases/${sinjai.caseId}/acknowledge`, auditor, 'POST')).status).toBe(403);
    expect((await call('/v1/audit/verify', auditor, 'POST')).status).toBe(404);
    expect((await call('/v1/audit/checkpoints', auditor, 'POST')).status).toBe(404);
  });
});
