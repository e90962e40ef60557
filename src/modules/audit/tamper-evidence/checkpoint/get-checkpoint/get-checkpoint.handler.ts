import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { resourceNotFound } from '@sinergi/auth';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { GetCheckpointQuery } from './get-checkpoint.query';
import { AuditAccessLog } from '../../../access-log/audit-access-log';
import type { CheckpointDocument } from '../checkpoint-document';
import { CHECKPOINT_COLUMNS, toCheckpointDocument, toCheckpointRow } from '../checkpoint.repository';

/** One checkpoint as the document the offline check takes; `latest` names the newest. */
@QueryHandler(GetCheckpointQuery)
export class GetCheckpointHandler implements IQueryHandler<GetCheckpointQuery> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly accessLog: AuditAccessLog,
  ) {}

  async execute({ id, reader, correlationId }: GetCheckpointQuery): Promise<CheckpointDocument> {
    const { rows } =
      id === 'latest'
        ? await this.pool.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints ORDER BY audit_checkpoints.id DESC LIMIT 1`)
        : /^\d{1,18}$/.test(id)
          ? await this.pool.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE id = $1::bigint`, [id])
          : { rows: [] };
    await this.accessLog.record({ accessId: randomUUID(), reader, action: 'checkpoints', outcome: rows[0] ? 'ok' : 'not_found', filters: { id }, resultCount: rows.length, correlationId });
    if (!rows[0]) throw resourceNotFound('checkpoint');
    return toCheckpointDocument(toCheckpointRow(rows[0]));
  }
}
