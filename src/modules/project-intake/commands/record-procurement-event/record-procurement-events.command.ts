import { Command } from '@nestjs/cqrs';
import type { DomainError } from '@sinergi/common';
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

/**
 * One item's outcome, in domain terms (the controller says it in HTTP): recorded (or held), a repeat of one already
 * recorded or held, refused with a typed error, or failed by a defect (logged by the handler, nothing recorded).
 */
export type IngestItemResult =
  | { outcome: 'recorded'; answer: AcceptedEvent | HeldEventAnswer }
  | { outcome: 'duplicate'; answer: (AcceptedEvent | HeldEventAnswer) & { duplicate: true } }
  | { outcome: 'refused'; error: DomainError }
  | { outcome: 'failed' };

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
