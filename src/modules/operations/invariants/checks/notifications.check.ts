import { caseStreamIdSql } from '../../../escalation/case-decider/escalation-case.events';
import { appliedBySql, type InvariantCheck, resultOf } from '../invariant';

/**
 * Every notification exists once per (case, level, recipient, channel) — for payment holds, per cause event — and
 * every level an open case reached, once the escalation relay has read it, was planned to someone. Examples name
 * cases, levels and notification ids, never an address.
 */
export const notificationsCheck: InvariantCheck = {
  name: 'notifications-once',
  description: 'every notification exists once per (case, level, recipient, channel)',
  async run(context) {
    const [duplicates, missing] = await Promise.all([
      context.pool.query<{ n: number; examples: string[] | null }>(
        `WITH groups AS (
           SELECT kind, case_id, level, recipient_kind, channel, count(*) AS copies, array_agg(id::text ORDER BY created_at) AS ids
             FROM notifications
            GROUP BY kind, case_id, level, recipient_kind, recipient_id, channel, CASE WHEN kind = 'CASE_ESCALATED' THEN NULL ELSE cause_event_id END
           HAVING count(*) > 1)
         SELECT count(*)::int AS n,
                (array_agg(kind || ' case ' || coalesce(case_id::text, '-') || ' level ' || coalesce(level::text, '-') || ' ' || recipient_kind || ' ' || channel
                           || ': ' || copies || ' rows (' || array_to_string(ids[1:3], ', ') || ')'))[1:$1] AS examples
           FROM groups`,
        [context.examples],
      ),
      context.pool.query<{ n: number; examples: string[] | null }>(
        `SELECT count(*)::int AS n, (array_agg('case ' || (e.data->>'caseId') || ' level ' || (e.data->>'level') || ' notified to nobody' ORDER BY e.global_position))[1:$1] AS examples
           FROM events e
          WHERE e.type = 'EscalationLevelReached' AND ${appliedBySql('e', 'escalation-relay')}
            AND NOT EXISTS (SELECT 1 FROM events x WHERE x.stream_id = e.stream_id AND x.type IN ('CaseResolved', 'CaseClosed', 'CaseWaived'))
            AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.case_id = (e.data->>'caseId')::uuid AND n.kind = 'CASE_ESCALATED' AND n.level = (e.data->>'level')::int)
            AND e.stream_id = ${caseStreamIdSql("(e.data->>'caseId')")}`,
        [context.examples],
      ),
    ]);
    const d = duplicates.rows[0];
    const m = missing.rows[0];
    const detail = [d.n ? `${d.n} (case, level, recipient, channel) with more than one notification` : '', m.n ? `${m.n} level(s) of open cases with no notification` : '']
      .filter(Boolean)
      .join('; ');
    return resultOf(d.n + m.n, [...(d.examples ?? []), ...(m.examples ?? [])], context, detail || undefined);
  },
};
