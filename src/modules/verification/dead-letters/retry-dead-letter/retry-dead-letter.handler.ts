import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { resourceNotFound } from '@sinergi/auth';
import { conflict, isUuid } from '@sinergi/common';
import { inTransaction, PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { verificationJobId } from '../../verification.queue';
import { VerificationQueue } from '../../verification-queue.provider';
import { deadLettersInScopeSql } from '../dead-letter-scope.sql';
import { type DeadLetterRetried, RetryDeadLetterCommand } from './retry-dead-letter.command';


/**
 * Records a new verification request for the dead letter's project and marks the dead letter retried, in one
 * transaction, then queues the job. A dead letter outside the admin's regions is not even selected, so it is
 * refused exactly like an unknown id, before its state (already retried) could show through.
 */
@CommandHandler(RetryDeadLetterCommand)
export class RetryDeadLetterHandler implements ICommandHandler<RetryDeadLetterCommand> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly queue: VerificationQueue,
  ) {}

  async execute({ deadLetterId: id, admin }: RetryDeadLetterCommand): Promise<DeadLetterRetried> {
    if (!isUuid(id)) throw resourceNotFound('dead letter');
    const job = await inTransaction(this.pool, async (tx) => {
      const params: unknown[] = [id];
      const scope = deadLettersInScopeSql(admin.regions, params);
      // The row lock makes two concurrent retries of one dead letter queue one job; the second sees retried_at.
      const { rows } = await tx.query(`SELECT d.project_id, d.retried_at, d.kind FROM ${scope.from} WHERE d.id = $1 AND ${scope.where} FOR UPDATE OF d`, params);
      if (rows.length === 0) throw resourceNotFound('dead letter');
      if (rows[0].retried_at) throw conflict('already_retried', 'this dead letter was already retried');
      // A held event that expired or was refused has no verification to run again: its sender must post it anew.
      if (rows[0].kind !== 'VERIFICATION_FAILED') throw conflict('not_retryable', `a ${rows[0].kind} dead letter is not retried here; the sender posts the event again`);
      const next = { projectId: rows[0].project_id as string, requestId: verificationJobId(rows[0].project_id, `retry-${randomUUID()}`) };
      await tx.query(
        `INSERT INTO verification_requests (job_id, project_id, trigger_type, trigger_recorded_at) VALUES ($1, $2, 'DeadLetterRetry', now())`,
        [next.requestId, next.projectId],
      );
      await tx.query(`UPDATE dead_letters SET retried_at = now(), retry_job_id = $2 WHERE id = $1`, [id, next.requestId]);
      return next;
    });
    // Should Redis be down now, the reconciler queues it from the row just committed.
    await this.queue.enqueue([job]).catch(() => undefined);
    return { id, retried: true, jobId: job.requestId };
  }
}
