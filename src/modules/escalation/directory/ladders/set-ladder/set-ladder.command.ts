import { Command } from '@nestjs/cqrs';
import type { Principal } from '@sinergi/auth';
import type { LadderView } from '../ladder-view';

/** Store a new version of a region's ladder; `body` is the PUT body, checked by the handler. */
export class SetLadderCommand extends Command<LadderView> {
  constructor(
    readonly regionCode: string,
    readonly body: unknown,
    readonly admin: Principal,
  ) {
    super();
  }
}
