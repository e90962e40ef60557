import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

export const GENESIS_HASH = '0'.repeat(64);

export interface HashedFields {
  streamId: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  recordedAt: Date;
}

/**
 * hash = SHA-256(prev_hash ‖ RFC 8785 canonical JSON of the event) (docs/api.md). The global position
 * and transaction id are left out: they are assigned by the database after the hash is computed.
 */
export function computeEventHash(prevHash: string, event: HashedFields): string {
  const canonical = canonicalize({
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    eventId: event.eventId,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: event.recordedAt.toISOString(),
  });
  return createHash('sha256').update(Buffer.from(prevHash, 'hex')).update(canonical ?? '', 'utf8').digest('hex');
}
