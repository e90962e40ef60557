import { computeEventHash, GENESIS_HASH } from './event-hash';
import type { RecordedEvent } from './event-store.types';

export interface ChainBreak {
  streamId: string;
  streamVersion: number;
  globalPosition: string;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'version_gap';
}

export interface ChainVerification {
  ok: boolean;
  checked: number;
  firstBreak: ChainBreak | null;
}

/**
 * Recomputes a stream's chain from the stored rows (their data as stored, before any upcasting)
 * and reports the first link that does not hold.
 */
export function verifyStreamChain(events: Iterable<StoredEventRow>): ChainVerification {
  let expectedPrev = GENESIS_HASH;
  let expectedVersion = 1;
  let checked = 0;
  for (const e of events) {
    const at = { streamId: e.streamId, streamVersion: e.streamVersion, globalPosition: e.globalPosition };
    if (e.streamVersion !== expectedVersion) return { ok: false, checked, firstBreak: { ...at, reason: 'version_gap' } };
    if (e.prevHash !== expectedPrev) return { ok: false, checked, firstBreak: { ...at, reason: 'prev_hash_mismatch' } };
    if (computeEventHash(e.prevHash, e) !== e.hash) return { ok: false, checked, firstBreak: { ...at, reason: 'hash_mismatch' } };
    checked += 1;
    expectedPrev = e.hash;
    expectedVersion += 1;
  }
  return { ok: true, checked, firstBreak: null };
}

export type StoredEventRow = Pick<
  RecordedEvent,
  'streamId' | 'streamVersion' | 'globalPosition' | 'eventId' | 'type' | 'schemaVersion' | 'data' | 'metadata' | 'recordedAt' | 'prevHash' | 'hash'
>;
