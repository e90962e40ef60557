import { merkleLeafHash, MerkleAccumulator, compareStreamIds, type StoredEventRow } from '@sinergi/event-store';
import { inTransaction } from '@sinergi/database/in-transaction';
import type { ClientBase, Pool } from 'pg';
import { type BrokenLink, ChainChecker, earlierBreak } from './chain-checker';

/** What a verification covers: the whole log, or named streams (a project's, a region's). */
export type VerificationTarget = { kind: 'log' } | { kind: 'streams'; streamIds: string[] };

export interface StreamReport {
  streamId: string;
  /** No broken link, and (when compared) the head the checkpoint signed is the one stored. */
  ok: boolean;
  events: number;
  headVersion: number;
  headHash: string | null;
  firstBreak: BrokenLink | null;
  /** Only when compared with a checkpoint's signed heads: how this stream's differs, or null. */
  headMismatch?: HeadMismatch | null;
}

/** A stream head (a checkpoint's Merkle leaf is made of these and the stream id). */
export interface SignedHead {
  version: number;
  hash: string;
}

/**
 * A stream whose head at a checkpoint — its newest stored row the checkpoint covers — is not the head the
 * checkpoint signed: its chain was recomputed after an edit, its last events were deleted, or rows were added.
 */
export interface HeadMismatch {
  streamId: string;
  /** The head the checkpoint signed; null: it signed none for this stream, yet stored rows claim to be covered. */
  signed: SignedHead | null;
  /** The newest stored row the checkpoint covers; null: none is left. */
  found: SignedHead | null;
}

/** The stream heads at a checkpoint's log head, recomputed from the rows as stored. */
export interface RecomputedHeads {
  logSnapshot: string;
  /** The highest global position among the covered events. */
  logHeadPosition: string | null;
  streamCount: number;
  eventCount: number;
  merkleRoot: string;
}

export interface VerificationProgress {
  scannedEvents: number;
  checkedStreams: number;
  brokenStreams: number;
  lastStreamId: string | null;
}

export interface VerificationReport {
  ok: boolean;
  /** Rows read. */
  scannedEvents: number;
  /** Rows whose link was recomputed and held. */
  checkedEvents: number;
  checkedStreams: number;
  brokenStreams: number;
  /** The broken link earliest in the log, if any. */
  firstBreak: BrokenLink | null;
  /** Broken links in stream order, at most `maxBreaksListed`. */
  breaks: BrokenLink[];
  /** Per stream (only when asked for: a project's few streams). */
  streams?: StreamReport[];
  /** Only when a checkpoint's transaction id was given (whole log). */
  checkpointHeads?: RecomputedHeads;
  /** Only with `signedHeads`: streams whose head was compared with the checkpoint's. */
  headsCompared?: number;
  /** Only with `signedHeads`: how many streams' heads differ from the signed ones. */
  differingHeads?: number;
  /** Only with `signedHeads`: those streams, in stream order, at most `maxBreaksListed`. */
  headMismatches?: HeadMismatch[];
  durationMs: number;
}

export interface VerifyOptions {
  /** A checkpoint's snapshot: the whole log's stream heads and Merkle root among the events visible in it are recomputed. */
  checkpointSnapshot?: string;
  /**
   * The heads that checkpoint signed, by stream id (needs `checkpointSnapshot`): every stream's newest row visible in
   * the snapshot is compared with its signed head. With the whole log, signed streams no longer in it are reported too.
   */
  signedHeads?: ReadonlyMap<string, SignedHead>;
  includeStreams?: boolean;
  /** Rows per round trip. @defaultValue 5000 */
  batchSize?: number;
  /** Stream ids per round trip when verifying named streams. @defaultValue 200 */
  streamsPerBatch?: number;
  /** @defaultValue 100 */
  maxBreaksListed?: number;
  /** Called at most once a second while scanning. */
  onProgress?: (progress: VerificationProgress) => Promise<void> | void;
  /** Stops the scan between pages (a worker shutting down); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

interface ScanRow extends StoredEventRow {
  covered: boolean;
}

const COLUMNS = `global_position::text AS global_position, stream_id, stream_version, event_id, type, schema_version, data, metadata,
  recorded_at, prev_hash, hash`;

/**
 * Recomputes hash chains straight from the stored rows, in bounded memory: the whole log is read in pages keyed
 * by (stream_id, stream_version) — the unique index — and only the current stream's state is kept (plus one leaf
 * per stream when a checkpoint's Merkle root is recomputed). Everything is read in one REPEATABLE READ snapshot,
 * so the answer is the log as of one instant.
 */
export function verifyEventLog(db: Pool | ClientBase, target: VerificationTarget, options: VerifyOptions = {}): Promise<VerificationReport> {
  // Read only: the commit at the end writes nothing.
  return inTransaction(db, (client) => new LogScan(client, target, options).run(), SNAPSHOT);
}

const SNAPSHOT = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

class LogScan {
  private readonly started = Date.now();
  private readonly batchSize: number;
  private readonly maxBreaks: number;
  private readonly covering: boolean;
  private current: { checker: ChainChecker; events: number; head: { version: number; hash: string } | null; covered: { version: number; hash: string } | null } | null = null;
  private readonly leaves: { streamId: string; leaf: Buffer }[] = [];
  private coveredEvents = 0;
  private coveredHead: string | null = null;
  private scanned = 0;
  private checkedEvents = 0;
  private streamCount = 0;
  private broken = 0;
  private first: BrokenLink | null = null;
  private readonly breaks: BrokenLink[] = [];
  private readonly streams: StreamReport[] = [];
  private lastProgress = Date.now();
  private headsCompared = 0;
  private differingHeads = 0;
  private readonly headMismatches: HeadMismatch[] = [];
  /** Whole log: signed streams not met yet. */
  private readonly unmetSigned: Set<string> | null;

