import { type KeyObject, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { type CheckpointPublicKey, describePublicKey, parsePublicKey } from './checkpoint-key';

export const CHECKPOINT_FORMAT = 'sinergi-audit-checkpoint/1';

/**
 * What a checkpoint signs (docs/api.md). It covers exactly the events committed when it was taken: those whose
 * transaction is visible in `logSnapshot` (PostgreSQL's `pg_visible_in_snapshot(transaction_id, snapshot)`). A
 * transaction still running then is left out for good, whenever it commits, so the covered set never changes.
 */
export interface CheckpointBody {
  /** The highest global position among the covered events (a bigint, as a string; '0' for an empty log). */
  logHeadPosition: string;
  /** The PostgreSQL snapshot the checkpoint was read in, `xmin:xmax:xip,…` (pg_snapshot as text). */
  logSnapshot: string;
  streamCount: number;
  /** Covered events: the sum of the stream heads' versions. */
  eventCount: number;
  /** Merkle root over the covered stream heads, hex (libs/event-store/src/merkle.ts). */
  merkleRoot: string;
  createdAt: string;
  keyId: string;
}

/** The downloadable document that `npm run cli -- audit:verify --checkpoint FILE` checks. */
export interface CheckpointDocument {
  format: typeof CHECKPOINT_FORMAT;
  id: string;
  checkpoint: CheckpointBody;
  /** RFC 8785 canonical JSON of `checkpoint`: exactly the bytes (UTF-8) that were signed. */
  signedText: string;
  signature: { algorithm: 'Ed25519'; keyId: string; value: string };
  publicKey: CheckpointPublicKey;
  howToVerify: string[];
}

export const HOW_TO_VERIFY = [
  'signedText is the RFC 8785 canonical JSON of checkpoint; signature.value is the base64 Ed25519 signature of its UTF-8 bytes under publicKey.',
  'keyId is the hex SHA-256 of the public key in DER SubjectPublicKeyInfo form: compare it with the key id Sinergi published (GET /v1/audit/checkpoints).',
  'The checkpoint covers every event whose transaction is visible in logSnapshot (pg_visible_in_snapshot(transaction_id, logSnapshot::pg_snapshot)); logHeadPosition is the highest global position among them. Each stream head among them is a Merkle leaf SHA-256(0x00 ‖ UTF-8 stream id ‖ 0x00 ‖ decimal version ‖ 0x00 ‖ 32-byte head hash); leaves sorted by stream id in code point order; nodes SHA-256(0x01 ‖ left ‖ right); an odd count splits at the largest power of two below it (RFC 6962 §2.1); no leaves: SHA-256 of nothing.',
  'Every event hash is SHA-256(prev_hash ‖ RFC 8785 JSON of {streamId, streamVersion, eventId, type, schemaVersion, data, metadata, recordedAt}), prev_hash of version 1 being 64 zeros.',
  "The heads a checkpoint signed are stored beside it (table audit_checkpoint_heads, each checkpoint holding those that differ from the checkpoint heads_base_id's, version 0 for none left): the newest row per stream with checkpoint_id at or below its id. Folded as above they give merkleRoot, which proves them; a stream whose head at the checkpoint differs from its stored head is named.",
  'npm run cli -- audit:verify --checkpoint FILE [--public-key PEM_FILE] [--database URL] does all of this.',
];

export const canonicalCheckpoint = (body: CheckpointBody): string => canonicalize(body) ?? '';

export interface SignatureCheck {
  ok: boolean;
  keyId: string | null;
  /** Whether the key came from the caller (pinned) or only from the document itself. */
  keySource: 'pinned' | 'embedded';
  problems: string[];
}

/** pg_snapshot's text form. */
export const SNAPSHOT = /^\d{1,20}:\d{1,20}:(\d{1,20}(,\d{1,20})*)?$/;

const FIELDS: Record<keyof CheckpointBody, 'string' | 'number'> = {
  logHeadPosition: 'string',
  logSnapshot: 'string',
  streamCount: 'number',
  eventCount: 'number',
  merkleRoot: 'string',
  createdAt: 'string',
  keyId: 'string',
};

/** The document's shape, or the list of what is wrong with it. */
export function parseCheckpointDocument(value: unknown): { document: CheckpointDocument; problems: [] } | { document: null; problems: string[] } {
  const problems: string[] = [];
  const doc = value as Partial<CheckpointDocument> | null;
  if (typeof doc !== 'object' || doc === null) return { document: null, problems: ['the file is not a JSON object'] };
  if (doc.format !== CHECKPOINT_FORMAT) problems.push(`format is not ${CHECKPOINT_FORMAT}`);
  const body = doc.checkpoint as unknown as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null) problems.push('checkpoint is missing');
  else {
    for (const [field, type] of Object.entries(FIELDS)) if (typeof body[field] !== type) problems.push(`checkpoint.${field} is not a ${type}`);
    const extra = Object.keys(body).filter((k) => !(k in FIELDS));
    if (extra.length) problems.push(`checkpoint has fields that were never signed: ${extra.join(', ')}`);
    if (typeof body.logSnapshot === 'string' && !SNAPSHOT.test(body.logSnapshot)) problems.push('checkpoint.logSnapshot is not a PostgreSQL snapshot (xmin:xmax:xip,…)');
    if (typeof body.logHeadPosition === 'string' && !/^\d{1,19}$/.test(body.logHeadPosition)) problems.push('checkpoint.logHeadPosition is not a position');
    if (typeof body.merkleRoot === 'string' && !/^[0-9a-f]{64}$/.test(body.merkleRoot)) problems.push('checkpoint.merkleRoot is not a SHA-256 in hex');
  }
  if (typeof doc.signature?.value !== 'string') problems.push('signature.value is missing');
  if (problems.length) return { document: null, problems };
  return { document: doc as CheckpointDocument, problems: [] };
}

/**
 * Checks a checkpoint's Ed25519 signature offline. With `pinned` (the key the auditor obtained out of band) the
 * document's embedded key must be that key; without it the embedded key is used and the result says so.
 */
export function verifyCheckpointSignature(doc: CheckpointDocument, pinned?: KeyObject): SignatureCheck {
  const problems: string[] = [];
  let key: KeyObject | null = pinned ?? null;
  if (!key) {
    try {
      key = parsePublicKey(doc.publicKey?.pem ?? doc.publicKey?.jwk ?? '');
    } catch (error) {
      return { ok: false, keyId: null, keySource: 'embedded', problems: [`the document's public key is unusable: ${(error as Error).message}`] };
    }
  }
  const keyId = describePublicKey(key).keyId;
  if (doc.checkpoint.keyId !== keyId) problems.push(`checkpoint.keyId ${doc.checkpoint.keyId} is not the id of the verifying key (${keyId})`);
  if (doc.signature.keyId !== undefined && doc.signature.keyId !== doc.checkpoint.keyId) problems.push('signature.keyId differs from checkpoint.keyId');
  if (pinned && doc.publicKey?.keyId !== undefined && doc.publicKey.keyId !== keyId) problems.push(`the document names key ${doc.publicKey.keyId}, not the pinned key ${keyId}`);
  const text = canonicalCheckpoint(doc.checkpoint);
  if (doc.signedText !== undefined && doc.signedText !== text) problems.push('signedText is not the canonical JSON of checkpoint');
  let valid: boolean;
  try {
    valid = verify(null, Buffer.from(text, 'utf8'), key, Buffer.from(doc.signature.value, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) problems.push('the Ed25519 signature does not match the checkpoint');
  return { ok: problems.length === 0, keyId, keySource: pinned ? 'pinned' : 'embedded', problems };
}
