import { generateKeyPairSync } from 'node:crypto';
import { projectRegistered, signedPost, waitFor, workersReported } from '@sinergi/testing';
import { loadCheckpointSigner } from '../src/modules/audit/tamper-evidence/checkpoint/checkpoint-key';
import { WriteCheckpointHandler } from '../src/modules/audit/tamper-evidence/checkpoint/write-checkpoint/write-checkpoint.handler';
import { caseIdFor } from '../src/modules/escalation/escalation.queues';
import { checkInvariants, INVARIANT_NAMES } from '../src/modules/operations/invariants/invariants';
import { RetentionSweeper } from '../src/modules/operations/retention/retention.sweeper';
import { type RunningSystem, startSystem } from './support/running-system';

/**
 * On a running system that did its work — projects registered (one twice), a roster with names and NIKs, an enrolled
 * project verified compliant, another not enrolled with its case opened and level 0 notified, the coverage projection
 * caught up, a checkpoint signed — every invariant holds.
 */
describe('invariants on a clean running system', () => {
  let system: RunningSystem;
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

  beforeAll(async () => {
    system = await startSystem('invariants', { AUDIT_SIGNING_KEY: pem });
  });
  afterAll(async () => system?.stop());

  it('holds every invariant once the work is done', async () => {
    const client = await system.client('spse-invariants', ['73.07']);
    system.sim.upsertProjects([
      {
        npwp: '0012345674901000',
        contractNumber: 'SPK/INV-OK',
        projectNumber: '7307250000101',
        npp: '73070001',
        status: 'ACTIVE',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
        contractValue: '2500000000',
        premiumAssessed: '3252703',
        premiumPaid: '3252703',
        workersRegistered: 35,
        workerNiks: ['7307014503900001', '7307011208850002'],
      },
    ]);
    const post = (body: object) => signedPost(system.baseUrl, '/v1/procurement/events', client, body);
    const enrolled = await post(projectRegistered('INV-OK', {}, { contractNumber: 'SPK/INV-OK' }));
    const missing = await post(projectRegistered('INV-NO', {}, { contractNumber: 'SPK/INV-NO' }));
    expect([enrolled.status, missing.status]).toEqual([202, 202]);
    // A repeat is answered from its idempotency record, not appended again.
    expect((await post(projectRegistered('INV-OK', {}, { contractNumber: 'SPK/INV-OK' }))).status).toBe(200);
    const roster = [
      { nik: '7307014503900001', name: 'Siti Rahmawati Nur' },
      { nik: '7307011208850002', name: 'Muhammad Arfah' },
    ];
    expect((await post(workersReported('INV-OK', roster))).status).toBe(202);

    const caseId = caseIdFor(missing.body.projectId, 1);
    const settled = async () => {
      const { rows } = await system.db.pool.query(
        `SELECT (SELECT count(*)::int FROM verification_requests WHERE completed_at IS NULL) AS pending,
                (SELECT count(*)::int FROM notifications WHERE case_id = $1) AS notified,
                (SELECT count(*)::int FROM coverage_projects WHERE project_ref IS NOT NULL) AS projected,
                (SELECT count(*)::int FROM events e WHERE e.stream_id LIKE 'compliance-%' AND e.type = 'ComplianceStatusChanged') AS verdicts`,
        [caseId],
      );
      return rows[0];
    };
    await waitFor(settled, (s) => s.pending === 0 && s.notified > 0 && s.projected === 2 && s.verdicts >= 2, 30_000);

    // The worker's retention sweep (as the application's login) finds nothing past its period, and leaves the invariants holding.
    expect(await system.worker.get(RetentionSweeper).sweep()).toEqual({ verificationRequests: 0, notifications: 0, inboxItems: 0, auditAccessLog: 0, deadLetters: 0 });
    const outcome = await new WriteCheckpointHandler(system.db.pool, loadCheckpointSigner(pem)).execute({ force: true });
    expect(outcome.written).toBe(true);
    const report = await checkInvariants(system.db.pool, { requireCheckpoint: true, jobs: { url: system.config.redisUrl, prefix: system.config.queuePrefix } });
    expect(report.checks.filter((c) => !c.ok)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(INVARIANT_NAMES);
    // The work was there to be checked: the roster's names and NIKs were looked for, a case was folded, the log read.
    const detail = Object.fromEntries(report.checks.map((c) => [c.name, c.detail ?? '']));
    expect(detail['no-personal-data-outside-personal_data']).toMatch(/row\(s\) scanned for [3-9] stored person record.*; [1-9]\d* job\(s\) scanned$/);
    expect(detail['ladder-levels-fired-once']).toMatch(/^1 case\(s\) folded/);
    expect(detail['hash-chains-verify']).toMatch(/checkpoint \d+ matches the log/);
  });
});
