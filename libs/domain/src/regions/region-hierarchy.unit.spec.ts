import { RegionHierarchy, vendoredRegions } from './region-hierarchy';

describe('RegionHierarchy', () => {
  const regions = vendoredRegions();

  it('knows every vendored level: provinces, regencies, South Sulawesi districts, Sinjai villages', () => {
    expect(regions.existence('73')).toBe('known');
    expect(regions.existence('73.07')).toBe('known');
    expect(regions.existence('31.71')).toBe('known');
    expect(regions.existence('73.07.06')).toBe('known');
    expect(regions.nameOf('73.07')).toBe('Kabupaten Sinjai');
  });

  it('refuses a code below a region whose children are vendored', () => {
    expect(regions.existence('73.07.99')).toBe('unknown');
    expect(regions.existence('73.99')).toBe('unknown');
    expect(regions.existence('99')).toBe('unknown');
    expect(regions.existence('73.07.06.2099')).toBe('unknown');
  });

  it('takes a code below a region whose children are not vendored, if that region exists', () => {
    expect(regions.existence('31.71.01')).toBe('not_vendored');
    expect(regions.existence('31.71.01.1001')).toBe('not_vendored');
    expect(regions.existence('31.99.01')).toBe('unknown');
  });

  it('answers from whatever hierarchy it is given (a newer edition)', () => {
    const next = new RegionHierarchy([
      { level: 'province', rows: [['73', 'Sulawesi Selatan']] },
      { level: 'regency', rows: [['73.07', 'Kabupaten Sinjai']] },
      { level: 'district', rows: [['73.07.10', 'Kecamatan Baru']] },
    ]);
    expect(next.existence('73.07.10')).toBe('known');
    expect(next.existence('73.07.01')).toBe('unknown');
  });
});
