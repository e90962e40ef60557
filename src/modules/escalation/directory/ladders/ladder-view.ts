import { invalid } from '@sinergi/common';
import { isLadderRegion } from '../../ladder/escalation-ladder';
import type { StoredLadder } from '../ladder.repository';

/** A ladder as the admin API answers it: `appliesTo` is the region asked about; `inherited` says the ladder belongs to an ancestor. */
export interface LadderView {
  regionCode: string;
  version: number;
  levels: StoredLadder['levels'];
  appliesTo: string;
  inherited: boolean;
  createdAt: string;
  createdBy: string | null;
}

export function ladderView(ladder: StoredLadder, appliesTo: string): LadderView {
  return {
    regionCode: ladder.regionCode,
    version: ladder.version,
    levels: ladder.levels,
    appliesTo,
    inherited: ladder.regionCode !== appliesTo,
    createdAt: ladder.createdAt,
    createdBy: ladder.createdBy,
  };
}

/** The path's region code (or 'ID', the national default), or a 400 naming it. */
export function checkLadderRegionCode(regionCode: string): void {
  if (!isLadderRegion(regionCode)) {
    throw invalid('invalid_region_code', 'regionCode must be a region code such as 73.07, or ID', [
      { path: 'regionCode', code: 'invalid_region_code', message: 'regionCode must be a region code such as 73.07, or ID for the national default' },
    ]);
  }
}
