import { type CheckpointBody, type CheckpointDocument, CHECKPOINT_FORMAT, HOW_TO_VERIFY } from './checkpoint-document';
import { describePublicKey, parsePublicKey } from './checkpoint-key';

/** A stored checkpoint: the signed body, as signed, with its signature and the key that made it. */
export interface CheckpointRow {
  id: string;
  logHeadPosition: string;
  logSnapshot: string;
  streamCount: number;
  eventCount: number;
  merkleRoot: string;
  createdAt: string;
  keyId: string;
  publicKeyPem: string;
  /** The exact text that was signed. */
  payload: string;
  signature: string;
}

/** `id` comes out as text: order by `audit_checkpoints.id` (the bigint), or checkpoint 9 sorts after 10. */
export const CHECKPOINT_COLUMNS = `id::text AS id, log_head_position::text AS log_head_position, log_snapshot,
  stream_count, event_count, merkle_root, created_at, key_id, public_key, payload, signature`;

export function toCheckpointRow(r: Record<string, any>): CheckpointRow {
  const body = JSON.parse(r.payload) as CheckpointBody;
  return {
    id: r.id,
    logHeadPosition: r.log_head_position,
    logSnapshot: r.log_snapshot,
    streamCount: Number(r.stream_count),
    eventCount: Number(r.event_count),
    merkleRoot: r.merkle_root,
    // As signed (microseconds dropped by toISOString), not as PostgreSQL prints it.
    createdAt: body.createdAt,
    keyId: r.key_id,
    publicKeyPem: r.public_key,
    payload: r.payload,
    signature: r.signature,
  };
}

/** The downloadable document: everything an auditor needs to check the signature with no database. */
export function toCheckpointDocument(row: CheckpointRow): CheckpointDocument {
  return {
    format: CHECKPOINT_FORMAT,
    id: row.id,
    checkpoint: JSON.parse(row.payload) as CheckpointBody,
    signedText: row.payload,
    signature: { algorithm: 'Ed25519', keyId: row.keyId, value: row.signature },
    publicKey: describePublicKey(parsePublicKey(row.publicKeyPem)),
    howToVerify: HOW_TO_VERIFY,
  };
}

