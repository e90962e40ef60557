import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ListInboxQuery } from './list-inbox.query';
import { decodeCursor, invalidQuery, pageSize, singleParam, toPage } from '../../list-paging';
import { addressedToReaderSql, INBOX_ITEM_COLUMNS, type InboxItemRow, type InboxItemView, toInboxItemView } from '../inbox-item';
import { ReadDatabase } from '../../../../../platform/read-routing';

export interface InboxPage {
  items: InboxItemView[];
  nextCursor: string | null;
}

/** The reader's inbox, newest first, keyset-paged on (created_at, id); `?unread=true` keeps unread items only. */
@QueryHandler(ListInboxQuery)
export class ListInboxHandler implements IQueryHandler<ListInboxQuery> {
  constructor(private readonly reads: ReadDatabase) {}

  async execute({ reader, query }: ListInboxQuery): Promise<InboxPage> {
    const unread = singleParam(query, 'unread');
    if (unread !== undefined && unread !== 'true' && unread !== 'false') throw invalidQuery('unread', 'not_boolean', 'unread must be true or false');
    const after = decodeCursor(singleParam(query, 'cursor'));
    const limit = pageSize(singleParam(query, 'limit'));
    const params: unknown[] = [];
    const where = [addressedToReaderSql(reader, params)];
    if (unread === 'true') where.push('i.read_at IS NULL');
    if (after) {
      params.push(after.at, after.id);
      where.push(`(i.created_at, i.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const pool = await this.reads.pool();
    const { rows } = await pool.query<InboxItemRow>(
      `SELECT ${INBOX_ITEM_COLUMNS} FROM inbox_items i WHERE ${where.join(' AND ')} ORDER BY i.created_at DESC, i.id DESC LIMIT $${params.length}`,
      params,
    );
    return toPage(rows, limit, (r) => ({ at: r.created_key, id: r.id }), toInboxItemView);
  }
}
