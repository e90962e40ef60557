import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { canSeeRegion, resourceNotFound } from '@sinergi/auth';
import { CLOCK, type Clock, isUuid } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { VerifyProjectQuery } from './verify-project.query';
import { AuditAccessLog } from '../../../access-log/audit-access-log';
import { RELATED_STREAMS_SQL } from '../../../audit-events.sql';
import type { BrokenLink } from '../../chain-checker';
import { type CheckpointReference, signedHeadsOfStreams } from '../../checkpoint/checkpoint-heads';
import { type HeadMismatch, type StreamReport, verifyEventLog } from '../../log-verifier';

export interface ProjectVerification {
  projectId: string;
  regionCode: string;
  ok: boolean;
  verifiedAt: string;
  checkedEvents: number;
  scannedEvents: number;
  /** The broken link earliest in the log across the project's streams, if any. */
  firstBreak: BrokenLink | null;
  /**
   * The latest checkpoint with stored heads, which the streams' heads at that checkpoint were compared with (a
   * chain recomputed after an edit, or a deleted last event, holds as a chain but not against it); null when none.
   */
  checkpoint: CheckpointReference | null;
  /** The streams whose head at the checkpoint is not the one it signed. */
  headMismatches: HeadMismatch[];
  streams: StreamReport[];
}

/**
 * Recomputes the hash chains of every stream about one project (its procurement and compliance streams, its
 * cases and their notifications — the streams its history shows) and reports each stream's first broken link,
 * and each stream whose head at the latest checkpoint is not the one the checkpoint signed. Small enough to
 * answer in the request.
 */
@QueryHandler(VerifyProjectQuery)
export class VerifyProjectHandler implements IQueryHandler<VerifyProjectQuery> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly accessLog: AuditAccessLog,
  ) {}

  async execute({ projectId, reader, correlationId }: VerifyProjectQuery): Promise<ProjectVerification> {
    const access = { accessId: randomUUID(), reader, action: 'verify' as const, filters: { projectId }, correlationId };
    const regionCode = isUuid(projectId) ? await this.regionOf(projectId) : null;
    // Unknown and out of scope answer alike (docs/api.md); the refusal is recorded too.
    if (regionCode === null || !canSeeRegion(reader, regionCode)) {
      await this.accessLog.record({ ...access, outcome: 'not_found', resultCount: 0 });
      throw resourceNotFound('project');
    }
    const { rows } = await this.pool.query<{ stream_id: string }>(`SELECT s.stream_id FROM (${RELATED_STREAMS_SQL('$1')}) AS s(stream_id)`, [[projectId]]);
    const streamIds = rows.map((r) => r.stream_id);
    const signed = await signedHeadsOfStreams(this.pool, streamIds);
    const report = await verifyEventLog(
      this.pool,
      { kind: 'streams', streamIds },
      { includeStreams: true, checkpointSnapshot: signed?.snapshot, signedHeads: signed?.heads },
    );
    await this.accessLog.record({ ...access, outcome: 'ok', resultCount: report.scannedEvents });
    return {
      projectId,
      regionCode,
      ok: report.ok && signed?.checkpoint.signatureValid !== false,
      verifiedAt: this.clock.now().toISOString(),
      checkedEvents: report.checkedEvents,
      scannedEvents: report.scannedEvents,
      firstBreak: report.firstBreak,
      checkpoint: signed?.checkpoint ?? null,
      headMismatches: report.headMismatches ?? [],
      // Streams that do not exist (a project without cases has no case streams) are not listed, unless the checkpoint signed a head for one.
      streams: (report.streams ?? []).filter((s) => s.events > 0 || s.headMismatch),
    };
  }

  /** The region the project was registered in (its registration's data, as the history reads it). */
  private async regionOf(projectId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ region: string | null }>(
      `SELECT COALESCE(data->>'regionCode', metadata->>'regionCode') AS region FROM events
        WHERE stream_id = $1 AND stream_version = 1`,
      [`project-${projectId}`],
    );
    return rows[0]?.region ?? null;
  }
}
