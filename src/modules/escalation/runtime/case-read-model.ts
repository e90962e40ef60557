import { type EventStore, loadStreams } from '@sinergi/event-store';
import type { PoolClient } from 'pg';
import { escalationCaseModel, type EscalationCaseState } from '../case-decider/escalation-case.decider';
import { caseStreamId } from '../case-decider/escalation-case.events';

/**
 * Brings the `escalation_cases` rows of `caseIds` up to their streams, inside `tx`. A row only moves forward
 * (`stream_version`), so the relay and an official's command may both refresh a case in any order. Returns the
 * folded states (cases whose stream is empty are skipped).
 */
export async function refreshCaseReadModel(store: EventStore, tx: PoolClient, caseIds: readonly string[]): Promise<Map<string, EscalationCaseState>> {
  const states = new Map<string, EscalationCaseState>();
  if (caseIds.length === 0) return states;
  const streams = await loadStreams(store, escalationCaseModel, caseIds.map(caseStreamId), tx);
  const rows: Record<string, unknown>[] = [];
  for (const [, snapshot] of streams) {
    if (snapshot.events.length === 0) continue;
    const { state } = snapshot;
    if (state.caseId === null) continue;
    states.set(state.caseId, state);
    const acknowledged = state.acknowledgements.filter((a) => a.level === state.currentLevel);
    rows.push({
      case_id: state.caseId,
      project_id: state.projectId,
      region_code: state.regionCode,
      agency_code: state.agencyCode,
      status: state.status,
      reasons: state.reasons,
      current_level: state.currentLevel ?? 0,
      next_escalation_at: state.nextEscalationAt,
      ladder_region_code: state.ladder!.regionCode,
      ladder_version: state.ladder!.version,
      held_termins: state.heldTermins,
      acknowledged_level: acknowledged.length ? state.currentLevel : null,
      opened_at: state.openedAt,
      ended_at: state.endedAt,
      stream_version: snapshot.head.version,
    });
  }
  if (rows.length === 0) return states;
  await tx.query(
    `INSERT INTO escalation_cases AS c (case_id, project_id, region_code, agency_code, status, reasons, current_level, next_escalation_at,
            ladder_region_code, ladder_version, held_termins, acknowledged_level, opened_at, ended_at, stream_version, updated_at)
     SELECT r.case_id, r.project_id, r.region_code, r.agency_code, r.status, ARRAY(SELECT jsonb_array_elements_text(r.reasons)),
            r.current_level, r.next_escalation_at, r.ladder_region_code, r.ladder_version,
            ARRAY(SELECT jsonb_array_elements_text(r.held_termins)::int), r.acknowledged_level, r.opened_at, r.ended_at, r.stream_version, now()
       FROM jsonb_to_recordset($1::jsonb) AS r(case_id uuid, project_id uuid, region_code text, agency_code text, status text, reasons jsonb,
            current_level int, next_escalation_at timestamptz, ladder_region_code text, ladder_version int, held_termins jsonb,
            acknowledged_level int, opened_at timestamptz, ended_at timestamptz, stream_version int)
     ON CONFLICT (case_id) DO UPDATE SET
       status = EXCLUDED.status, reasons = EXCLUDED.reasons, current_level = EXCLUDED.current_level,
       next_escalation_at = EXCLUDED.next_escalation_at, held_termins = EXCLUDED.held_termins,
       acknowledged_level = EXCLUDED.acknowledged_level, ended_at = EXCLUDED.ended_at,
       stream_version = EXCLUDED.stream_version, updated_at = now()
     WHERE c.stream_version < EXCLUDED.stream_version`,
    [JSON.stringify(rows)],
  );
  return states;
}
