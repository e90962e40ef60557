import { Client } from 'pg';
import type { BrokenLink } from '../../chain-checker';
import { type SignedHead, type VerificationReport, verifyEventLog } from '../../log-verifier';
import { type CheckpointDocument, parseCheckpointDocument, type SignatureCheck, verifyCheckpointSignature } from '../checkpoint-document';
import { headsFoldToRoot, readCheckpointHeads } from '../checkpoint-heads';
import { parsePublicKey } from '../checkpoint-key';
import { type CheckpointComparison, compareCheckpointWithLog } from '../compare-checkpoint';

export interface OfflineCheckOptions {
  /** The checkpoint document as parsed JSON (GET /v1/audit/checkpoints/{id}); absent: only the chains are checked. */
  document?: unknown;
  /** The key the auditor trusts (PEM), obtained apart from the document; without it the embedded key is used. */
  publicKeyPem?: string;
  /** A database holding the log; absent: the signature alone is checked. */
  databaseUrl?: string;
  /** Whether a database that cannot be reached fails the check (it was asked for) or is only noted. @defaultValue true */
  databaseRequired?: boolean;
  onProgress?: (scannedEvents: number) => void;
}

export interface OfflineCheckReport {
  ok: boolean;
  document: CheckpointDocument | null;
  documentProblems: string[];
  signature: SignatureCheck | null;
  database: { url: string; reachable: boolean; error?: string } | null;
  log: Omit<VerificationReport, 'streams' | 'checkpointHeads'> | null;
  comparison: CheckpointComparison | null;
}

/**
 * The auditor's check (`npm run cli -- audit:verify`): the checkpoint's Ed25519 signature with no database at all;
 * then, given a database, every hash chain recomputed from the stored rows and the stream heads at the
 * checkpoint's log head folded into the Merkle root, compared with what was signed. The heads stored with the
 * checkpoint, once they fold to its signed root, name the streams whose head differs. Any failure makes `ok` false.
 */
