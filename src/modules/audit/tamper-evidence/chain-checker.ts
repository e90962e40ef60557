import { computeEventHash, GENESIS_HASH, type StoredEventRow } from '@sinergi/event-store';
import { fastEventHash } from './fast-event-hash';

/** The first link of a stream's hash chain that does not hold, with what was expected and what is stored. */
export interface BrokenLink {
  streamId: string;
  version: number;
  /** Global position of the stored row at fault. */
  position: string;
  reason: 'version_gap' | 'prev_hash_mismatch' | 'hash_mismatch';
  /** version_gap: the version expected; prev_hash_mismatch: the previous event's hash; hash_mismatch: the hash recomputed from the row. */
  expected: string;
  /** What the row holds in place of `expected`. */
  found: string;
}

/**
 * Checks one stream's rows in version order, one at a time (a stream may span pages of a log scan). After the
 * first broken link the rest of the stream is not checked: what follows a break proves nothing.
 */
export class ChainChecker {
  private expectedPrev = GENESIS_HASH;
  private expectedVersion = 1;
  private checkedCount = 0;
  private broken: BrokenLink | null = null;

  constructor(readonly streamId: string) {}

  get firstBreak(): BrokenLink | null {
    return this.broken;
  }

  get checked(): number {
    return this.checkedCount;
  }

  /** Takes the stream's next stored row; false once the chain is broken. */
  check(row: StoredEventRow): boolean {
    if (this.broken) return false;
    const at = { streamId: this.streamId, version: row.streamVersion, position: row.globalPosition };
    if (row.streamVersion !== this.expectedVersion) {
      this.broken = { ...at, reason: 'version_gap', expected: String(this.expectedVersion), found: String(row.streamVersion) };
    } else if (row.prevHash !== this.expectedPrev) {
      this.broken = { ...at, reason: 'prev_hash_mismatch', expected: this.expectedPrev, found: row.prevHash };
    } else {
      // The fast path first; a mismatch is confirmed by the reference hash before it counts.
      if (fastEventHash(row.prevHash, row) !== row.hash) {
        const recomputed = computeEventHash(row.prevHash, row);
        if (recomputed !== row.hash) this.broken = { ...at, reason: 'hash_mismatch', expected: recomputed, found: row.hash };
      }
    }
    if (this.broken) return false;
    this.checkedCount += 1;
    this.expectedPrev = row.hash;
    this.expectedVersion += 1;
    return true;
  }
}

/** Which of two breaks lies earlier in the log (by global position). */
export const earlierBreak = (a: BrokenLink | null, b: BrokenLink | null): BrokenLink | null =>
  a === null ? b : b === null ? a : BigInt(b.position) < BigInt(a.position) ? b : a;
