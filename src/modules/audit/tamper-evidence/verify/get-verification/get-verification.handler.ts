import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ALL_REGIONS, canSeeRegion, type Principal, resourceNotFound } from '@sinergi/auth';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { GetVerificationQuery } from './get-verification.query';
import { AuditAccessLog } from '../../../access-log/audit-access-log';
import { isUuid } from '@sinergi/common';

export type VerificationStatus = 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export interface VerificationView {
  verificationId: string;
  status: VerificationStatus;
  /** Region prefixes verified, or ['*'] for the whole log. */
  regions: string[];
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: Record<string, unknown>;
  /** When COMPLETED: `ok`, counts, the first broken link, and for the whole log the latest checkpoint compared. */
  result: Record<string, unknown> | null;
  error: string | null;
}

/** Who may see a verification: whoever's scope covers every region it verified ('*' needs the scope '*'). */
export function canSeeVerification(reader: Pick<Principal, 'regions'>, regions: readonly string[]): boolean {
  return regions.every((r) => (r === ALL_REGIONS ? reader.regions.includes(ALL_REGIONS) : canSeeRegion(reader, r)));
}

@QueryHandler(GetVerificationQuery)
export class GetVerificationHandler implements IQueryHandler<GetVerificationQuery> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly accessLog: AuditAccessLog,
  ) {}

  async execute({ verificationId, reader, correlationId }: GetVerificationQuery): Promise<VerificationView> {
    const { rows } = isUuid(verificationId)
      ? await this.pool.query(
          `SELECT id, regions, requested_by, status, progress, result, error, created_at, started_at, finished_at
             FROM audit_verifications WHERE id = $1`,
          [verificationId],
        )
      : { rows: [] };
    const row = rows[0];
    const access = { accessId: randomUUID(), reader, action: 'verify' as const, filters: { verificationId }, correlationId };
    if (!row || !canSeeVerification(reader, row.regions)) {
      await this.accessLog.record({ ...access, outcome: 'not_found', resultCount: 0 });
      throw resourceNotFound('verification');
    }
    await this.accessLog.record({ ...access, outcome: 'ok', resultCount: row.result?.scannedEvents ?? null });
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      verificationId: row.id,
      status: row.status,
      regions: row.regions,
      requestedBy: row.requested_by,
      createdAt: iso(row.created_at)!,
      startedAt: iso(row.started_at),
      finishedAt: iso(row.finished_at),
      progress: row.progress,
      result: row.result,
      error: row.error,
    };
  }
}
