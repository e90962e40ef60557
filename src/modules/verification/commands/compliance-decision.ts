import { canSeeRegion, resourceNotFound } from '@sinergi/auth';
import { inTransaction } from '@sinergi/database';
import { type EventMetadata, EventStore, retryOnConflict } from '@sinergi/event-store';
import type { Pool, PoolClient } from 'pg';
import { type ConstructionProjectState, foldProject } from '../../project-intake/construction-project.decider';
import { type ConstructionProjectEvent, type ProjectRegisteredData, projectStreamId } from '../../project-intake/construction-project.events';
import { type ComplianceState, foldCompliance, type ProjectFacts } from '../compliance/compliance.decider';
import { type ComplianceEvent, complianceStreamId } from '../compliance/compliance.events';
import { projectFacts } from './verify-enrolment/verify-enrolment.handler';
import { isUuid } from '@sinergi/common';


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
  return retryOnConflict(async () => {
    const streams = await store.readStreams([projectStreamId(projectId), complianceStreamId(projectId)]);
    const project = foldProject(streams.get(projectStreamId(projectId))!.events as unknown as ConstructionProjectEvent[]);
    if (!project.registration || !canSeeRegion(caller, project.registration.regionCode)) throw resourceNotFound('project');
    const stream = streams.get(complianceStreamId(projectId))!;
    const decision = decide({
      project,
      registration: project.registration,
      compliance: foldCompliance(stream.events as unknown as ComplianceEvent[]),
      facts: projectFacts(projectId, project),
    });
    const events = decision.events.map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown>, metadata: decision.metadata }));
    return inTransaction(pool, async (tx) => {
      await store.appendMany([{ streamId: complianceStreamId(projectId), expected: stream.head, events }], {}, tx);
      await decision.write?.(tx);
      return decision.result;
    });
  });
}
