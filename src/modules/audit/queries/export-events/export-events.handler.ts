import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Logger } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { hasPermission } from '@sinergi/auth';
import { DomainError, SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { Client } from 'pg';
import { type AuditAccess, AuditAccessLog } from '../../access-log/audit-access-log';
import { csvLineSql, eventFilterSql, inlineParams, ndjsonLineSql, PERSONAL_REFS_SQL, REFERRING_TYPES } from '../../audit-events.sql';
import { PII_READ } from '../../audit-query';
import { CopyLinesOut } from './copy-lines-out';
import { ExportEventsQuery, parseExportEventsQuery } from './export-events.query';
import { EXPORT_WRITERS, type ExportWriter } from './export-format';

/** Exports at once per process; each holds a database connection of its own for as long as the download lasts. */
const MAX_CONCURRENT_EXPORTS = 4;
/**
 * Above this many estimated events, the export walks the commit-order index instead of sorting: the rows come out
 * in order at once (no minutes-long sort before the first byte, no gigabytes of temporary files), and the index
 * follows the table's physical order, so the walk reads the table almost sequentially.
 */
const STREAM_IN_INDEX_ORDER_ABOVE = 50_000;

export interface OpenedExport {
  stream: Readable;
  writer: ExportWriter;
  filename: string;
  /** The count and digest, known once the stream has ended (for HTTP trailers). */
  summary: () => { count: number; sha256: string | null };
}

/**
 * Streams every event in the reader's regions (and time range) in commit order, as PostgreSQL formats it: one
 * `COPY (SELECT line ... ORDER BY transaction_id, global_position) TO STDOUT` on a connection of its own, whose rows
 * pass through as bytes with TCP back-pressure (CopyLinesOut), so memory stays flat whatever the size. The access
 * log gets `started` (with, for `pii:read`, every person the export will reveal, taken from the same snapshot), then
 * `completed` with the count and digest, or `aborted`.
 */
@QueryHandler(ExportEventsQuery)
export class ExportEventsHandler implements IQueryHandler<ExportEventsQuery> {
  private readonly logger = new Logger(ExportEventsHandler.name);
  private running = 0;

  constructor(
    @Inject(SINERGI_CONFIG) private readonly config: SinergiConfig,
    private readonly accessLog: AuditAccessLog,
  ) {}

  async execute({ reader, query, correlationId }: ExportEventsQuery): Promise<OpenedExport> {
    const accessId = randomUUID();
    const q = await this.accessLog.parseOrRecord(() => parseExportEventsQuery(reader, query), { accessId, reader, action: 'export', query, correlationId });
    if (this.running >= MAX_CONCURRENT_EXPORTS) {
      throw new DomainError('rate_limited', 'exports_busy', `this server is already running ${MAX_CONCURRENT_EXPORTS} exports; retry shortly`);
    }
    this.running += 1;
    const access: AuditAccess = { accessId, reader, action: 'export', outcome: 'started', filters: q.echo, correlationId };
    const piiRead = hasPermission(reader, PII_READ);
    const writer = EXPORT_WRITERS[q.format];
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'sinergi-audit-export' });
    // A connection that fails (or that a gone reader closed) must not take the process with it.
    client.on('error', (error) => this.logger.debug(`export connection closed: ${error.message}`));
    let released = false;
    const release = async () => {
      if (released) return;
      released = true;
      this.running -= 1;
      await client.query('COMMIT').catch(() => undefined);
      await client.end().catch(() => undefined);
    };

    let copy: CopyLinesOut;
    try {
      await client.connect();
      // One snapshot for the personal data recorded as revealed and for the COPY that reveals it. Not inTransaction:
      // the transaction outlives this call, open on its own connection while the response streams, and ends in release().
      await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY`);
      const params: unknown[] = [];
      const where = eventFilterSql(q.filter, params);
      const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';
      const plan = await client.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(`EXPLAIN (FORMAT JSON) SELECT 1 FROM events ${whereSql}`, params);
      if (plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows'] > STREAM_IN_INDEX_ORDER_ABOVE) await client.query('SET LOCAL enable_sort = off');
      let revealed: string[] = [];
      if (piiRead) {
        const { rows } = await client.query<{ ref: string }>(
          `SELECT DISTINCT p.ref FROM events CROSS JOIN LATERAL unnest(${PERSONAL_REFS_SQL}) AS r(ref)
             JOIN personal_data p ON p.ref = r.ref AND p.erased_at IS NULL AND p.data IS NOT NULL
            WHERE events.type = ANY($${params.length + 1}::text[]) ${where.length ? `AND ${where.join(' AND ')}` : ''}`,
          [...params, REFERRING_TYPES],
        );
        revealed = rows.map((r) => r.ref);
      }
      await this.accessLog.record(access, revealed);
      const line = q.format === 'csv' ? csvLineSql(piiRead) : ndjsonLineSql(piiRead);
      const copySql = inlineParams(
        `COPY (SELECT ${line} FROM events ${whereSql} ORDER BY events.transaction_id, events.global_position) TO STDOUT (FORMAT binary)`,
        params,
        client,
      );
      copy = client.query(new CopyLinesOut({ copySql, header: writer.header, trailer: writer.trailer }));
    } catch (error) {
      await release();
      throw error;
    }

    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      const delivered = copy.sha256 !== null;
      await release();
      await this.accessLog
        .record({ ...access, outcome: delivered ? 'completed' : 'aborted', resultCount: copy.count, digest: copy.sha256 })
        .catch((error: Error) => this.logger.error(`could not record the end of export ${accessId}: ${error.message}`));
    };
    copy.once('close', () => void finish());

    return {
      stream: copy,
      writer,
      filename: `audit-events-${q.regionCode ?? 'all'}-${accessId.slice(0, 8)}.${writer.extension}`,
      summary: () => ({ count: copy.count, sha256: copy.sha256 }),
    };
  }
}
