import { randomUUID } from 'node:crypto';
import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ALL_REGIONS } from '@sinergi/auth';
import { inTransaction, PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { StartLogVerificationCommand } from './start-log-verification.command';
import { AuditAccessLog } from '../../../access-log/audit-access-log';
import { AuditQueue } from '../../audit-queue.provider';

export interface StartedVerification {
  verificationId: string;
  /** Region prefixes verified, or ['*'] for the whole log. */
  regions: string[];
  /** False when an identical verification was already queued or running: that one is returned. */
  created: boolean;
}

/**
 * Starts a verification too big for one request — a region's streams, or the whole log — as a row the worker
 * completes. An identical one already queued or running is returned instead of starting another.
 */
@CommandHandler(StartLogVerificationCommand)
export class StartLogVerificationHandler implements ICommandHandler<StartLogVerificationCommand> {
  private readonly logger = new Logger('StartLogVerification');

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly queue: AuditQueue,
    private readonly accessLog: AuditAccessLog,
  ) {}

  /** `regions`: prefixes already cut to the reader's scope, or undefined for the whole log (scope '*' only). */
  async execute({ regions, reader, filters, correlationId }: StartLogVerificationCommand): Promise<StartedVerification> {
    const scope = regions === undefined ? [ALL_REGIONS] : [...regions].sort();
    const started = await inTransaction(this.pool, async (client): Promise<StartedVerification> => {
      // One starter at a time per scope, so two identical requests cannot both insert.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('audit-verification'), hashtext($1))`, [scope.join(',')]);
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM audit_verifications WHERE status IN ('QUEUED', 'RUNNING') AND regions = $1::text[] ORDER BY created_at DESC LIMIT 1`,
        [scope],
      );
      if (rows[0]) return { verificationId: rows[0].id, regions: scope, created: false };
      const id = randomUUID();
      await client.query(`INSERT INTO audit_verifications (id, regions, requested_by) VALUES ($1, $2::text[], $3)`, [id, scope, reader.sub]);
      return { verificationId: id, regions: scope, created: true };
    });
    // A lost enqueue (Redis down) is made good by the worker, which re-queues verifications left QUEUED.
    if (started.created) {
      await this.queue.enqueueVerifications([started.verificationId]).catch((error: Error) => this.logger.warn({ err: error.message, verificationId: started.verificationId }, 'queueing a verification failed; the worker will pick it up'));
    }
    await this.accessLog.record({
      accessId: randomUUID(),
      reader,
      action: 'verify',
      outcome: 'started',
      filters: { ...filters, verificationId: started.verificationId, regions: scope },
      correlationId,
    });
    return started;
  }
}
