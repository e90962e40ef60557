import type { RecordedOf } from '@sinergi/event-store';
import { decideCase, type EscalationCaseEvent, foldCase } from '../../../case-decider/escalation-case.decider';
import { DEFAULT_SINJAI_LADDER } from '../../../ladder/escalation-ladder';
import { buildTimeline, type NotificationRow } from './case-timeline';

const caseId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const openedAt = '2025-05-01T08:00:00.000Z';

function recorded(events: EscalationCaseEvent[]): RecordedOf<EscalationCaseEvent>[] {
  return events.map((e, i) => ({
    ...e,
    globalPosition: String(i + 1),
    transactionId: '1',
    streamId: `case-${caseId}`,
    streamVersion: i + 1,
    eventId: `e${i + 1}`,
    schemaVersion: 1,
    metadata: { actor: { kind: 'system', id: 'escalation-relay' }, correlationId: 'c' },
    recordedAt: new Date(Date.parse(openedAt) + i * 1000),
    prevHash: '',
    hash: '',
  }));
}

const notification = (changes: Partial<NotificationRow>): NotificationRow => ({
  id: 'n',
  kind: 'CASE_ESCALATED',
  channel: 'INBOX',
  recipient_kind: 'OFFICIAL',
  position: 'PPK',
  status: 'PENDING',
  attempts: 0,
  last_error_code: null,
  level: 0,
  cause_event_id: 'e2',
  created_at: new Date(Date.parse(openedAt) + 60_000),
  sent_at: null,
  delivered_at: null,
  read_at: null,
  failed_at: null,
  fallback_of: null,
  ...changes,
});

describe('case timeline', () => {
  const events = decideCase(
    { type: 'OpenCase', caseId, projectId: caseId, regionCode: '73.07.01', agencyCode: 'A', reasons: ['ENROLMENT_MISSING'], ladder: DEFAULT_SINJAI_LADDER, now: openedAt },
    foldCase([]),
  );
  events.push(...decideCase({ type: 'EscalationTimerFired', level: 0, now: '2025-05-04T08:00:00.000Z' }, foldCase(events)));

  it('lists the events in order with their own time and level, and folds the state', () => {
    const { state, timeline } = buildTimeline(recorded(events), []);
    expect(timeline.map((e) => [e.type, e.at, e.level])).toEqual([
      ['CaseOpened', openedAt, null],
      ['EscalationLevelReached', openedAt, 0],
      ['EscalationLevelReached', '2025-05-04T08:00:00.000Z', 1],
    ]);
    expect(state).toMatchObject({ status: 'OPEN', currentLevel: 1, nextEscalationAt: '2025-05-11T08:00:00.000Z' });
  });

  it('hangs each notification on the event that caused it, else on the level it was for', () => {
    const { timeline } = buildTimeline(recorded(events), [
      notification({ id: 'by-cause', cause_event_id: 'e3', level: 1 }),
      notification({ id: 'by-level', cause_event_id: 'elsewhere', level: 0 }),
    ]);
    expect(timeline.map((e) => e.notifications.map((n) => n.id))).toEqual([[], ['by-level'], ['by-cause']]);
    expect(Object.keys(timeline[2].notifications[0])).not.toContain('recipientId');
  });
});
