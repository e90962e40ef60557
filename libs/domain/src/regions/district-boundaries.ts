import sinjai from './data/district-boundaries-73.07.json';

/** A district's outline: polygons of rings of `[longitude, latitude]` (WGS 84), as GeoJSON orders them. */
export interface DistrictBoundary {
  code: string;
  name: string;
  polygons: ReadonlyArray<ReadonlyArray<ReadonlyArray<readonly [number, number]>>>;
}

/** Where the vendored outlines come from (data/BOUNDARIES.md): shown under the map, as the MIT licence asks. */
export const DISTRICT_BOUNDARIES_SOURCE = 'Batas kecamatan: cahyadsn/wilayah_boundaries (MIT), disederhanakan';

const VENDORED: Record<string, readonly DistrictBoundary[]> = {
  '73.07': sinjai as unknown as DistrictBoundary[],
};

/** The districts of a regency with vendored outlines (Kabupaten Sinjai only), or an empty list. */
export const districtBoundaries = (regencyCode: string): readonly DistrictBoundary[] => VENDORED[regencyCode] ?? [];
