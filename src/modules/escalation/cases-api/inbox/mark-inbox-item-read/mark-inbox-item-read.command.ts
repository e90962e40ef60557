import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { InboxItemView } from '../inbox-item';

/** Mark an item of the reader's own inbox read. */
export class MarkInboxItemReadCommand extends Command<InboxItemView> {
  constructor(
    readonly reader: Principal,
    readonly id: string,
  ) {
    super();
  }
}
