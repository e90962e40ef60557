import { parentRegionCode, VENDORED_REGIONS } from '@sinergi/domain';

/** Lower case, accents and punctuation gone, single spaces: `Kec. Sinjai  Utara` → `kec sinjai utara`. */
function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Finds the district a work location names, among the regency's districts the vendored hierarchy knows: matched
 * by whole words, case-insensitively (`Kec. Sinjai Utara`, `SINJAI UTARA, Kab. Sinjai`). A location that names
 * none, or several, is the regency's: a guess between two districts would count coverage in the wrong one.
 */
export class DistrictLocator {
  private readonly districts: { code: string; name: string }[];

  constructor(
    readonly regencyCode: string,
    levels: typeof VENDORED_REGIONS = VENDORED_REGIONS,
  ) {
    const rows = levels.find((l) => l.level === 'district')?.rows ?? [];
    this.districts = rows
      .filter(([code]) => parentRegionCode(code) === regencyCode)
      .map(([code, name]) => ({ code, name: normalise(name) }))
      .filter((d) => d.name.length > 0)
      // Longest first, so `sinjai utara` is taken before a shorter name inside it.
      .sort((a, b) => b.name.length - a.name.length);
  }

  /** The district code, or the regency's when the location names no single district. */
  locate(locations: readonly string[]): string {
    let haystack = ` ${normalise(locations.join(' ; '))} `;
    const found = new Set<string>();
    for (const d of this.districts) {
      const needle = ` ${d.name} `;
      if (!haystack.includes(needle)) continue;
      found.add(d.code);
      // A name inside a longer one already taken is not a second district.
      haystack = haystack.split(needle).join(' | ');
    }
    return found.size === 1 ? [...found][0] : this.regencyCode;
  }
}
