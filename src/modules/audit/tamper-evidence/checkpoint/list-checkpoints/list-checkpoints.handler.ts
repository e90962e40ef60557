import { randomUUID } from 'node:crypto';
import { Inject, Optional } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { ListCheckpointsQuery } from './list-checkpoints.query';
import { AuditAccessLog } from '../../../access-log/audit-access-log';
import { invalidParam, onlyParams, singleParam } from '../../../audit-query';
import type { CheckpointBody } from '../checkpoint-document';
import { CHECKPOINT_SIGNER, type CheckpointPublicKey, type CheckpointSigner, describePublicKey, parsePublicKey } from '../checkpoint-key';
import { CHECKPOINT_COLUMNS, toCheckpointRow } from '../checkpoint.repository';

export const DEFAULT_CHECKPOINT_PAGE = 50;
export const MAX_CHECKPOINT_PAGE = 500;

export interface CheckpointListItem {
  id: string;
  checkpoint: CheckpointBody;
  signature: { algorithm: 'Ed25519'; keyId: string; value: string };
  /** The document the offline check takes: GET it and pass it to `audit:verify --checkpoint`. */
  documentUrl: string;
}

export interface CheckpointList {
  signing:
    | { enabled: true; intervalSeconds: number; publicKey: CheckpointPublicKey }
    | { enabled: false; reason: string };
  /** Every key that signed a checkpoint on this page (a rotated key stays listed with its checkpoints). */
  publicKeys: CheckpointPublicKey[];
  items: CheckpointListItem[];
  nextCursor: string | null;
}

export interface ListCheckpointsParams {
  limit: number;
  /** Checkpoints with a lower id than this (newest first). */
  before: string | null;
}

export function parseListCheckpointsQuery(query: Record<string, unknown>): ListCheckpointsParams {
  onlyParams(query, ['limit', 'cursor']);
  const rawLimit = singleParam(query, 'limit');
  const limit = rawLimit === undefined ? DEFAULT_CHECKPOINT_PAGE : /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : NaN;
  if (!(limit >= 1 && limit <= MAX_CHECKPOINT_PAGE)) throw invalidParam('limit', 'out_of_range', `limit must be a whole number from 1 to ${MAX_CHECKPOINT_PAGE}`);
  const cursor = singleParam(query, 'cursor');
  let before: string | null = null;
  if (cursor !== undefined) {
    const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
    if (!/^\d{1,19}$/.test(decoded)) throw invalidParam('cursor', 'invalid_cursor', 'cursor must be the nextCursor of an earlier page');
    before = decoded;
  }
  return { limit, before };
}

/** Signed checkpoints, newest first, with the public keys to check them (docs/api.md). Global: they carry no region's data. */
@QueryHandler(ListCheckpointsQuery)
export class ListCheckpointsHandler implements IQueryHandler<ListCheckpointsQuery> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    private readonly accessLog: AuditAccessLog,
    @Optional() @Inject(CHECKPOINT_SIGNER) private readonly signer: CheckpointSigner | null,
  ) {}

  async execute({ params: query, reader, correlationId }: ListCheckpointsQuery): Promise<CheckpointList> {
    const { rows } = await this.pool.query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE ($1::bigint IS NULL OR id < $1::bigint) ORDER BY audit_checkpoints.id DESC LIMIT $2`,
      [query.before, query.limit + 1],
    );
    const page = rows.slice(0, query.limit).map(toCheckpointRow);
    const keys = new Map<string, CheckpointPublicKey>();
    for (const row of page) if (!keys.has(row.keyId)) keys.set(row.keyId, describePublicKey(parsePublicKey(row.publicKeyPem)));
    await this.accessLog.record({
      accessId: randomUUID(),
      reader,
      action: 'checkpoints',
      outcome: 'ok',
      filters: { limit: query.limit, ...(query.before ? { before: query.before } : {}) },
      resultCount: page.length,
      correlationId,
    });
    return {
      signing: this.signer
        ? { enabled: true, intervalSeconds: this.config.auditCheckpointIntervalSeconds, publicKey: this.signer.publicKey }
        : { enabled: false, reason: 'AUDIT_SIGNING_KEY is not configured: no new checkpoints are written' },
      publicKeys: [...keys.values()],
      items: page.map((row) => ({
        id: row.id,
        checkpoint: JSON.parse(row.payload) as CheckpointBody,
        signature: { algorithm: 'Ed25519', keyId: row.keyId, value: row.signature },
        documentUrl: `/v1/audit/checkpoints/${row.id}`,
      })),
      nextCursor: rows.length > query.limit ? Buffer.from(page[page.length - 1].id).toString('base64url') : null,
    };
  }
}
