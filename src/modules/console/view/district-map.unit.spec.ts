import { districtBoundaries } from '@sinergi/domain';
import { coverageBand, districtMap, projectDistricts } from './district-map';

describe('the district map', () => {
  it('has the vendored outlines of all nine districts of Sinjai, and none elsewhere', () => {
    expect(districtBoundaries('73.07').map((b) => b.code)).toEqual(['73.07.01', '73.07.02', '73.07.03', '73.07.04', '73.07.05', '73.07.06', '73.07.07', '73.07.08', '73.07.09']);
    for (const b of districtBoundaries('73.07')) {
      for (const [lng, lat] of b.polygons.flat(2)) {
        // Kabupaten Sinjai lies about 119.8–120.5° E, 5.0–5.4° S.
        expect(lng).toBeGreaterThan(119.7);
        expect(lng).toBeLessThan(120.6);
        expect(lat).toBeGreaterThan(-5.5);
        expect(lat).toBeLessThan(-4.9);
      }
    }
    expect(districtBoundaries('73.06')).toEqual([]);
  });

  it('projects the outlines into the box, north up and proportions kept', () => {
    const { width, height, paths } = projectDistricts(districtBoundaries('73.07'));
    expect(width).toBe(600);
    expect(height).toBeGreaterThan(300);
    const numbers = [...paths.values()].join('').match(/-?\d+(\.\d+)?/g)!.map(Number);
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(Math.max(width, height));
  });

  it('colours by band and names each district with its figures', () => {
    expect([null, 0, 24.9, 25, 50, 74.9, 75, 100].map((p) => coverageBand(p).key)).toEqual(['none', 'low', 'low', 'mid', 'high', 'high', 'top', 'top']);
    const markup = districtMap('73.07', 'Kabupaten Sinjai', [
      { regionCode: '73.07.05', name: 'Sinjai Utara', percent: 40, registered: 2, total: 5 },
      { regionCode: '73.07.09', name: 'Pulau Sembilan', percent: null, registered: 0, total: 0 },
    ]).value;
    expect(markup).toContain('<a href="/console/regions/73.07.05" aria-label="Sinjai Utara: 40,0 % proyek terdaftar (2 dari 5)"><title>');
    expect(markup).toContain('fill="#e36209"');
    expect(markup).toContain('aria-label="Pulau Sembilan: belum ada proyek"');
    // Only districts with a coverage row are drawn.
    expect(markup.match(/<a href=/g)).toHaveLength(2);
    expect(districtMap('73.06', 'Kabupaten Gowa', [{ regionCode: '73.06.01', name: 'Bontonompo', percent: 10, registered: 1, total: 10 }]).value).toBe('');
  });
});
