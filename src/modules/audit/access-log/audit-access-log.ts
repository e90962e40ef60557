import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@sinergi/auth';
import { CLOCK, type Clock, DomainError } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';

export type AuditAction = 'history' | 'search' | 'export' | 'verify' | 'checkpoints';
/** `ok` / `not_found` for a read; an export records `started`, then `completed` or `aborted` under the same access id. */
export type AuditOutcome = 'ok' | 'not_found' | 'started' | 'completed' | 'aborted';

export interface AuditAccess {
  /** One id per request: an export's rows and the reveals of personal data share it. */
  accessId: string;
  reader: Principal;
  action: AuditAction;
  outcome: AuditOutcome;
  /** The request's filters as validated (never personal data). */
  filters: Record<string, unknown>;
  resultCount?: number | null;
  /** SHA-256 of what was sent, for exports. */
  digest?: string | null;
  correlationId?: string | null;
}

/**
 * Who looked (issue 6 item 5): every audit read and export, and every reveal of personal data to a `pii:read`
 * reader, as rows of the append-only `audit_access_log`. A read is answered only once its row is committed.
 */
@Injectable()
export class AuditAccessLog {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Records the access and, when personal data was shown, one `pii` row naming the references revealed. */
  async record(access: AuditAccess, revealedRefs: readonly string[] = []): Promise<void> {
    const rows = [this.row(access, access.action, null)];
    if (revealedRefs.length) rows.push(this.row(access, 'pii', [...new Set(revealedRefs)]));
    await this.insert(rows);
  }

  /** Records personal data shown during a longer access (an export, batch by batch). */
  async recordReveal(access: AuditAccess, revealedRefs: readonly string[]): Promise<void> {
    if (revealedRefs.length) await this.insert([this.row(access, 'pii', [...new Set(revealedRefs)])]);
  }

  /**
   * Validates a request with `parse`; a request refused as out of scope (404) is itself a look worth recording, with
   * the parameters it tried. Malformed requests (400) are not recorded.
   */
  async parseOrRecord<T>(
    parse: () => T,
    request: { accessId: string; reader: Principal; action: AuditAction; query: Record<string, unknown>; correlationId: string | null },
  ): Promise<T> {
    try {
      return parse();
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'not_found') {
        const filters = Object.fromEntries(Object.entries(request.query).filter(([, v]) => typeof v === 'string'));
        await this.record({ ...request, outcome: 'not_found', filters, resultCount: 0 });
      }
      throw error;
    }
  }

  private async insert(rows: Record<string, unknown>[]): Promise<void> {
    await this.pool.query(
      `INSERT INTO audit_access_log (access_id, at, actor_sub, actor_name, roles, regions, permissions, action, outcome, filters, result_count, digest, personal_refs, correlation_id)
       SELECT access_id, at, actor_sub, actor_name, ARRAY(SELECT jsonb_array_elements_text(roles)), ARRAY(SELECT jsonb_array_elements_text(regions)),
              ARRAY(SELECT jsonb_array_elements_text(permissions)), action, outcome, filters, result_count, digest,
              CASE WHEN personal_refs IS NULL THEN NULL ELSE ARRAY(SELECT jsonb_array_elements_text(personal_refs)) END, correlation_id
         FROM jsonb_to_recordset($1::jsonb) AS r(access_id uuid, at timestamptz, actor_sub text, actor_name text, roles jsonb, regions jsonb,
              permissions jsonb, action text, outcome text, filters jsonb, result_count bigint, digest text, personal_refs jsonb, correlation_id text)
        ORDER BY action = 'pii'`,
      [JSON.stringify(rows)],
    );
  }

  private row(access: AuditAccess, action: string, personalRefs: string[] | null) {
    return {
      access_id: access.accessId,
      at: this.clock.now().toISOString(),
      actor_sub: access.reader.sub,
      actor_name: access.reader.name,
      roles: access.reader.roles,
      regions: access.reader.regions,
      permissions: access.reader.permissions,
      action,
      outcome: access.outcome,
      filters: access.filters,
      result_count: access.resultCount ?? null,
      digest: access.digest ?? null,
      personal_refs: personalRefs,
      correlation_id: access.correlationId ?? null,
    };
  }
}
