import { DomainError } from '@sinergi/common';

/** Someone appended to the stream since it was read. Safe to retry because `decide` is pure. */
export class ConcurrencyError extends DomainError {
  constructor(readonly streamIds: string[]) {
    super('conflict', 'concurrent_modification', `stream changed while the request was processed: ${streamIds.join(', ')}`);
    this.name = 'ConcurrencyError';
  }
}

/** Another request recorded the same idempotency key first. */
export class IdempotencyRaceError extends DomainError {
  constructor() {
    super('conflict', 'request_in_flight', 'the same event is being processed by another request');
    this.name = 'IdempotencyRaceError';
  }
}