  constructor(
    private readonly client: ClientBase,
    private readonly target: VerificationTarget,
    private readonly options: VerifyOptions,
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.maxBreaks = options.maxBreaksListed ?? 100;
    this.covering = options.checkpointSnapshot !== undefined && target.kind === 'log';
    if (options.signedHeads && options.checkpointSnapshot === undefined) throw new Error("signed heads are compared at their checkpoint's snapshot");
    this.unmetSigned = options.signedHeads && target.kind === 'log' ? new Set(options.signedHeads.keys()) : null;
  }

  async run(): Promise<VerificationReport> {
    if (this.target.kind === 'log') await this.scanLog();
    else await this.scanStreams(this.target.streamIds);
    this.endStream();
    for (const streamId of this.unmetSigned ?? []) this.compareHead(streamId, null);
    const report: VerificationReport = {
      ok: this.broken === 0 && this.differingHeads === 0,
      scannedEvents: this.scanned,
      checkedEvents: this.checkedEvents,
      checkedStreams: this.streamCount,
      brokenStreams: this.broken,
      firstBreak: this.first,
      breaks: this.breaks,
      durationMs: Date.now() - this.started,
    };
    if (this.options.includeStreams) report.streams = this.streams;
    if (this.covering) report.checkpointHeads = this.recomputedHeads();
    if (this.options.signedHeads) {
      report.headsCompared = this.headsCompared;
      report.differingHeads = this.differingHeads;
      report.headMismatches = this.headMismatches.sort((a, b) => compareStreamIds(a.streamId, b.streamId));
    }
    return report;
  }

  /** Keyset pages over the whole log; the next page is asked for before this one is hashed, so PostgreSQL and Node overlap. */
  private async scanLog(): Promise<void> {
    const tx = this.options.checkpointSnapshot ?? NO_SNAPSHOT;
    const first = `SELECT ${COLUMNS}, pg_visible_in_snapshot(transaction_id, $2::pg_snapshot) AS covered FROM events
                    ORDER BY events.stream_id, events.stream_version LIMIT $1`;
    const next = `SELECT ${COLUMNS}, pg_visible_in_snapshot(transaction_id, $4::pg_snapshot) AS covered FROM events
                   WHERE (events.stream_id, events.stream_version) > ($1, $2)
                   ORDER BY events.stream_id, events.stream_version LIMIT $3`;
    let page = this.client.query(first, [this.batchSize, tx]);
    for (;;) {
      const { rows } = await page;
      this.options.signal?.throwIfAborted();
      if (rows.length === 0) return;
      const last = rows[rows.length - 1];
      const more = rows.length === this.batchSize;
      if (more) page = this.client.query(next, [last.stream_id, last.stream_version, this.batchSize, tx]);
      await this.consume(rows);
      if (!more) return;
    }
  }

  private async scanStreams(streamIds: string[]): Promise<void> {
    const ids = [...new Set(streamIds)].sort();
    const per = this.options.streamsPerBatch ?? 200;
    for (let i = 0; i < ids.length; i += per) {
      this.options.signal?.throwIfAborted();
      const chunk = ids.slice(i, i + per);
      const { rows } = await this.client.query(
        `SELECT ${COLUMNS}, pg_visible_in_snapshot(transaction_id, $2::pg_snapshot) AS covered FROM events
          WHERE stream_id = ANY($1::text[]) ORDER BY events.stream_id, events.stream_version`,
        [chunk, this.options.checkpointSnapshot ?? NO_SNAPSHOT],
      );
      await this.consume(rows);
      // A named stream without rows is reported, empty: a project's notification stream may legitimately not exist
      // yet. Unless a checkpoint signed a head for it: then its rows were deleted.
      const seen = new Set(rows.map((r) => r.stream_id as string));
      for (const id of chunk) {
        if (seen.has(id)) continue;
        const headMismatch = this.options.signedHeads ? this.compareHead(id, null) : undefined;
        if (this.options.includeStreams) {
          this.streams.push({ streamId: id, ok: !headMismatch, events: 0, headVersion: 0, headHash: null, firstBreak: null, ...(headMismatch === undefined ? {} : { headMismatch }) });
        }
      }
    }
    if (this.options.includeStreams) this.streams.sort((a, b) => compareStreamIds(a.streamId, b.streamId));
  }

