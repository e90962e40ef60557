import { NATIONAL_REGION_CODE, parseRegionCode } from '@sinergi/domain';
import { coversCountry } from './principal';

/**
 * A SQL condition that `column` lies within `regions` by whole segments, as `canSeeRegion` decides it ('73.07'
 * covers '73.07' and '73.07.05', not '73.070'). Pushes its parameters onto `params`. No valid scope sees nothing.
 * The one SQL form of a principal's region scope: cases, inbox, dead letters, parked events and coverage use it.
 */
export function withinRegionsSql(column: string, regions: readonly string[], params: unknown[]): string {
  if (coversCountry(regions)) return 'TRUE';
  const prefixes = regions.filter((r) => parseRegionCode(r) !== null);
  if (prefixes.length === 0) return 'FALSE';
  params.push(prefixes, prefixes.map((p) => `${p}.%`));
  return `(${column} = ANY($${params.length - 1}::text[]) OR ${column} LIKE ANY($${params.length}::text[]))`;
}

/**
 * A SQL condition that `column` is one region or lies below it, with the code and its `belowPattern` as two
 * parameters (placeholders such as `$1`, `$2`): the "C"-collated btree serves both the equality and the prefix.
 */
export const inRegionSql = (column: string, codeParam: string, patternParam: string) => `(${column} = ${codeParam} OR ${column} LIKE ${patternParam})`;

/**
 * A region's LIKE pattern for everything below it; for 'ID' (the whole country) every code. Region codes hold digits
 * and dots only, so nothing to escape.
 */
export const belowPattern = (code: string) => (code === NATIONAL_REGION_CODE ? '%' : `${code}.%`);
