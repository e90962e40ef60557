import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { deadLettersInScopeSql } from '../dead-letter-scope.sql';
import { type DeadLetterView, ListDeadLettersQuery } from './list-dead-letters.query';

const STATUS_FILTER = { open: 'd.retried_at IS NULL', retried: 'd.retried_at IS NOT NULL', all: 'TRUE' } as const;

/** Dead letters outside the admin's regions are left out, as if they did not exist. */
@QueryHandler(ListDeadLettersQuery)
export class ListDeadLettersHandler implements IQueryHandler<ListDeadLettersQuery> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async execute({ status, limit, admin }: ListDeadLettersQuery): Promise<{ items: DeadLetterView[] }> {
    const params: unknown[] = [limit];
    const scope = deadLettersInScopeSql(admin.regions, params);
    const { rows } = await this.pool.query(
      `SELECT d.id, d.kind, d.queue, d.job_id, d.project_id, p.region_code, d.reason, d.attempts, d.failed_at, d.retried_at, d.retry_job_id
         FROM ${scope.from}
        WHERE ${STATUS_FILTER[status]} AND ${scope.where}
        ORDER BY d.failed_at DESC, d.id DESC
        LIMIT $1`,
      params,
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        queue: r.queue,
        jobId: r.job_id,
        projectId: r.project_id,
        regionCode: r.region_code,
        reason: r.reason,
        attempts: r.attempts,
        failedAt: r.failed_at,
        retriedAt: r.retried_at,
        retryJobId: r.retry_job_id,
      })),
    };
  }
}