  private async consume(rows: Record<string, any>[]): Promise<void> {
    for (const r of rows) {
      const row: ScanRow = {
        globalPosition: r.global_position,
        streamId: r.stream_id,
        streamVersion: r.stream_version,
        eventId: r.event_id,
        type: r.type,
        schemaVersion: r.schema_version,
        data: r.data,
        metadata: r.metadata,
        recordedAt: r.recorded_at,
        prevHash: r.prev_hash,
        hash: r.hash,
        covered: r.covered,
      };
      if (this.current?.checker.streamId !== row.streamId) {
        this.endStream();
        this.current = { checker: new ChainChecker(row.streamId), events: 0, head: null, covered: null };
      }
      const s = this.current!;
      s.events += 1;
      s.head = { version: row.streamVersion, hash: row.hash };
      // The heads at a checkpoint come from the rows as stored, break or not: a rewritten chain shows in the root.
      if (row.covered) {
        s.covered = s.head;
        this.coveredEvents += 1;
        if (greaterPosition(row.globalPosition, this.coveredHead)) this.coveredHead = row.globalPosition;
      }
      if (s.checker.check(row)) this.checkedEvents += 1;
    }
    this.scanned += rows.length;
    if (this.options.onProgress && Date.now() - this.lastProgress >= 1000) {
      this.lastProgress = Date.now();
      await this.options.onProgress({ scannedEvents: this.scanned, checkedStreams: this.streamCount, brokenStreams: this.broken, lastStreamId: this.current?.checker.streamId ?? null });
    }
  }

  private endStream(): void {
    const s = this.current;
    if (!s) return;
    this.current = null;
    this.streamCount += 1;
    const firstBreak = s.checker.firstBreak;
    if (firstBreak) {
      this.broken += 1;
      this.first = earlierBreak(this.first, firstBreak);
      if (this.breaks.length < this.maxBreaks) this.breaks.push(firstBreak);
    }
    // A chain recomputed after an edit holds; only the head the checkpoint signed shows it.
    const headMismatch = this.options.signedHeads ? this.compareHead(s.checker.streamId, s.covered) : undefined;
    if (this.options.includeStreams) {
      this.streams.push({
        streamId: s.checker.streamId,
        ok: firstBreak === null && !headMismatch,
        events: s.events,
        headVersion: s.head?.version ?? 0,
        headHash: s.head?.hash ?? null,
        firstBreak,
        ...(headMismatch === undefined ? {} : { headMismatch }),
      });
    }
    if (this.covering && s.covered) this.leaves.push({ streamId: s.checker.streamId, leaf: merkleLeafHash({ streamId: s.checker.streamId, ...s.covered }) });
  }

  /** Compares a stream's head at the checkpoint (null: none) with the one the checkpoint signed; the mismatch, or null. */
  private compareHead(streamId: string, found: { version: number; hash: string } | null): HeadMismatch | null {
    this.unmetSigned?.delete(streamId);
    const signed = this.options.signedHeads!.get(streamId) ?? null;
    if (signed === null && found === null) return null;
    this.headsCompared += 1;
    if (signed && found && signed.version === found.version && signed.hash === found.hash) return null;
    const mismatch: HeadMismatch = { streamId, signed: signed && { version: signed.version, hash: signed.hash }, found: found && { version: found.version, hash: found.hash } };
    this.differingHeads += 1;
    if (this.headMismatches.length < this.maxBreaks) this.headMismatches.push(mismatch);
    return mismatch;
  }

  private recomputedHeads(): RecomputedHeads {
    // Stream ids arrive in the database's collation; the tree orders them by code point.
    this.leaves.sort((a, b) => compareStreamIds(a.streamId, b.streamId));
    const acc = new MerkleAccumulator();
    for (const l of this.leaves) acc.push(l.leaf);
    return {
      logSnapshot: this.options.checkpointSnapshot!,
      logHeadPosition: this.coveredHead,
      streamCount: this.leaves.length,
      eventCount: this.coveredEvents,
      merkleRoot: acc.root().toString('hex'),
    };
  }
}

/** An empty snapshot (everything running, nothing committed): no row is covered when no checkpoint is compared. */
const NO_SNAPSHOT = '1:1:';

/** Positions are bigints as decimal strings without leading zeros: longer is greater, then text order. */
const greaterPosition = (a: string, b: string | null) => b === null || a.length > b.length || (a.length === b.length && a > b);
