import { resourceNotFound } from '@sinergi/auth';
import { ConcurrencyError, type EventMetadata, EventStore } from '@sinergi/event-store';
import type { Pool, PoolClient } from 'pg';
import { type ConstructionProjectState, foldProject } from '../../../project-intake/construction-project.decider';
import { type ConstructionProjectEvent, type ProjectRegisteredData, projectStreamId } from '../../../project-intake/construction-project.events';
import { type ComplianceState, foldCompliance, type ProjectFacts } from '../../compliance/compliance.decider';
import { type ComplianceEvent, complianceStreamId } from '../../compliance/compliance.events';
import { projectFacts } from '../verify-enrolment/verify-enrolment.handler';

const MAX_ATTEMPTS = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A registered project as the evidence commands see it. */
export interface EvidenceProject {
  project: ConstructionProjectState;
  registration: ProjectRegisteredData;
  compliance: ComplianceState;
  facts: ProjectFacts;
}

export interface EvidenceDecision<T> {
  events: ComplianceEvent[];
  metadata: EventMetadata;
  /** The `enrolment_evidence` change the events imply, run in their transaction. */
  write: (tx: PoolClient) => Promise<unknown>;
  result: T;
}

/**
 * Load → decide → append for the evidence commands. The compliance events and the `enrolment_evidence` row they
 * imply commit in one transaction, so the evidence registry never reads a row without its event, nor the reverse.
 * Retried a bounded number of times when another writer moved the stream on, which is safe because `decide` is
 * pure. An unknown project is 404; `decide` throws the caller's own refusals (scope, state).
 */
export async function appendWithEvidenceRow<T>(
  store: EventStore,
  pool: Pool,
  projectId: string,
  decide: (loaded: EvidenceProject) => EvidenceDecision<T>,
): Promise<T> {
  if (!UUID.test(projectId)) throw resourceNotFound('project');
  for (let attempt = 1; ; attempt += 1) {
    const streams = await store.readStreams([projectStreamId(projectId), complianceStreamId(projectId)]);
    const project = foldProject(streams.get(projectStreamId(projectId))!.events as unknown as ConstructionProjectEvent[]);
    if (!project.registration) throw resourceNotFound('project');
    const stream = streams.get(complianceStreamId(projectId))!;
    const decision = decide({
      project,
      registration: project.registration,
      compliance: foldCompliance(stream.events as unknown as ComplianceEvent[]),
      facts: projectFacts(projectId, project),
    });
    const events = decision.events.map((e) => ({ type: e.type, data: e.data as unknown as Record<string, unknown>, metadata: decision.metadata }));
    const tx = await pool.connect();
    try {
      await tx.query('BEGIN');
      await store.appendMany([{ streamId: complianceStreamId(projectId), expected: stream.head, events }], {}, tx);
      await decision.write(tx);
      await tx.query('COMMIT');
      return decision.result;
    } catch (error) {
      await tx.query('ROLLBACK').catch(() => undefined);
      if (!(error instanceof ConcurrencyError) || attempt >= MAX_ATTEMPTS) throw error;
    } finally {
      tx.release();
    }
  }
}
