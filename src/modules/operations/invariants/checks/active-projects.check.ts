import { projectIdOfStreamSql } from '../../../project-intake/construction-project.events';
import { complianceStreamIdSql } from '../../../verification/compliance/compliance.events';
import { appliedBySql, type InvariantCheck, resultOf } from '../invariant';

/** Compliance events that record what BPJS (or confirmed evidence) said: a verdict on the project. */
const VERDICT_TYPES = ['EnrolmentConfirmed', 'EnrolmentMissing', 'PremiumShortfall', 'CoverageGap', 'WorkersUncovered', 'ComplianceStatusChanged'];

/**
 * Every active project (registered, neither completed nor cancelled) has a verdict on its compliance stream, a
 * verification request still pending, or an open dead letter of its verification. A registration the verification
 * relay has not read yet is in flight, not a violation.
 */
export const activeProjectsCheck: InvariantCheck = {
  name: 'active-projects-accounted-for',
  description: 'every active project has a verdict, a pending verification or a dead letter',
  async run(context) {
    const { rows } = await context.pool.query<{ n: number; in_flight: number; examples: string[] | null }>(
      `WITH active AS (
         SELECT r.stream_id, ${projectIdOfStreamSql('r.stream_id')} AS project_id, r.global_position, ${appliedBySql('r', 'verification-relay')} AS relayed
           FROM events r
          WHERE r.type = 'ProjectRegistered'
            AND NOT EXISTS (SELECT 1 FROM events x WHERE x.stream_id = r.stream_id AND x.type IN ('ProjectCompleted', 'ProjectCancelled'))),
       unaccounted AS (
         SELECT a.* FROM active a
          WHERE NOT EXISTS (SELECT 1 FROM events c WHERE c.stream_id = ${complianceStreamIdSql('a.project_id')} AND c.type = ANY($2::text[]))
            AND NOT EXISTS (SELECT 1 FROM verification_requests v WHERE v.project_id = a.project_id AND v.completed_at IS NULL)
            AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.project_id = a.project_id AND d.kind = 'VERIFICATION_FAILED' AND d.retried_at IS NULL))
       SELECT (count(*) FILTER (WHERE relayed))::int AS n, (count(*) FILTER (WHERE NOT relayed))::int AS in_flight,
              ((array_agg('project ' || project_id ORDER BY global_position) FILTER (WHERE relayed))[1:$1]) AS examples
         FROM unaccounted`,
      [context.examples, VERDICT_TYPES],
    );
    const { n, in_flight: inFlight, examples } = rows[0];
    const detail = [
      n ? `${n} active project(s) with no verdict, no pending verification and no dead letter` : '',
      inFlight ? `${inFlight} registration(s) not read by the verification relay yet (in flight, not counted)` : '',
    ].filter(Boolean).join('; ');
    return resultOf(n, examples ?? [], context, detail || undefined);
  },
};
