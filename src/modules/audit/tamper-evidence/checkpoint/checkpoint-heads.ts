import { merkleRootOfHeads } from '@sinergi/event-store';
import type { ClientBase, Pool } from 'pg';
import type { SignedHead } from '../log-verifier';
import { verifyCheckpointSignature } from './checkpoint-document';
import { CHECKPOINT_COLUMNS, type CheckpointRow, toCheckpointDocument, toCheckpointRow } from './checkpoint.repository';

type Db = Pool | ClientBase;

/**
 * The heads checkpoint `$1` signed: the newest stored row per stream at or below its id (the checkpoints with heads
 * are one chain in id order, migration 0014), without the streams marked as having none (version 0).
 */
const HEADS_AT = (streamFilter: string) => `
  SELECT stream_id, version, hash FROM (
    SELECT DISTINCT ON (h.stream_id) h.stream_id, h.version, h.hash FROM audit_checkpoint_heads h
     WHERE h.checkpoint_id <= $1::bigint ${streamFilter}
     ORDER BY h.stream_id, h.checkpoint_id DESC) newest
   WHERE version > 0`;

/**
 * Stores the heads checkpoint `checkpointId` signed, as the difference from those of `baseId` (the latest checkpoint
 * with heads; null: all of them). Run in the checkpoint's own REPEATABLE READ transaction, so the heads are read
 * from the same snapshot as the ones folded into its root.
 */
export async function storeCheckpointHeads(client: ClientBase, checkpointId: string, baseId: string | null): Promise<void> {
  await client.query(
    `WITH was AS (${HEADS_AT('')}),
          cur AS (SELECT DISTINCT ON (events.stream_id) stream_id, stream_version, hash FROM events ORDER BY events.stream_id, events.stream_version DESC)
     INSERT INTO audit_checkpoint_heads (checkpoint_id, stream_id, version, hash)
     SELECT $2::bigint, COALESCE(cur.stream_id, was.stream_id), COALESCE(cur.stream_version, 0), cur.hash
       FROM cur FULL JOIN was ON was.stream_id = cur.stream_id
      WHERE cur.stream_id IS NULL OR was.stream_id IS NULL OR cur.stream_version <> was.version OR cur.hash <> was.hash`,
    // Without a base, the heads "at checkpoint 0": none.
    [baseId ?? '0', checkpointId],
  );
}

/** The heads checkpoint `checkpointId` signed, by stream id (only those of `streamIds` when given); null when none were stored. */
export async function readCheckpointHeads(db: Db, checkpointId: string, streamIds?: readonly string[]): Promise<Map<string, SignedHead> | null> {
  const { rows: stored } = await db.query<{ heads_stored: boolean }>('SELECT heads_stored FROM audit_checkpoints WHERE id = $1::bigint', [checkpointId]);
  if (!stored[0]?.heads_stored) return null;
  const { rows } = await db.query<{ stream_id: string; version: number; hash: string }>(
    HEADS_AT(streamIds ? 'AND h.stream_id = ANY($2::text[])' : ''),
    streamIds ? [checkpointId, streamIds] : [checkpointId],
  );
  return new Map(rows.map((r) => [r.stream_id, { version: r.version, hash: r.hash }]));
}

/** Whether stored heads fold to a checkpoint's signed Merkle root: only then are they the heads it signed. */
export function headsFoldToRoot(heads: ReadonlyMap<string, SignedHead>, merkleRoot: string): boolean {
  try {
    return merkleRootOfHeads([...heads].map(([streamId, head]) => ({ streamId, ...head }))).toString('hex') === merkleRoot;
  } catch {
    // A stored hash that is not one (altered rows) folds to nothing.
    return false;
  }
}

/** The checkpoint a project's or a region's streams were compared with. */
export interface CheckpointReference {
  checkpointId: string;
  createdAt: string;
  keyId: string;
  /** The checkpoint's Ed25519 signature, under the key it names. */
  signatureValid: boolean;
}

export interface SignedHeadsOfStreams {
  checkpoint: CheckpointReference;
  /** The snapshot the checkpoint covers: a stream's head at the checkpoint is its newest row visible in it. */
  snapshot: string;
  heads: Map<string, SignedHead>;
}

/**
 * The heads the latest checkpoint with stored heads signed for `streamIds`, to compare a project's or a region's
 * streams with; null when no checkpoint has stored heads. Folding them all to the signed root is the whole-log
 * verification's job (and the offline check's): here, the heads are as protected as the log itself.
 */
export async function signedHeadsOfStreams(db: Db, streamIds: readonly string[]): Promise<SignedHeadsOfStreams | null> {
  const { rows } = await db.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE heads_stored ORDER BY audit_checkpoints.id DESC LIMIT 1`);
  if (!rows[0]) return null;
  const row: CheckpointRow = toCheckpointRow(rows[0]);
  const heads = (await readCheckpointHeads(db, row.id, streamIds)) ?? new Map<string, SignedHead>();
  return { checkpoint: { checkpointId: row.id, createdAt: row.createdAt, keyId: row.keyId, signatureValid: signatureHolds(row) }, snapshot: row.logSnapshot, heads };
}

function signatureHolds(row: CheckpointRow): boolean {
  try {
    return verifyCheckpointSignature(toCheckpointDocument(row)).ok;
  } catch {
    // An unreadable stored key proves nothing.
    return false;
  }
}
