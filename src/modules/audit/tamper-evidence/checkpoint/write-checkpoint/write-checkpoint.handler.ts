import { Inject, Injectable, Optional } from '@nestjs/common';
import { CLOCK, type Clock, systemClock } from '@sinergi/common';
import { inTransaction, PG_POOL } from '@sinergi/database';
import { MerkleAccumulator, merkleLeafHash, compareStreamIds } from '@sinergi/event-store';
import type { Pool, PoolClient } from 'pg';
import { type CheckpointBody, canonicalCheckpoint } from '../checkpoint-document';
import { CHECKPOINT_SIGNER, type CheckpointSigner } from '../checkpoint-key';
import { storeCheckpointHeads } from '../checkpoint-heads';
import { type CheckpointRow, CHECKPOINT_COLUMNS, toCheckpointRow } from '../checkpoint.repository';

export type WriteCheckpointOutcome =
  | { written: true; checkpoint: CheckpointRow }
  | { written: false; reason: 'signing_disabled' | 'unchanged'; latest: CheckpointRow | null };

export interface WriteCheckpointOptions {
  /** Write even when the log head has not moved since the latest checkpoint. */
  force?: boolean;
  /** An unchanged head is re-signed only when the latest checkpoint is older than this. @defaultValue 0 (never skip) */
  unchangedSkipMs?: number;
}

/**
 * Signs the log's head (docs/api.md). Everything is read in one REPEATABLE READ snapshot, and the snapshot itself
 * (pg_snapshot: xmin, xmax, the transactions still running) is signed with it: the covered events are those of
 * the transactions visible in it, a set no later commit can change — a transaction that took a lower position but
 * commits afterwards stays out, and is never mistaken for a rewrite. The stream heads come from the
 * (stream_id, stream_version) index, newest version per stream; they are stored beside the checkpoint, so a later
 * verification can name a stream whose head no longer matches.
 */
@Injectable()
export class WriteCheckpointHandler {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Optional() @Inject(CHECKPOINT_SIGNER) private readonly signer: CheckpointSigner | null,
    @Optional() @Inject(CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  get enabled(): boolean {
    return this.signer !== null && this.signer !== undefined;
  }

  async execute(options: WriteCheckpointOptions = {}): Promise<WriteCheckpointOutcome> {
    const once = () => inTransaction(this.pool, (client) => this.write(client, options), 'BEGIN ISOLATION LEVEL REPEATABLE READ');
    try {
      return await once();
    } catch (error) {
      // Another writer signed at the same moment on the same base (the heads stay one chain): again, on top of it.
      if ((error as { code?: string }).code !== '23505') throw error;
      return once();
    }
  }

  private async write(client: PoolClient, options: WriteCheckpointOptions): Promise<WriteCheckpointOutcome> {
    const latest = await this.latest(client);
    if (!this.signer) return { written: false, reason: 'signing_disabled', latest };
    // In REPEATABLE READ, pg_current_snapshot() is the transaction's snapshot: the one every query here reads in.
    const { rows: heads } = await client.query<{ snapshot: string; position: string | null }>(
      `SELECT pg_current_snapshot()::text AS snapshot, (SELECT max(global_position) FROM events)::text AS position`,
    );
    const head = { snapshot: heads[0].snapshot, position: heads[0].position ?? '0' };
    const now = this.clock.now();
    if (
      !options.force &&
      latest &&
      latest.logHeadPosition === head.position &&
      now.getTime() - Date.parse(latest.createdAt) < (options.unchangedSkipMs ?? 0)
    ) {
      return { written: false, reason: 'unchanged', latest };
    }

    const { streamCount, eventCount, merkleRoot } = await this.streamHeads(client);
    const body: CheckpointBody = {
      logHeadPosition: head.position,
      logSnapshot: head.snapshot,
      streamCount,
      eventCount,
      merkleRoot,
      createdAt: now.toISOString(),
      keyId: this.signer.publicKey.keyId,
    };
    const payload = canonicalCheckpoint(body);
    const signature = this.signer.sign(payload);
    // The heads go beside it as the difference from the latest checkpoint's that has them (all of them for the first).
    const base = await this.latestWithHeads(client);
    const { rows } = await client.query(
      `INSERT INTO audit_checkpoints (log_head_position, log_snapshot, stream_count, event_count, merkle_root, created_at,
                                      key_id, public_key, payload, signature, heads_stored, heads_base_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, true, $11)
       RETURNING ${CHECKPOINT_COLUMNS}`,
      [body.logHeadPosition, body.logSnapshot, streamCount, eventCount, merkleRoot, now, body.keyId, this.signer.publicKey.pem, payload, signature, base],
    );
    const checkpoint = toCheckpointRow(rows[0]);
    await storeCheckpointHeads(client, checkpoint.id, base);
    return { written: true, checkpoint };
  }

  /** Newest version of every stream in the snapshot, read in index order, folded in code point order. */
  private async streamHeads(client: PoolClient): Promise<{ streamCount: number; eventCount: number; merkleRoot: string }> {
    const { rows } = await client.query<{ stream_id: string; stream_version: number; hash: string }>(
      `SELECT DISTINCT ON (events.stream_id) stream_id, stream_version, hash FROM events
        ORDER BY events.stream_id, events.stream_version DESC`,
    );
    rows.sort((a, b) => compareStreamIds(a.stream_id, b.stream_id));
    const acc = new MerkleAccumulator();
    let eventCount = 0;
    for (const r of rows) {
      acc.push(merkleLeafHash({ streamId: r.stream_id, version: r.stream_version, hash: r.hash }));
      eventCount += r.stream_version;
    }
    return { streamCount: rows.length, eventCount, merkleRoot: acc.root().toString('hex') };
  }

  private async latestWithHeads(client: PoolClient): Promise<string | null> {
    const { rows } = await client.query<{ id: string }>('SELECT id::text AS id FROM audit_checkpoints WHERE heads_stored ORDER BY audit_checkpoints.id DESC LIMIT 1');
    return rows[0]?.id ?? null;
  }

  private async latest(client: PoolClient): Promise<CheckpointRow | null> {
    const { rows } = await client.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY audit_checkpoints.id DESC LIMIT 1`);
    return rows[0] ? toCheckpointRow(rows[0]) : null;
  }
}
