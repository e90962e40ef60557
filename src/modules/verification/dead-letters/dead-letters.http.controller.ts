import { randomUUID } from 'node:crypto';
import { Controller, Get, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { JwtAuthGuard, resourceNotFound, Roles } from '@sinergi/auth';
import { conflict, invalid } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { verificationJobId } from '../verification.queue';
import { VerificationQueue } from '../verification-queue.provider';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Verifications that ran out of retries or that BPJS refused (DESIGN §5), for operators to replay. */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/ops/dead-letters')
@UseGuards(JwtAuthGuard)
@Roles('admin')
export class DeadLettersHttpController {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly queue: VerificationQueue,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Dead-lettered verifications, newest first; ?status=open|retried|all' })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'retried', 'all'] })
  @ApiQuery({ name: 'limit', required: false })
  async list(@Query('status') status = 'open', @Query('limit') limitRaw = '100') {
    if (!['open', 'retried', 'all'].includes(status)) {
      throw invalid('invalid_query', 'status must be open, retried or all', [{ path: 'status', code: 'not_allowed', message: 'status must be open, retried or all' }]);
    }
    const limit = Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw invalid('invalid_query', 'limit must be 1 to 1000', [{ path: 'limit', code: 'out_of_range', message: 'limit must be 1 to 1000' }]);
    }
    const filter = status === 'open' ? 'WHERE retried_at IS NULL' : status === 'retried' ? 'WHERE retried_at IS NOT NULL' : '';
    const { rows } = await this.pool.query(
      `SELECT id, queue, job_id, project_id, reason, attempts, failed_at, retried_at, retry_job_id FROM dead_letters ${filter} ORDER BY failed_at DESC LIMIT $1`,
      [limit],
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        queue: r.queue,
        jobId: r.job_id,
        projectId: r.project_id,
        reason: r.reason,
        attempts: r.attempts,
        failedAt: r.failed_at,
        retriedAt: r.retried_at,
        retryJobId: r.retry_job_id,
      })),
    };
  }

  @Post(':id/retry')
  @ApiOperation({ summary: 'Queue the verification again (a new job; the dead letter is marked retried)' })
  async retry(@Param('id') id: string) {
    if (!UUID.test(id)) throw resourceNotFound('dead letter');
    const client = await this.pool.connect();
    let job: { projectId: string; requestId: string };
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(`SELECT project_id, retried_at FROM dead_letters WHERE id = $1 FOR UPDATE`, [id]);
      if (rows.length === 0) throw resourceNotFound('dead letter');
      if (rows[0].retried_at) throw conflict('already_retried', 'this dead letter was already retried');
      job = { projectId: rows[0].project_id, requestId: verificationJobId(rows[0].project_id, `retry-${randomUUID()}`) };
      await client.query(
        `INSERT INTO verification_requests (job_id, project_id, trigger_type, trigger_recorded_at) VALUES ($1, $2, 'DeadLetterRetry', now())`,
        [job.requestId, job.projectId],
      );
      await client.query(`UPDATE dead_letters SET retried_at = now(), retry_job_id = $2 WHERE id = $1`, [id, job.requestId]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    // Should Redis be down now, the reconciler queues it from the row just committed.
    await this.queue.enqueue([job]).catch(() => undefined);
    return { id, retried: true, jobId: job.requestId };
  }
}