export async function checkCheckpointOffline(options: OfflineCheckOptions): Promise<OfflineCheckReport> {
  const report: OfflineCheckReport = { ok: true, document: null, documentProblems: [], signature: null, database: null, log: null, comparison: null };
  if (options.document !== undefined) {
    const parsed = parseCheckpointDocument(options.document);
    report.documentProblems = parsed.problems;
    report.document = parsed.document;
    if (parsed.document) {
      let pinned;
      try {
        pinned = options.publicKeyPem ? parsePublicKey(options.publicKeyPem) : undefined;
      } catch (error) {
        report.documentProblems.push(`the public key given is unusable: ${(error as Error).message}`);
      }
      if (!options.publicKeyPem || pinned) report.signature = verifyCheckpointSignature(parsed.document, pinned);
    }
    if (report.documentProblems.length || !report.signature?.ok) report.ok = false;
  }
  if (!options.databaseUrl) return report;

  report.database = { url: redactUrl(options.databaseUrl), reachable: false };
  const client = new Client({ connectionString: options.databaseUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    report.database.error = (error as Error).message;
    if (options.databaseRequired ?? true) report.ok = false;
    return report;
  }
  report.database.reachable = true;
  try {
    const checkpointSnapshot = report.document?.checkpoint.logSnapshot;
    const signedHeads = report.document ? await storedHeads(client, report.document.id) : null;
    let lastShown = 0;
    const { checkpointHeads, streams: _streams, ...log } = await verifyEventLog(client, { kind: 'log' }, {
      checkpointSnapshot,
      signedHeads: signedHeads ?? undefined,
      onProgress: (p) => {
        if (p.scannedEvents - lastShown >= 250_000) options.onProgress?.((lastShown = p.scannedEvents));
      },
    });
    report.log = log;
    if (!log.ok) report.ok = false;
    if (report.document && checkpointHeads && report.signature) {
      report.comparison = compareCheckpointWithLog(
        report.document,
        report.signature,
        checkpointHeads,
        signedHeads && {
          storedHeadsMatchSignedRoot: headsFoldToRoot(signedHeads, report.document.checkpoint.merkleRoot),
          differingStreams: log.differingHeads!,
          mismatches: log.headMismatches!,
        },
      );
      if (!report.comparison.matches) report.ok = false;
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return report;
}

/** The report as the CLI prints it, ending with one verdict line. */
export function formatOfflineReport(report: OfflineCheckReport): string[] {
  const lines: string[] = [];
  const doc = report.document;
  for (const p of report.documentProblems) lines.push(`document: ${p}`);
  if (doc) {
    const c = doc.checkpoint;
    lines.push(`checkpoint ${doc.id} signed ${c.createdAt}: log head position ${c.logHeadPosition} (snapshot ${c.logSnapshot}), ${c.streamCount} streams, ${c.eventCount} events`);
    lines.push(`  merkle root ${c.merkleRoot}`);
  }
  const sig = report.signature;
  if (sig) {
    if (sig.ok) {
      lines.push(
        sig.keySource === 'pinned'
          ? `signature: VALID (Ed25519, the key you gave, id ${sig.keyId})`
          : `signature: VALID (Ed25519, key id ${sig.keyId}, taken from the document: compare it with the key id Sinergi publishes, or pass --public-key)`,
      );
    } else {
      lines.push('signature: INVALID');
      for (const p of sig.problems) lines.push(`  - ${p}`);
    }
  }
  const db = report.database;
  if (db && !db.reachable) lines.push(`database ${db.url}: NOT REACHABLE (${db.error}); the log was not checked`);
  if (db?.reachable && report.log) {
    const log = report.log;
    lines.push(`database ${db.url}: ${log.scannedEvents} events in ${log.checkedStreams} streams read in ${(log.durationMs / 1000).toFixed(1)} s`);
    if (log.brokenStreams === 0) lines.push('  hash chains: every link holds');
    else {
      lines.push(`  hash chains: ${log.brokenStreams} stream(s) broken; first broken link in the log:`);
      lines.push(`    ${describeBreak(log.firstBreak!)}`);
      for (const b of log.breaks.filter((x) => x !== log.firstBreak).slice(0, 9)) lines.push(`    also ${describeBreak(b)}`);
    }
  }
  const cmp = report.comparison;
  if (cmp) {
    const r = cmp.recomputed;
    lines.push(`  recomputed at the checkpoint's head: position ${r.logHeadPosition ?? 'none'}, ${r.streamCount} streams, ${r.eventCount} events, merkle root ${r.merkleRoot}`);
    if (cmp.heads) lines.push(`  stream heads stored with the checkpoint: ${cmp.heads.storedHeadsMatchSignedRoot ? 'they fold to the signed root' : 'they do NOT fold to the signed root'}; ${cmp.heads.differingStreams} stream(s) differ`);
    else lines.push('  stream heads: not stored with this checkpoint (signed before they were), so a differing stream cannot be named');
    if (cmp.matches) lines.push(`  checkpoint ${cmp.checkpointId}: MATCHES the log`);
    else for (const p of cmp.problems.filter((x) => !report.signature?.problems.includes(x))) lines.push(`  - ${p}`);
  }
  if (!doc && !db) lines.push('nothing to check: give --checkpoint FILE and/or --database URL');
  lines.push(report.ok ? `VERDICT: OK — ${verdictScope(report)}` : 'VERDICT: FAILED — see above');
  return lines;
}

function verdictScope(report: OfflineCheckReport): string {
  const parts: string[] = [];
  if (report.signature?.ok) parts.push(`checkpoint ${report.document!.id} is signed by key ${report.signature.keyId}`);
  if (report.log?.brokenStreams === 0) parts.push('every hash chain holds');
  if (report.comparison?.matches) parts.push('the log matches the checkpoint');
  if (report.database && !report.database.reachable) parts.push('the log itself was NOT checked (no database)');
  else if (!report.database && report.document) parts.push('the log itself was not checked (give --database URL to do it)');
  return parts.join('; ');
}

/**
 * The heads stored in this database with checkpoint `id`, which prove themselves by folding to the document's
 * signed root; null when there are none (a checkpoint signed before they were, or a database from before then).
 */
async function storedHeads(client: Client, id: string): Promise<Map<string, SignedHead> | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  try {
    return await readCheckpointHeads(client, id);
  } catch (error) {
    // 42P01 / 42703: a database migrated before heads were stored.
    if (['42P01', '42703'].includes((error as { code?: string }).code ?? '')) return null;
    throw error;
  }
}

export function describeBreak(b: BrokenLink): string {
  return `${b.streamId} version ${b.version} (global position ${b.position}): ${b.reason}, expected ${b.expected}, found ${b.found}`;
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return '(unparseable URL)';
  }
}
