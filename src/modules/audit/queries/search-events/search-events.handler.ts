import { randomUUID } from 'node:crypto';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { hasPermission } from '@sinergi/auth';
import { AuditAccessLog } from '../../access-log/audit-access-log';
import { afterSql, auditEventColumns, eventFilterSql, streamsOfProjectRef } from '../../audit-events.sql';
import { type AuditEventRow, type AuditEventView, revealedRefs, toAuditEventView } from '../../audit-event.view';
import { encodeCursor, PII_READ } from '../../audit-query';
import { parseSearchEventsQuery, type SearchEventsParams, SearchEventsQuery } from './search-events.query';
import { ReadDatabase } from '../../../../platform/read-routing';

export interface EventPage {
  items: AuditEventView[];
  /** The next page, with the same filters; null when no further event has committed yet. */
  nextCursor: string | null;
  /** Where this page ended (or the cursor it was asked from): ask again later to see events committed since. */
  lastCursor: string | null;
}

/**
 * Events in the reader's regions, in commit order, keyset-paged on (transaction_id, global_position). Only
 * transactions older than every one still running are read (pg_snapshot_xmin, docs/architecture.md), so an append that commits
 * while someone pages lands after their cursor: pages never repeat or skip an event.
 */
@QueryHandler(SearchEventsQuery)
export class SearchEventsHandler implements IQueryHandler<SearchEventsQuery> {
  constructor(
    private readonly reads: ReadDatabase,
    private readonly accessLog: AuditAccessLog,
  ) {}

  async execute({ reader, query, correlationId }: SearchEventsQuery): Promise<EventPage> {
    const accessId = randomUUID();
    const q = await this.accessLog.parseOrRecord(() => parseSearchEventsQuery(reader, query), { accessId, reader, action: 'search', query, correlationId });
    return this.search(q, accessId, correlationId);
  }

  private async search(q: SearchEventsParams, accessId: string, correlationId: string | null): Promise<EventPage> {
    const pool = await this.reads.pool();
    const streams = q.projectRef === undefined ? undefined : await streamsOfProjectRef(pool, q.projectRef);
    const params: unknown[] = [];
    const where = eventFilterSql({ ...q.filter, streams }, params);
    if (q.after) where.push(afterSql(q.after, params));
    where.push('events.transaction_id < pg_snapshot_xmin(pg_current_snapshot())');
    params.push(q.limit + 1);
    const piiRead = hasPermission(q.reader, PII_READ);
    const { rows } = await pool.query<AuditEventRow>(
      `SELECT ${auditEventColumns(piiRead)} FROM events WHERE ${where.join(' AND ')}
        ORDER BY events.transaction_id, events.global_position LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, q.limit);
    const items = page.map(toAuditEventView);
    const last = page[page.length - 1];
    const lastKey = last ? { transactionId: last.transaction_id, position: last.global_position } : q.after;
    await this.accessLog.record(
      { accessId, reader: q.reader, action: 'search', outcome: 'ok', filters: q.echo, resultCount: items.length, correlationId },
      revealedRefs(items),
    );
    return {
      items,
      nextCursor: rows.length > q.limit && lastKey ? encodeCursor(lastKey) : null,
      lastCursor: lastKey ? encodeCursor(lastKey) : null,
    };
  }
}
