import { todayWita } from '@sinergi/domain';
import { SetCoverageTargetCommand } from './set-coverage-target/set-coverage-target.command';
import type { CoverageTargetView, SetCoverageTargetHandler } from './set-coverage-target/set-coverage-target.handler';

/** Kabupaten Sinjai's target (docs/domain.md): coverage about 40 % by projects, target +20 points. */
export const SINJAI_TARGET = { regionCode: '73.07', metric: 'projects', targetPercent: 60 } as const;

/**
 * Local mode only (`start:local`): sets Sinjai's target through the same handler as the admin's PUT, so it is a
 * CoverageTargetSet event like any other (actor `system` / `start:local`), with the deadline at the end of next year
 * (WITA). Does nothing once the region's target was ever set, so an admin's change is never overwritten.
 * Returns the target set, or null when there already was one.
 */
export async function seedSinjaiTarget(handler: SetCoverageTargetHandler, now: Date): Promise<CoverageTargetView | null> {
  const { regionCode, metric, targetPercent } = SINJAI_TARGET;
  if (await handler.hasTarget(regionCode)) return null;
  const deadline = `${Number(todayWita(now).slice(0, 4)) + 1}-12-31`;
  return handler.execute(new SetCoverageTargetCommand(regionCode, { metric, targetPercent, deadline }, { kind: 'system', id: 'start:local' }, `start-local-seed-${regionCode}`));
}
