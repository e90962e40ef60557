import type { HeadMismatch, RecomputedHeads } from '../log-verifier';
import type { CheckpointDocument, SignatureCheck } from './checkpoint-document';

/** The stream heads stored with a checkpoint, set against the log's heads at that checkpoint. */
export interface SignedHeadsComparison {
  /** Whether the stored heads fold to the signed Merkle root: only then are they the heads it signed. */
  storedHeadsMatchSignedRoot: boolean;
  /** Streams whose head at the checkpoint is not the stored one. */
  differingStreams: number;
  /** Those streams (at most the verification's listing limit). */
  mismatches: HeadMismatch[];
}

/** A checkpoint set against the log: its signature, and its numbers recomputed from the rows as stored. */
export interface CheckpointComparison {
  checkpointId: string;
  createdAt: string;
  keyId: string;
  signatureValid: boolean;
  /** Signature valid and every recomputed number equal to the signed one. */
  matches: boolean;
  signed: { logHeadPosition: string; logSnapshot: string; streamCount: number; eventCount: number; merkleRoot: string };
  recomputed: { logHeadPosition: string | null; streamCount: number; eventCount: number; merkleRoot: string };
  /** The streams whose head differs from the one signed; null when the checkpoint's heads were not stored (older checkpoints). */
  heads: SignedHeadsComparison | null;
  problems: string[];
}

/** How many differing streams the problems name one by one (the rest are in `heads.mismatches`). */
const NAMED_IN_PROBLEMS = 10;

export function compareCheckpointWithLog(
  document: CheckpointDocument,
  signature: SignatureCheck,
  heads: RecomputedHeads,
  signedHeads: SignedHeadsComparison | null = null,
): CheckpointComparison {
  const signed = document.checkpoint;
  const problems = [...signature.problems];
  if (heads.merkleRoot !== signed.merkleRoot) problems.push(`the Merkle root of the stream heads is ${heads.merkleRoot}; the checkpoint signed ${signed.merkleRoot}`);
  if (heads.streamCount !== signed.streamCount) problems.push(`${heads.streamCount} streams at the checkpoint's head; the checkpoint signed ${signed.streamCount}`);
  if (heads.eventCount !== signed.eventCount) problems.push(`${heads.eventCount} events at the checkpoint's head; the checkpoint signed ${signed.eventCount}`);
  if ((heads.logHeadPosition ?? '0') !== signed.logHeadPosition) {
    problems.push(`the highest position among the events the checkpoint covers is ${heads.logHeadPosition ?? 'none'}; the checkpoint signed ${signed.logHeadPosition}`);
  }
  if (signedHeads) {
    if (!signedHeads.storedHeadsMatchSignedRoot) {
      problems.push(`the stream heads stored with checkpoint ${document.id} do not fold to its signed Merkle root: they were altered too, so the streams named below may not be all`);
    }
    for (const m of signedHeads.mismatches.slice(0, NAMED_IN_PROBLEMS)) problems.push(describeHeadMismatch(m));
    if (signedHeads.differingStreams > NAMED_IN_PROBLEMS) problems.push(`and ${signedHeads.differingStreams - NAMED_IN_PROBLEMS} more stream(s) whose head differs from the signed one`);
  }
  return {
    checkpointId: document.id,
    createdAt: signed.createdAt,
    keyId: signed.keyId,
    signatureValid: signature.ok,
    matches: problems.length === 0,
    signed: {
      logHeadPosition: signed.logHeadPosition,
      logSnapshot: signed.logSnapshot,
      streamCount: signed.streamCount,
      eventCount: signed.eventCount,
      merkleRoot: signed.merkleRoot,
    },
    recomputed: { logHeadPosition: heads.logHeadPosition, streamCount: heads.streamCount, eventCount: heads.eventCount, merkleRoot: heads.merkleRoot },
    heads: signedHeads,
    problems,
  };
}

export function describeHeadMismatch(m: HeadMismatch): string {
  const head = (h: { version: number; hash: string }) => `version ${h.version} (hash ${h.hash})`;
  if (!m.signed) return `stream ${m.streamId}: ${head(m.found!)} claims to be covered by the checkpoint, which signed no head for this stream`;
  if (!m.found) return `stream ${m.streamId}: the checkpoint signed its head at ${head(m.signed)}; no row of it that the checkpoint covers is left`;
  return `stream ${m.streamId}: its head at the checkpoint is ${head(m.found)}; the checkpoint signed ${head(m.signed)}`;
}
