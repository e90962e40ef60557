import { Query } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { InboxPage } from './list-inbox.handler';

/** A page of the reader's inbox; `query` is the query string (`unread`, `cursor`, `limit`), read by the handler. */
export class ListInboxQuery extends Query<InboxPage> {
  constructor(
    readonly reader: Principal,
    readonly query: Record<string, unknown>,
  ) {
    super();
  }
}
