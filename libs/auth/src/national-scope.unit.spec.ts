import { canSeeRegion, isRegionScope } from './principal';
import { belowPattern, withinRegionsSql } from './region-scope.sql';

describe("the national scope 'ID'", () => {
  const ministry = { regions: ['ID'] };

  it('is a scope; it sees every region and ID itself, which no province or regency scope sees', () => {
    expect(isRegionScope('ID')).toBe(true);
    expect(isRegionScope('IDN')).toBe(false);
    for (const code of ['ID', '11', '73.07', '73.07.05.2001']) expect(canSeeRegion(ministry, code)).toBe(true);
    expect(canSeeRegion(ministry, 'not-a-code')).toBe(false);
    expect(canSeeRegion({ regions: ['*'] }, 'ID')).toBe(true);
    expect(canSeeRegion({ regions: ['73'] }, 'ID')).toBe(false);
    expect(canSeeRegion({ regions: ['73.07'] }, 'ID')).toBe(false);
  });

  it('needs no SQL filter, and below ID is every code', () => {
    const params: unknown[] = [];
    expect(withinRegionsSql('region_code', ['ID'], params)).toBe('TRUE');
    expect(params).toEqual([]);
    expect(belowPattern('ID')).toBe('%');
    expect(belowPattern('73.07')).toBe('73.07.%');
  });
});
