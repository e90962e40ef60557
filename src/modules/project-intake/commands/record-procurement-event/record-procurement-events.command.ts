import { Command } from '@nestjs/cqrs';
import type { Problem } from '@sinergi/common';
import type { ProcurementClient } from '../../../procurement-clients/procurement-client.repository';

export interface AcceptedEvent {
  projectId: string;
  eventId: string;
  streamVersion: number;
  position: number;
  duplicate?: true;
}

/** Accepted and held: its project is not registered yet; it is applied, in source order, when the registration arrives. */
export interface HeldEventAnswer {
  projectId: string;
  eventId: string;
  held: true;
  duplicate?: true;
}

/** One item's outcome: accepted (202), a repeat of an accepted one (200), or a refusal with its problem. */
export type IngestItemResult =
  | { status: 202; body: AcceptedEvent | HeldEventAnswer }
  | { status: 200; body: (AcceptedEvent | HeldEventAnswer) & { duplicate: true } }
  | { status: number; problem: Problem };

/** Record procurement events (one or a batch) from an authenticated client, each decided on its own. */
export class RecordProcurementEventsCommand extends Command<IngestItemResult[]> {
  constructor(
    readonly client: ProcurementClient,
    /** Parsed JSON items, not yet validated: each is validated on its own so one bad item refuses only itself. */
    readonly items: unknown[],
    readonly correlationId: string,
  ) {
    super();
  }
}
