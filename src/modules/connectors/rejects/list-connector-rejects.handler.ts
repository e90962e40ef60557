import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { withinRegionsSql } from '@sinergi/auth';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { type ConnectorRejectView, ListConnectorRejectsQuery } from './list-connector-rejects.query';

@QueryHandler(ListConnectorRejectsQuery)
export class ListConnectorRejectsHandler implements IQueryHandler<ListConnectorRejectsQuery, { items: ConnectorRejectView[] }> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async execute({ principal, limit, filters }: ListConnectorRejectsQuery): Promise<{ items: ConnectorRejectView[] }> {
    const params: unknown[] = [];
    const conditions = [withinRegionsSql('region_code', principal.regions, params)];
    if (filters.status === 'open') conditions.push('resolved_at IS NULL');
    if (filters.status === 'resolved') conditions.push('resolved_at IS NOT NULL');
    for (const [column, value] of [['connector', filters.connector], ['endpoint', filters.endpoint]] as const) {
      if (value === null) continue;
      params.push(value);
      conditions.push(`${column} = $${params.length}`);
    }
    params.push(limit);
    const { rows } = await this.pool.query(
      `SELECT id, connector, endpoint, fiscal_year, row_key, source_ref, event_id, kind, reason, status, errors, region_code,
              times_seen, first_seen_at, last_seen_at, resolved_at
         FROM connector_rejects WHERE ${conditions.join(' AND ')}
        ORDER BY last_seen_at DESC, id LIMIT $${params.length}`,
      params,
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        connector: r.connector,
        endpoint: r.endpoint,
        fiscalYear: r.fiscal_year,
        rowKey: r.row_key,
        sourceRef: r.source_ref,
        eventId: r.event_id,
        kind: r.kind,
        reason: r.reason,
        status: r.status,
        errors: r.errors,
        regionCode: r.region_code,
        timesSeen: r.times_seen,
        firstSeenAt: r.first_seen_at.toISOString(),
        lastSeenAt: r.last_seen_at.toISOString(),
        resolvedAt: r.resolved_at ? r.resolved_at.toISOString() : null,
      })),
    };
  }
}
