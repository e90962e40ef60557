import { parseRegionCode } from '@sinergi/domain';
import { ALL_REGIONS } from './principal';

/**
 * A SQL condition that `column` lies within `regions` by whole segments, as `canSeeRegion` decides it ('73.07'
 * covers '73.07' and '73.07.05', not '73.070'). Pushes its parameters onto `params`. No valid scope sees nothing.
 * The one SQL form of a principal's region scope: cases, inbox, dead letters, parked events and coverage use it.
 */
export function withinRegionsSql(column: string, regions: readonly string[], params: unknown[]): string {
  if (regions.includes(ALL_REGIONS)) return 'TRUE';
  const prefixes = regions.filter((r) => parseRegionCode(r) !== null);
  if (prefixes.length === 0) return 'FALSE';
  params.push(prefixes, prefixes.map((p) => `${p}.%`));
  return `(${column} = ANY($${params.length - 1}::text[]) OR ${column} LIKE ANY($${params.length}::text[]))`;
}
