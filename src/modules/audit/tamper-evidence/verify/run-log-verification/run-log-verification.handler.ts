import { Inject, Injectable } from '@nestjs/common';
import { ALL_REGIONS } from '@sinergi/auth';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { eventFilterSql } from '../../../audit-events.sql';
import { verifyCheckpointSignature } from '../../checkpoint/checkpoint-document';
import { type CheckpointReference, headsFoldToRoot, readCheckpointHeads, signedHeadsOfStreams } from '../../checkpoint/checkpoint-heads';
import { type CheckpointComparison, compareCheckpointWithLog } from '../../checkpoint/compare-checkpoint';
import { CHECKPOINT_COLUMNS, toCheckpointDocument, toCheckpointRow } from '../../checkpoint/checkpoint.repository';
import { type VerificationReport, type VerifyOptions, verifyEventLog } from '../../log-verifier';

export type LogVerificationResult = Omit<VerificationReport, 'streams' | 'checkpointHeads'> & {
  ok: boolean;
  /**
   * Whole log: the latest checkpoint recomputed and compared; a region: the latest checkpoint with stored heads,
   * whose heads the region's streams were compared with (`headMismatches`). Null when there is none.
   */
  checkpoint?: CheckpointComparison | CheckpointReference | null;
};

/**
 * Runs a queued verification: the whole log in keyset pages (with the latest checkpoint recomputed in the same
 * pass, and every stream's head compared with the one it signed), or a region's streams — those with any event
 * whose regionCode lies in the region — with their heads compared with the latest checkpoint's. Progress goes to
 * the row about once a second; a verification already finished is left alone (a job delivered twice).
 */
@Injectable()
export class RunLogVerificationHandler {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async execute(verificationId: string, signal?: AbortSignal): Promise<LogVerificationResult | null> {
    const { rows } = await this.pool.query<{ regions: string[]; status: string }>(
      `UPDATE audit_verifications SET status = 'RUNNING', started_at = now(), updated_at = now(), attempts = attempts + 1
        WHERE id = $1 AND status IN ('QUEUED', 'RUNNING') RETURNING regions, status`,
      [verificationId],
    );
    if (!rows[0]) return null;
    const regions = rows[0].regions;
    const estimatedEvents = await this.estimatedEvents();
    const onProgress = async (p: { scannedEvents: number; checkedStreams: number; brokenStreams: number; lastStreamId: string | null }) => {
      await this.pool.query(`UPDATE audit_verifications SET progress = $2, updated_at = now() WHERE id = $1`, [verificationId, { ...p, estimatedEvents }]);
    };

    let result: LogVerificationResult;
    if (regions.includes(ALL_REGIONS)) {
      result = await verifyLogAgainstLatestCheckpoint(this.pool, { onProgress, signal });
    } else {
      const streamIds = await this.streamsOfRegions(regions);
      const signed = await signedHeadsOfStreams(this.pool, streamIds);
      const { streams: _streams, checkpointHeads: _heads, ...rest } = await verifyEventLog(
        this.pool,
        { kind: 'streams', streamIds },
        { onProgress, signal, streamsPerBatch: 500, checkpointSnapshot: signed?.snapshot, signedHeads: signed?.heads },
      );
      result = { ...rest, ok: rest.ok && signed?.checkpoint.signatureValid !== false, checkpoint: signed?.checkpoint ?? null };
    }
    await this.pool.query(
      `UPDATE audit_verifications SET status = 'COMPLETED', result = $2, progress = $3, finished_at = now(), updated_at = now(), error = NULL WHERE id = $1`,
      [verificationId, result, { scannedEvents: result.scannedEvents, checkedStreams: result.checkedStreams, brokenStreams: result.brokenStreams, estimatedEvents }],
    );
    return result;
  }

  /** A job that failed for good (every attempt): the reason is kept on the row. */
  async fail(verificationId: string, reason: string): Promise<void> {
    await this.pool.query(
      `UPDATE audit_verifications SET status = 'FAILED', error = $2, finished_at = now(), updated_at = now() WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')`,
      [verificationId, reason.slice(0, 1000)],
    );
  }

  private async streamsOfRegions(regions: string[]): Promise<string[]> {
    const params: unknown[] = [];
    const where = eventFilterSql({ regions }, params);
    const { rows } = await this.pool.query<{ stream_id: string }>(`SELECT DISTINCT stream_id FROM events WHERE ${where.join(' AND ')}`, params);
    return rows.map((r) => r.stream_id);
  }

  private async estimatedEvents(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>(`SELECT GREATEST(reltuples, 0)::bigint::text AS n FROM pg_class WHERE oid = 'events'::regclass`);
    return Number(rows[0]?.n ?? 0);
  }
}

/**
 * The whole log's check: every hash chain recomputed from the stored rows, and the latest signed checkpoint (its
 * signature, Merkle root, counts and stored stream heads) compared with the log at its snapshot, in one pass.
 * `checkpoint` is null while none has been signed. Also the invariant checker's (`cli invariants`).
 */
export async function verifyLogAgainstLatestCheckpoint(pool: Pool, options: Pick<VerifyOptions, 'onProgress' | 'signal' | 'maxBreaksListed'> = {}): Promise<LogVerificationResult> {
  const { rows } = await pool.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY audit_checkpoints.id DESC LIMIT 1`);
  const latest = rows[0] ? toCheckpointRow(rows[0]) : null;
  const signedHeads = latest ? await readCheckpointHeads(pool, latest.id) : null;
  const report = await verifyEventLog(pool, { kind: 'log' }, { ...options, checkpointSnapshot: latest?.logSnapshot, signedHeads: signedHeads ?? undefined });
  const document = latest ? toCheckpointDocument(latest) : null;
  const checkpoint = document
    ? compareCheckpointWithLog(document, verifyCheckpointSignature(document), report.checkpointHeads!, signedHeads && {
        storedHeadsMatchSignedRoot: headsFoldToRoot(signedHeads, document.checkpoint.merkleRoot),
        differingStreams: report.differingHeads!,
        mismatches: report.headMismatches!,
      })
    : null;
  const { checkpointHeads: _heads, streams: _streams, ...rest } = report;
  return { ...rest, ok: report.ok && (checkpoint?.matches ?? true), checkpoint };
}
