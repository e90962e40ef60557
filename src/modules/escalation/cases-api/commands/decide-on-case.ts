import { canSeeRegion, type Principal, resourceNotFound } from '@sinergi/auth';
import { isUuid } from '@sinergi/common';
import { CommandHandler, EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { decideCase, type EscalationCaseCommand, escalationCaseModel } from '../../case-decider/escalation-case.decider';
import { caseStreamId } from '../../case-decider/escalation-case.events';
import { refreshCaseReadModel } from '../../runtime/case-read-model';
import { type CaseSummary, findCaseSummary } from '../case-summary';

const handleCase = CommandHandler(escalationCaseModel);

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
  return handleCase({ store, pool }, caseStreamId(caseId), ({ state }) => {
    if (state.status === 'NOT_OPENED' || !canSeeRegion(official, state.regionCode!)) throw resourceNotFound('case');
    return {
      events: decideCase(command, state),
      metadata: { actor: { kind: 'user' as const, id: official.sub }, correlationId, regionCode: state.regionCode!, projectId: state.projectId!, caseId },
      write: async (tx) => {
        await refreshCaseReadModel(store, tx, [caseId]);
        return (await findCaseSummary(tx, caseId))!;
      },
    };
  });
}
