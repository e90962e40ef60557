import { conflict, DomainError } from '@sinergi/common';
import type { IngestItemResult } from '../../project-intake/commands/record-procurement-event/record-procurement-events.command';
import { settleIngestAnswer } from './inaproc-puller';

const accepted = { projectId: 'p', eventId: 'e', streamVersion: 1, position: 1 };
const held = { projectId: 'p', eventId: 'e', held: true as const };
const invalidDates = new DomainError('invalid', 'invalid_dates', 'completedAt 2025-04-01 is before the start', [
  { path: 'data.completedAt', code: 'date_order', message: 'completedAt 2025-04-01 must not be before 2025-04-28' },
]);
const as = (value: IngestItemResult) => value;

describe('what an ingest answer means for an INAPROC row', () => {
  it.each([
    ['the domain-shaped answers', {
      recorded: as({ outcome: 'recorded', answer: accepted }),
      held: as({ outcome: 'recorded', answer: held }),
      duplicate: as({ outcome: 'duplicate', answer: { ...held, duplicate: true } }),
      refused: as({ outcome: 'refused', error: invalidDates }),
      inFlight: as({ outcome: 'refused', error: conflict('concurrent_modification', 'moved') }),
      defect: as({ outcome: 'failed' }),
    }],
  ])('reads %s', (_shape, answers) => {
    expect(settleIngestAnswer(answers.recorded)).toEqual({ kind: 'recorded' });
    expect(settleIngestAnswer(answers.held)).toEqual({ kind: 'held' });
    expect(settleIngestAnswer(answers.duplicate)).toEqual({ kind: 'duplicate' });
    // A refusal keeps its status, code and failing paths; never the message, which may quote the value.
    expect(settleIngestAnswer(answers.refused)).toEqual({ kind: 'refused', status: 400, code: 'invalid_dates', errors: [{ path: 'data.completedAt', code: 'date_order' }] });
    expect(settleIngestAnswer(answers.inFlight)).toMatchObject({ kind: 'transient' });
    expect(settleIngestAnswer(answers.defect)).toEqual({ kind: 'transient', code: 'internal_error' });
  });
});
