import { canSeeRegion, resourceNotFound } from '@sinergi/auth';
import { isUuid } from '@sinergi/common';
import { CommandHandler, type EventMetadata, EventStore, streamRef } from '@sinergi/event-store';
import type { Pool, PoolClient } from 'pg';
import { constructionProjectModel, type ConstructionProjectState } from '../../project-intake/construction-project.decider';
import { type ProjectRegisteredData, projectStreamId } from '../../project-intake/construction-project.events';
import { complianceModel, type ComplianceState, type ProjectFacts } from '../compliance/compliance.decider';
import { type ComplianceEvent, complianceStreamId } from '../compliance/compliance.events';
import { projectFacts } from './verify-enrolment/verify-enrolment.handler';

const handleCompliance = CommandHandler(complianceModel);

/** A registered project as the commands on its compliance stream see it. */
export interface ComplianceProject {
  project: ConstructionProjectState;
  registration: ProjectRegisteredData;
  compliance: ComplianceState;
  facts: ProjectFacts;
}

export interface ComplianceDecision<T> {
  events: ComplianceEvent[];
  metadata: EventMetadata;
  /** A row the events imply (e.g. `enrolment_evidence`), written in their transaction. */
  write?: (tx: PoolClient) => Promise<unknown>;
  result: T;
}

/**
 * Load → decide → append on a project's compliance stream (evidence, re-verification requests), with
 * any row the events imply in the same transaction, so a table never holds a row without its event
 * nor the reverse. Retried when another writer moved the stream on (`decide` is pure). A project
 * outside `caller`'s regions is refused here, before `decide`, with the very error of an unknown one:
 * a write must not reveal that a project exists, nor its state. `decide` throws the remaining refusals.
 */
export async function decideOnComplianceStream<T>(
  store: EventStore,
  pool: Pool,
  projectId: string,
  caller: { regions: string[] },
  decide: (loaded: ComplianceProject) => ComplianceDecision<T>,
): Promise<T> {
  if (!isUuid(projectId)) throw resourceNotFound('project');
  const project = streamRef(constructionProjectModel, projectStreamId(projectId));
  return handleCompliance(
    { store, pool },
    complianceStreamId(projectId),
    (compliance, alongside) => {
      const state = alongside.project.state;
      if (!state.registration || !canSeeRegion(caller, state.registration.regionCode)) throw resourceNotFound('project');
      const decision = decide({ project: state, registration: state.registration, compliance: compliance.state, facts: projectFacts(projectId, state) });
      return {
        events: decision.events,
        metadata: decision.metadata,
        write: async (tx) => {
          await decision.write?.(tx);
          return decision.result;
        },
      };
    },
    { alongside: { project } },
  );
}
