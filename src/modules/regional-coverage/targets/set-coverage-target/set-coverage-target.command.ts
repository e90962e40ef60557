import { Command } from '@nestjs/cqrs';
import type { EventActor } from '@sinergi/event-store';
import type { CoverageTargetView } from './set-coverage-target.handler';

/** Set a region's coverage target; `body` is the PUT body, validated by the handler: `{ metric, targetPercent, deadline }`. */
export class SetCoverageTargetCommand extends Command<CoverageTargetView> {
  constructor(
    readonly regionCode: string,
    readonly body: unknown,
    readonly actor: EventActor,
    readonly correlationId: string,
  ) {
    super();
  }
}
