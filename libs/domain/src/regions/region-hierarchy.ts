import { parentRegionCode, type RegionLevel } from '../identifiers';
import southSulawesiDistricts from './data/districts-73.json';
import provinces from './data/provinces.json';
import regencies from './data/regencies.json';
import sinjaiVillages from './data/villages-73.07.json';

/** Which edition of Kemendagri's codes is vendored (data/SOURCE.md); Kemendagri re-issues them as regions split. */
export const REGION_HIERARCHY_VERSION = 'Kepmendagri 300.2.2-2138/2025 (idn-area-data 4.0.1)';

/**
 * The vendored region hierarchy, parents first: all provinces and regencies/cities of Indonesia, every district of
 * South Sulawesi, every village of Sinjai. A row's parent is its code without the last segment.
 */
export const VENDORED_REGIONS: ReadonlyArray<{ level: RegionLevel; rows: ReadonlyArray<readonly [code: string, name: string]> }> = [
  { level: 'province', rows: provinces as [string, string][] },
  { level: 'regency', rows: regencies as [string, string][] },
  { level: 'district', rows: southSulawesiDistricts as [string, string][] },
  { level: 'village', rows: sinjaiVillages as [string, string][] },
];

/** Whether a region code names a region, as far as the vendored codes can tell. */
export type RegionExistence = 'known' | 'unknown' | 'not_vendored';

/**
 * Answers from the vendored codes whether a region exists. Below a region whose children are vendored, only those
 * children exist (`73.07.99` does not); below one whose children are not (a district of Jakarta), a code is
 * `not_vendored`: it is taken on the source's word as long as its parent exists.
 */
export class RegionHierarchy {
  private readonly names = new Map<string, string>();
  private readonly parentsWithChildren = new Set<string>();

  constructor(levels: typeof VENDORED_REGIONS = VENDORED_REGIONS) {
    for (const { rows } of levels) {
      for (const [code, name] of rows) {
        this.names.set(code, name);
        const parent = parentRegionCode(code);
        if (parent) this.parentsWithChildren.add(parent);
      }
    }
  }

  existence(code: string): RegionExistence {
    if (this.names.has(code)) return 'known';
    const parent = parentRegionCode(code);
    if (parent === null || this.parentsWithChildren.has(parent)) return 'unknown';
    // The parent's children are not vendored: the code stands if its parent does.
    return this.existence(parent) === 'unknown' ? 'unknown' : 'not_vendored';
  }

  nameOf(code: string): string | null {
    return this.names.get(code) ?? null;
  }
}

let vendored: RegionHierarchy | null = null;

/** The hierarchy built from the vendored codes, made once. */
export const vendoredRegions = (): RegionHierarchy => (vendored ??= new RegionHierarchy());
