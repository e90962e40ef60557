import { type InvariantCheck, resultOf } from '../invariant';

/**
 * Every event a procurement client was answered 2xx for is in the log exactly once: each idempotency record points
 * at an event that is there, where the record says; no two records share an event; every event appended for a
 * source event has its record (else a repeat would be appended again) and came in one transaction (not twice); and
 * no source event is both held and in the log. Events still held, or turned into dead letters, are not in the log
 * by design.
 */
export const acknowledgedEventsCheck: InvariantCheck = {
  name: 'acknowledged-events-logged-once',
  description: 'every event acknowledged with 2xx is in the log exactly once (against the idempotency records)',
  async run(context) {
    const limit = context.examples;
    const parts = await Promise.all([
      context.pool.query<{ n: number; examples: string[] | null }>(
        `SELECT count(*)::int AS n, (array_agg(i.scope || '/' || i.key ORDER BY i.created_at DESC))[1:$1] AS examples
           FROM idempotency_keys i LEFT JOIN events e ON e.event_id = i.event_id
          WHERE e.event_id IS NULL OR e.stream_id <> i.stream_id OR e.stream_version <> i.stream_version OR e.global_position <> i.global_position`,
        [limit],
      ),
      context.pool.query<{ n: number; examples: string[] | null }>(
        `SELECT count(*)::int AS n, (array_agg(event_id::text))[1:$1] AS examples
           FROM (SELECT event_id FROM idempotency_keys GROUP BY event_id HAVING count(*) > 1) d`,
        [limit],
      ),
      context.pool.query<{ n: number; examples: string[] | null }>(
        `WITH sourced AS (
           SELECT e.metadata->'actor'->>'id' AS scope, e.metadata->>'sourceEventId' AS key,
                  count(DISTINCT e.transaction_id) AS transactions, min(e.global_position) AS first
             FROM events e
            WHERE e.metadata->'actor'->>'kind' = 'client' AND e.metadata ? 'sourceEventId'
            GROUP BY 1, 2)
         SELECT count(*)::int AS n, (array_agg(scope || '/' || key ORDER BY first))[1:$1] AS examples FROM sourced WHERE transactions > 1`,
        [limit],
      ),
      context.pool.query<{ n: number; examples: string[] | null }>(
        `SELECT count(*)::int AS n, (array_agg(s.scope || '/' || s.key))[1:$1] AS examples
           FROM (SELECT DISTINCT e.metadata->'actor'->>'id' AS scope, e.metadata->>'sourceEventId' AS key
                   FROM events e WHERE e.metadata->'actor'->>'kind' = 'client' AND e.metadata ? 'sourceEventId') s
          WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys i WHERE i.scope = s.scope AND i.key = s.key)`,
        [limit],
      ),
      context.pool.query<{ n: number; examples: string[] | null }>(
        `SELECT count(*)::int AS n, (array_agg(h.client_id || '/' || h.event_id))[1:$1] AS examples
           FROM held_events h JOIN idempotency_keys i ON i.scope = h.client_id AND i.key = h.event_id`,
        [limit],
      ),
    ]);
    const kinds = [
      'record without its event (or pointing elsewhere)',
      'event shared by several records',
      'source event appended more than once',
      'source event in the log without its record',
      'source event both held and in the log',
    ];
    const found = parts.map((p, i) => ({ kind: kinds[i], n: p.rows[0].n, examples: p.rows[0].examples ?? [] }));
    const violations = found.reduce((n, f) => n + f.n, 0);
    const examples = found.flatMap((f) => f.examples.map((e) => `${e} (${f.kind})`));
    const detail = violations ? found.filter((f) => f.n > 0).map((f) => `${f.n} ${f.kind}`).join('; ') : undefined;
    return resultOf(violations, examples, context, detail);
  },
};
