import { type EventStore, loadStream, loadStreams, type NewEvent, type StreamHead, toNewEvents } from '@sinergi/event-store';
import type { PoolClient } from 'pg';
import { decideCase, type EscalationCaseCommand, escalationCaseModel, type EscalationCaseState, evolveCase } from '../case-decider/escalation-case.decider';
import { caseStreamId, type EscalationCaseEvent } from '../case-decider/escalation-case.events';

interface Pending {
  state: EscalationCaseState;
  head: StreamHead;
  events: NewEvent[];
}

/** Why the relay acts on a case: the fact it reacts to, for the events' metadata. */
export interface CaseCause {
  correlationId: string;
  causationId: string;
  regionCode: string;
  /** W3C trace context the case events continue (tracing on only). */
  traceparent?: string;
}

/**
 * Decides several commands on several case streams inside one transaction (the relay's batch), keeping each
 * stream's folded state in memory so later commands see earlier decisions, then appends everything in one
 * statement at the expected heads. A stream someone else moved on meanwhile fails the whole batch (retried).
 */
export class CaseWriter {
  private readonly cases = new Map<string, Pending>();

  constructor(
    private readonly store: EventStore,
    private readonly tx: PoolClient,
  ) {}

  /** Reads every one of these case streams not in hand yet, in one round trip (a batch's cases before its decisions). */
  async prefetch(caseIds: readonly string[]): Promise<void> {
    const missing = [...new Set(caseIds)].filter((id) => !this.cases.has(id));
    if (missing.length === 0) return;
    const streams = await loadStreams(this.store, escalationCaseModel, missing.map(caseStreamId), this.tx);
    missing.forEach((caseId) => {
      const { state, head } = streams.get(caseStreamId(caseId))!;
      this.cases.set(caseId, { state, head, events: [] });
    });
  }

  async decide(caseId: string, command: EscalationCaseCommand, cause: CaseCause): Promise<EscalationCaseEvent[]> {
    const pending = await this.load(caseId);
    const events = decideCase(command, pending.state);
    pending.state = events.reduce(evolveCase, pending.state);
    pending.events.push(...toNewEvents(events, { actor: { kind: 'system', id: 'escalation-relay' }, ...cause }));
    return events;
  }

  async flush(): Promise<void> {
    const appends = [...this.cases.entries()]
      .filter(([, p]) => p.events.length > 0)
      .map(([caseId, p]) => ({ streamId: caseStreamId(caseId), expected: p.head, events: p.events }));
    if (appends.length) await this.store.appendMany(appends, {}, this.tx);
    this.cases.clear();
  }

  private async load(caseId: string): Promise<Pending> {
    let pending = this.cases.get(caseId);
    if (!pending) {
      const { state, head } = await loadStream(this.store, escalationCaseModel, caseStreamId(caseId), this.tx);
      pending = { state, head, events: [] };
      this.cases.set(caseId, pending);
    }
    return pending;
  }
}
