import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { resourceNotFound } from '@sinergi/auth';
import { CLOCK, type Clock, isUuid } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { MarkInboxItemReadCommand } from './mark-inbox-item-read.command';
import { addressedToReaderSql, INBOX_ITEM_COLUMNS, type InboxItemRow, type InboxItemView, toInboxItemView } from '../inbox-item';

/**
 * Marks one of the reader's items read; marking it again keeps the first time. Someone else's item is 404, as if
 * it did not exist. An item of a position mailbox is read for everyone who shares the mailbox.
 */
@CommandHandler(MarkInboxItemReadCommand)
export class MarkInboxItemReadHandler implements ICommandHandler<MarkInboxItemReadCommand> {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ reader, id }: MarkInboxItemReadCommand): Promise<InboxItemView> {
    if (!isUuid(id)) throw resourceNotFound('inbox item');
    const params: unknown[] = [id, this.clock.now()];
    const mine = addressedToReaderSql(reader, params);
    const { rows } = await this.pool.query<InboxItemRow>(
      `UPDATE inbox_items i SET read_at = COALESCE(i.read_at, $2) WHERE i.id = $1 AND ${mine} RETURNING ${INBOX_ITEM_COLUMNS}`,
      params,
    );
    if (rows.length === 0) throw resourceNotFound('inbox item');
    return toInboxItemView(rows[0]);
  }
}
