import { canSeeRegion, type Principal, resourceNotFound } from '@sinergi/auth';
import { inTransaction } from '@sinergi/database';
import { EventStore, retryOnConflict } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { decideCase, type EscalationCaseCommand, foldCase } from '../../case-decider/escalation-case.decider';
import { caseStreamId, type EscalationCaseEvent } from '../../case-decider/escalation-case.events';
import { refreshCaseReadModel } from '../../runtime/case-read-model';
import { type CaseSummary, findCaseSummary } from '../case-summary';
import { isUuid } from '@sinergi/common';

/**
 * An official's load → decide → append on a case stream, retried when another writer moved it on (`decideCase` is
 * pure). The read model row is refreshed in the append's transaction, so the list shows the write at once. A case
 * the official cannot see is 404 like an unknown one, for writes too: a refusal must not reveal that it exists.
 */
export async function decideOnCase(
  store: EventStore,
  pool: Pool,
  caseId: string,
  official: Principal,
  correlationId: string,
  command: EscalationCaseCommand,
): Promise<CaseSummary> {
  if (!isUuid(caseId)) throw resourceNotFound('case');
  return retryOnConflict(async () => {
    const stream = (await store.readStreams([caseStreamId(caseId)])).get(caseStreamId(caseId))!;
    const state = foldCase(stream.events as unknown as EscalationCaseEvent[]);
    if (state.status === 'NOT_OPENED' || !canSeeRegion(official, state.regionCode!)) throw resourceNotFound('case');
    const decided = decideCase(command, state);
    const metadata = { actor: { kind: 'user' as const, id: official.sub }, correlationId, regionCode: state.regionCode!, projectId: state.projectId!, caseId };
    return inTransaction(pool, async (tx) => {
      const events = decided.map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown>, metadata }));
      await store.appendMany([{ streamId: caseStreamId(caseId), expected: stream.head, events }], {}, tx);
      await refreshCaseReadModel(store, tx, [caseId]);
      return (await findCaseSummary(tx, caseId))!;
    });
  });
}
