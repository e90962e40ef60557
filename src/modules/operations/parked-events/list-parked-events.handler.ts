import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { PG_POOL } from '@sinergi/database';
import type { Pool } from 'pg';
import { ListParkedEventsQuery, type ParkedEventView } from './list-parked-events.query';
import { withinRegionsSql } from '@sinergi/auth';

@QueryHandler(ListParkedEventsQuery)
export class ListParkedEventsHandler implements IQueryHandler<ListParkedEventsQuery, { items: ParkedEventView[] }> {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async execute({ principal, limit, consumer }: ListParkedEventsQuery): Promise<{ items: ParkedEventView[] }> {
    const params: unknown[] = [];
    const conditions = [withinRegionsSql('region_code', principal.regions, params)];
    if (consumer !== null) {
      params.push(consumer);
      conditions.push(`consumer = $${params.length}`);
    }
    params.push(limit);
    const { rows } = await this.pool.query(
      `SELECT consumer, global_position::text AS global_position, event_id, stream_id, event_type, region_code, attempts,
              error_type, error_code, error_message, parked_at
         FROM parked_events WHERE ${conditions.join(' AND ')}
        ORDER BY parked_at DESC, global_position DESC LIMIT $${params.length}`,
      params,
    );
    return {
      items: rows.map((r) => ({
        consumer: r.consumer,
        globalPosition: r.global_position,
        eventId: r.event_id,
        streamId: r.stream_id,
        type: r.event_type,
        regionCode: r.region_code,
        attempts: r.attempts,
        error: { type: r.error_type, code: r.error_code, message: r.error_message },
        parkedAt: r.parked_at.toISOString(),
      })),
    };
  }
}
