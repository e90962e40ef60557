import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';

/** A row a connector could not turn into an event, or whose event the ingest refused: identifiers and codes only. */
export interface ConnectorReject {
  connector: string;
  endpoint: string;
  rowKey: string;
  fiscalYear: number;
  sourceRef: string | null;
  eventId: string | null;
  kind: 'UNMAPPABLE' | 'REFUSED';
  reason: string;
  status: number | null;
  errors: { path: string; code: string }[];
  regionCode: string;
}

/** The tables of pull connectors (migration 17): cursors, runs, rejects; and the lock that keeps one run at a time. */
export class ConnectorRepository {
  constructor(private readonly pool: Pool) {}

  /**
   * A session-level advisory lock per connector, on a connection of its own held for the run: one run at a time
   * across every worker and the CLI. Null when another holds it; `wait` polls until it is free or the time is up.
   */
  async lock(connector: string, waitMs = 0): Promise<{ release: () => Promise<void> } | null> {
    const client = await this.pool.connect();
    const deadline = Date.now() + waitMs;
    try {
      for (;;) {
        const { rows } = await client.query(`SELECT pg_try_advisory_lock(hashtext('sinergi-connector'), hashtext($1)) AS locked`, [connector]);
        if (rows[0].locked) break;
        if (Date.now() >= deadline) {
          client.release();
          return null;
        }
        await new Promise((r) => setTimeout(r, Math.min(1000, Math.max(10, deadline - Date.now()))));
      }
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    return {
      release: async () => {
        try {
          await client.query(`SELECT pg_advisory_unlock(hashtext('sinergi-connector'), hashtext($1))`, [connector]);
          client.release();
        } catch (error) {
          // The connection is gone, and the lock with it.
          client.release(error as Error);
        }
      },
    };
  }

  async cursor(connector: string, endpoint: string, fiscalYear: number): Promise<string | null> {
    const { rows } = await this.pool.query(
      'SELECT cursor FROM connector_cursors WHERE connector = $1 AND endpoint = $2 AND fiscal_year = $3',
      [connector, endpoint, fiscalYear],
    );
    return rows[0]?.cursor ?? null;
  }

  /** Where the next pull of (endpoint, year) starts; `succeededAt` when this pull reached the end. */
  async saveCursor(connector: string, endpoint: string, fiscalYear: number, cursor: string | null, succeededAt: Date | null): Promise<void> {
    await this.pool.query(
      `INSERT INTO connector_cursors (connector, endpoint, fiscal_year, cursor, last_success_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (connector, endpoint, fiscal_year)
       DO UPDATE SET cursor = EXCLUDED.cursor, last_success_at = COALESCE(EXCLUDED.last_success_at, connector_cursors.last_success_at), updated_at = now()`,
      [connector, endpoint, fiscalYear, cursor, succeededAt],
    );
  }

  /** The last pull of each endpoint that reached its end (any year): the metric's value. */
  async lastSuccesses(): Promise<{ connector: string; endpoint: string; at: Date }[]> {
    const { rows } = await this.pool.query(
      `SELECT connector, endpoint, max(last_success_at) AS at FROM connector_cursors WHERE last_success_at IS NOT NULL GROUP BY connector, endpoint`,
    );
    return rows.map((r) => ({ connector: r.connector, endpoint: r.endpoint, at: r.at }));
  }

  async startRun(run: { id: string; connector: string; trigger: 'schedule' | 'cli'; fiscalYears: number[]; startedAt: Date }): Promise<void> {
    await this.pool.query(
      `INSERT INTO connector_runs (id, connector, trigger, fiscal_years, status, started_at) VALUES ($1, $2, $3, $4, 'RUNNING', $5)`,
      [run.id, run.connector, run.trigger, run.fiscalYears, run.startedAt],
    );
  }

  async finishRun(id: string, status: 'SUCCEEDED' | 'FAILED', report: unknown, finishedAt: Date): Promise<void> {
    await this.pool.query(`UPDATE connector_runs SET status = $2, report = $3, finished_at = $4 WHERE id = $1`, [id, status, JSON.stringify(report), finishedAt]);
  }

  /** Records rejects, one row per (connector, endpoint, row): a row seen again counts up and re-opens. */
  async recordRejects(rejects: readonly ConnectorReject[], runId: string, at: Date): Promise<void> {
    if (rejects.length === 0) return;
    // One statement; the same row twice in one batch keeps the last.
    const unique = [...new Map(rejects.map((r) => [`${r.connector}\u0000${r.endpoint}\u0000${r.rowKey}`, r])).values()];
    await this.pool.query(
      `INSERT INTO connector_rejects (id, connector, endpoint, row_key, fiscal_year, source_ref, event_id, kind, reason, status, errors,
                                      region_code, first_seen_at, last_seen_at, last_run_id)
       SELECT r.id, r.connector, r.endpoint, r.row_key, r.fiscal_year, r.source_ref, r.event_id, r.kind, r.reason, r.status, r.errors,
              r.region_code, $2, $2, $3
         FROM jsonb_to_recordset($1::jsonb) AS r(id uuid, connector text, endpoint text, row_key text, fiscal_year integer, source_ref text,
                                                  event_id text, kind text, reason text, status integer, errors jsonb, region_code text)
       ON CONFLICT (connector, endpoint, row_key) DO UPDATE SET
         fiscal_year = EXCLUDED.fiscal_year, source_ref = EXCLUDED.source_ref, event_id = EXCLUDED.event_id, kind = EXCLUDED.kind,
         reason = EXCLUDED.reason, status = EXCLUDED.status, errors = EXCLUDED.errors, region_code = EXCLUDED.region_code,
         times_seen = connector_rejects.times_seen + 1, last_seen_at = EXCLUDED.last_seen_at, last_run_id = EXCLUDED.last_run_id,
         resolved_at = NULL`,
      [
        JSON.stringify(
          unique.map((r) => ({
            id: randomUUID(),
            connector: r.connector,
            endpoint: r.endpoint,
            row_key: r.rowKey,
            fiscal_year: r.fiscalYear,
            source_ref: r.sourceRef,
            event_id: r.eventId,
            kind: r.kind,
            reason: r.reason,
            status: r.status,
            errors: r.errors,
            region_code: r.regionCode,
          })),
        ),
        at,
        runId,
      ],
    );
  }

  /** Rows recorded as rejected whose event has now been accepted (fixed at the source, or a refusal that passed). */
  async resolveRejects(connector: string, endpoint: string, rowKeys: readonly string[], at: Date): Promise<number> {
    if (rowKeys.length === 0) return 0;
    const { rowCount } = await this.pool.query(
      `UPDATE connector_rejects SET resolved_at = $4
        WHERE connector = $1 AND endpoint = $2 AND row_key = ANY($3::text[]) AND resolved_at IS NULL`,
      [connector, endpoint, rowKeys, at],
    );
    return rowCount ?? 0;
  }

  /** Which of these project streams hold a registration. */
  async registeredStreams(streamIds: readonly string[]): Promise<Set<string>> {
    if (streamIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ stream_id: string }>(
      `SELECT stream_id FROM events WHERE stream_id = ANY($1::text[]) AND stream_version = 1`,
      [streamIds],
    );
    return new Set(rows.map((r) => r.stream_id));
  }

  /** The procurement client's row as the connector needs it (null when absent). */
  async clientRow(id: string, db: Pool | PoolClient = this.pool): Promise<{ sourceSystem: string; regionScopes: string[]; disabled: boolean } | null> {
    const { rows } = await db.query(`SELECT source_system, region_scopes, disabled_at FROM procurement_clients WHERE id = $1`, [id]);
    return rows.length ? { sourceSystem: rows[0].source_system, regionScopes: rows[0].region_scopes, disabled: rows[0].disabled_at !== null } : null;
  }

  /** The connector's configuration names the client's scope: INAPROC_REGION moved, so does the client. */
  async setClientScopes(id: string, regionScopes: string[]): Promise<void> {
    await this.pool.query(`UPDATE procurement_clients SET region_scopes = $2, updated_at = now() WHERE id = $1`, [id, regionScopes]);
  }
}
