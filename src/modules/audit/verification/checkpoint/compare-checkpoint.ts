import type { RecomputedHeads } from '../log-verifier';
import type { CheckpointDocument, SignatureCheck } from './checkpoint-document';

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
  problems: string[];
}

export function compareCheckpointWithLog(document: CheckpointDocument, signature: SignatureCheck, heads: RecomputedHeads): CheckpointComparison {
  const signed = document.checkpoint;
  const problems = [...signature.problems];
  if (heads.merkleRoot !== signed.merkleRoot) problems.push(`the Merkle root of the stream heads is ${heads.merkleRoot}; the checkpoint signed ${signed.merkleRoot}`);
  if (heads.streamCount !== signed.streamCount) problems.push(`${heads.streamCount} streams at the checkpoint's head; the checkpoint signed ${signed.streamCount}`);
  if (heads.eventCount !== signed.eventCount) problems.push(`${heads.eventCount} events at the checkpoint's head; the checkpoint signed ${signed.eventCount}`);
  if ((heads.logHeadPosition ?? '0') !== signed.logHeadPosition) {
    problems.push(`the highest position among the events the checkpoint covers is ${heads.logHeadPosition ?? 'none'}; the checkpoint signed ${signed.logHeadPosition}`);
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
    problems,
  };
}
