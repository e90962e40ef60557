import type { Pool, PoolClient } from 'pg';
import type { RecordProcurementFact } from '../../construction-project.decider';
import { projectStreamIdSql } from '../../construction-project.events';

type Db = Pool | PoolClient;

/** An event that arrived before its project's registration, as held: normalised, personal data by reference. */
export interface HeldEvent {
  clientId: string;
  eventId: string;
  projectId: string;
  projectRef: string;
  requestHash: string;
  type: string;
  /** The source's own `occurredAt`, exactly as sent (the decider reads it, the order uses it). */
  occurredAt: string;
  fact: RecordProcurementFact;
  clientScopes: string[];
  correlationId: string;
}

/** Why a held event became a dead letter instead of an event on its project's stream. */
export type HeldEventDeadLetterKind = 'HELD_EVENT_EXPIRED' | 'HELD_EVENT_REFUSED';

export interface HeldEventDeadLetter {
  id: string;
  kind: HeldEventDeadLetterKind;
  held: Pick<HeldEvent, 'clientId' | 'eventId' | 'projectId' | 'clientScopes'>;
  /** A stable code (`project_cancelled`, `region_out_of_scope`, …), never a value from the event. */
  reason: string;
}

const fromRow = (r: Record<string, any>): HeldEvent => ({
  clientId: r.client_id,
  eventId: r.event_id,
  projectId: r.project_id,
  projectRef: r.project_ref,
  requestHash: r.request_hash,
  type: r.event_type,
  occurredAt: r.occurred_at_text,
  fact: r.fact,
  clientScopes: r.client_scopes,
  correlationId: r.correlation_id,
});

/** The held events of these projects, each project's in source order (`occurredAt`, then arrival). */
export async function heldEventsFor(db: Db, projectIds: readonly string[]): Promise<Map<string, HeldEvent[]>> {
  const byProject = new Map<string, HeldEvent[]>();
  if (projectIds.length === 0) return byProject;
  const { rows } = await db.query(`SELECT * FROM held_events WHERE project_id = ANY($1::uuid[]) ORDER BY project_id, occurred_at, arrival`, [projectIds]);
  for (const row of rows) {
    const held = fromRow(row);
    byProject.set(held.projectId, [...(byProject.get(held.projectId) ?? []), held]);
  }
  return byProject;
}

/** Which of a client's source event ids are held now, with their request hashes (idempotency across the hold). */
export async function findHeld(db: Db, clientId: string, eventIds: readonly string[]): Promise<Map<string, { requestHash: string; projectId: string }>> {
  if (eventIds.length === 0) return new Map();
  const { rows } = await db.query(`SELECT event_id, request_hash, project_id FROM held_events WHERE client_id = $1 AND event_id = ANY($2::text[])`, [clientId, eventIds]);
  return new Map(rows.map((r) => [r.event_id, { requestHash: r.request_hash, projectId: r.project_id }]));
}

/** Holds events; a key already held (a concurrent repeat) is left as it is. */
export async function holdEvents(tx: PoolClient, held: readonly HeldEvent[], heldAt: Date): Promise<void> {
  if (held.length === 0) return;
  await tx.query(
    `INSERT INTO held_events (client_id, event_id, project_id, project_ref, request_hash, event_type, occurred_at, occurred_at_text,
                              fact, client_scopes, correlation_id, held_at)
     SELECT h.client_id, h.event_id, h.project_id, h.project_ref, h.request_hash, h.event_type, h.occurred_at::timestamptz, h.occurred_at,
            h.fact, h.client_scopes, h.correlation_id, $2
       FROM jsonb_to_recordset($1::jsonb) AS h(client_id text, event_id text, project_id uuid, project_ref text, request_hash text,
                                               event_type text, occurred_at text, fact jsonb, client_scopes text[], correlation_id text)
      ORDER BY h.client_id COLLATE "C", h.event_id COLLATE "C"
     ON CONFLICT (client_id, event_id) DO NOTHING`,
    [
      JSON.stringify(
        held.map((h) => ({
          client_id: h.clientId,
          event_id: h.eventId,
          project_id: h.projectId,
          project_ref: h.projectRef,
          request_hash: h.requestHash,
          event_type: h.type,
          occurred_at: h.occurredAt,
          fact: h.fact,
          client_scopes: h.clientScopes,
          correlation_id: h.correlationId,
        })),
      ),
      heldAt,
    ],
  );
}

/**
 * Removes held events that were applied or dead-lettered. False when any of them was gone already: another writer
 * applied it first, and the caller's transaction must be decided again.
 */
export async function releaseHeld(tx: PoolClient, keys: readonly Pick<HeldEvent, 'clientId' | 'eventId'>[]): Promise<boolean> {
  if (keys.length === 0) return true;
  const { rowCount } = await tx.query(
    `DELETE FROM held_events h USING jsonb_to_recordset($1::jsonb) AS k(client_id text, event_id text)
      WHERE h.client_id = k.client_id AND h.event_id = k.event_id`,
    [JSON.stringify(keys.map((k) => ({ client_id: k.clientId, event_id: k.eventId })))],
  );
  return rowCount === keys.length;
}

/** Dead letters for held events (kind, reason, the client's region so its admins see it). */
export async function recordHeldDeadLetters(tx: PoolClient, letters: readonly HeldEventDeadLetter[], at: Date): Promise<void> {
  if (letters.length === 0) return;
  await tx.query(
    `INSERT INTO dead_letters (id, queue, job_id, project_id, reason, attempts, failed_at, kind, region_code)
     SELECT l.id, 'ingest', l.job_id, l.project_id, l.reason, 0, $2, l.kind, l.region_code
       FROM jsonb_to_recordset($1::jsonb) AS l(id uuid, job_id text, project_id uuid, reason text, kind text, region_code text)`,
    [
      JSON.stringify(
        letters.map((l) => ({
          id: l.id,
          job_id: `held-${l.held.clientId}-${l.held.eventId}`,
          project_id: l.held.projectId,
          reason: l.reason,
          kind: l.kind,
          region_code: l.held.clientScopes[0] ?? null,
        })),
      ),
      at,
    ],
  );
}

/** Held events older than `before`, oldest first, at most `limit`. */
export async function expiredHeldEvents(db: Db, before: Date, limit: number): Promise<HeldEvent[]> {
  const { rows } = await db.query(`SELECT * FROM held_events WHERE held_at < $1 ORDER BY held_at LIMIT $2`, [before, limit]);
  return rows.map(fromRow);
}

/** Projects with held events whose registration is in the log: what a drain must apply. */
export async function registeredProjectsWithHeldEvents(db: Db, limit: number): Promise<string[]> {
  const { rows } = await db.query(
    `SELECT DISTINCT h.project_id FROM held_events h
      WHERE EXISTS (SELECT 1 FROM events e WHERE e.stream_id = ${projectStreamIdSql('h.project_id')} AND e.stream_version = 1)
      LIMIT $1`,
    [limit],
  );
  return rows.map((r) => r.project_id);
}
