import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, type Clock, invalid } from '@sinergi/common';
import { PG_POOL } from '@sinergi/database';
import { CommandHandler as streamCommandHandler, EventStore } from '@sinergi/event-store';
import type { Pool } from 'pg';
import { SetCoverageTargetCommand } from './set-coverage-target.command';
import { RegionsRepository } from '../../regions/regions.repository';
import { coverageTargetModel, decideCoverageTarget, parseTargetBody } from '../coverage-target.decider';
import { coverageTargetStreamId, type TargetMetric } from '../coverage-target.events';
import { todayWita } from '@sinergi/domain';

const handleTarget = streamCommandHandler(coverageTargetModel);

/** The target in force, as the PUT answers it. */
export interface CoverageTargetView {
  regionCode: string;
  metric: TargetMetric;
  targetPercent: number;
  deadline: string;
  setBy: string;
  setAt: string;
  /** Version of the region's target stream: how many times the target was set. */
  version: number;
}

/**
 * Sets a region's coverage target (docs/api.md): load the region's target stream → decide → append, and write the
 * `coverage_targets` row in the same transaction. Scope and role are the controller's; the region must be known.
 */
@CommandHandler(SetCoverageTargetCommand)
export class SetCoverageTargetHandler implements ICommandHandler<SetCoverageTargetCommand> {
  constructor(
    private readonly store: EventStore,
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly regions: RegionsRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ regionCode, body, actor, correlationId }: SetCoverageTargetCommand): Promise<CoverageTargetView> {
    const now = this.clock.now();
    const today = todayWita(now);
    if (!(await this.regions.isKnown(regionCode))) {
      throw invalid('unknown_region', `${regionCode} is not a known region`, [{ path: 'regionCode', code: 'unknown_region', message: `${regionCode} is not in the region hierarchy` }]);
    }
    const fields = parseTargetBody(body, regionCode, today);
    const streamId = coverageTargetStreamId(regionCode);
    return handleTarget<CoverageTargetView>({ store: this.store, pool: this.pool }, streamId, ({ state, head }) => {
      const decided = decideCoverageTarget({ type: 'SetCoverageTarget', regionCode, ...fields, setBy: actor.id, now: now.toISOString(), today }, state);
      if (decided.length === 0) return { events: [], result: { ...state!, version: head.version } };
      const target = decided[decided.length - 1].data;
      return {
        events: decided,
        metadata: { actor, correlationId, regionCode },
        write: async (tx, appended) => {
          const version = appended[appended.length - 1].streamVersion;
          await tx.query(
            `INSERT INTO coverage_targets (region_code, metric, target_percent, deadline, set_by, set_at, stream_version)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (region_code) DO UPDATE SET metric = EXCLUDED.metric, target_percent = EXCLUDED.target_percent,
               deadline = EXCLUDED.deadline, set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at, stream_version = EXCLUDED.stream_version`,
            [regionCode, target.metric, target.targetPercent, target.deadline, target.setBy, target.setAt, version],
          );
          return { ...target, version };
        },
      };
    });
  }

  /** Whether the region's target was ever set (its stream has events). */
  async hasTarget(regionCode: string): Promise<boolean> {
    return (await this.store.readStream(coverageTargetStreamId(regionCode))).head.version > 0;
  }
}
