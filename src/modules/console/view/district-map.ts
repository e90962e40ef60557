import { DISTRICT_BOUNDARIES_SOURCE, type DistrictBoundary, districtBoundaries } from '@sinergi/domain';
import { formatCount, formatPercent } from './console-format';
import { type Html, html } from './html';

/** What the map needs of a district's coverage row. */
export interface DistrictFigure {
  regionCode: string;
  name: string;
  percent: number | null;
  registered: number;
  total: number;
}

/** Coverage bands by project count, with the colour each district is filled with; the legend lists them in order. */
export const COVERAGE_BANDS = [
  { key: 'none', label: 'belum ada proyek', fill: '#d0d7de' },
  { key: 'low', label: 'di bawah 25 %', fill: '#b42318' },
  { key: 'mid', label: '25 % sampai di bawah 50 %', fill: '#e36209' },
  { key: 'high', label: '50 % sampai di bawah 75 %', fill: '#9a6700' },
  { key: 'top', label: '75 % ke atas', fill: '#1a7f37' },
] as const;

export function coverageBand(percent: number | null): (typeof COVERAGE_BANDS)[number] {
  if (percent === null) return COVERAGE_BANDS[0];
  return percent < 25 ? COVERAGE_BANDS[1] : percent < 50 ? COVERAGE_BANDS[2] : percent < 75 ? COVERAGE_BANDS[3] : COVERAGE_BANDS[4];
}

const WIDTH = 600;
const PAD = 6;

/**
 * An equirectangular projection of the outlines onto a `WIDTH`-wide box (longitude shrunk by the cosine of the mean
 * latitude, so shapes keep their proportions at Sinjai's 5° S), each district an SVG path.
 */
export function projectDistricts(boundaries: readonly DistrictBoundary[]): { width: number; height: number; paths: Map<string, string>; labels: Map<string, [number, number]> } {
  const points = boundaries.flatMap((b) => b.polygons.flat(2));
  const lngs = points.map((p) => p[0]);
  const lats = points.map((p) => p[1]);
  const [minLng, maxLng, minLat, maxLat] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)];
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const scale = (WIDTH - 2 * PAD) / ((maxLng - minLng) * k);
  const height = Math.ceil((maxLat - minLat) * scale + 2 * PAD);
  const project = ([lng, lat]: readonly [number, number]): [number, number] => [(lng - minLng) * k * scale + PAD, (maxLat - lat) * scale + PAD];
  const xy = (p: readonly [number, number]) => project(p).map((n) => n.toFixed(1)).join(',');
  const paths = new Map(boundaries.map((b) => [b.code, b.polygons.flatMap((rings) => rings.map((ring) => `M${ring.map(xy).join('L')}Z`)).join('')]));
  // A name goes at the centroid of the district's largest piece (an island district's largest island).
  const labels = new Map(boundaries.map((b) => [b.code, largestCentroid(b.polygons.map((rings) => rings[0].map(project)))]));
  return { width: WIDTH, height, paths, labels };
}

/** The area-weighted centroid (shoelace) of the largest of the outer rings. */
function largestCentroid(rings: [number, number][][]): [number, number] {
  let best: { area: number; at: [number, number] } = { area: -1, at: rings[0][0] };
  for (const ring of rings) {
    let a = 0;
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < ring.length; i++) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[(i + 1) % ring.length];
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
    if (Math.abs(a) > best.area && a !== 0) best = { area: Math.abs(a), at: [cx / (3 * a), cy / (3 * a)] };
  }
  return best.at;
}

/**
 * The regency's districts coloured by coverage (by project count), drawn on the server as inline SVG: each district
 * a link to its own page, named with its percentage (title and aria-label), a legend in words, and the source's
 * attribution. Nothing when no outlines are vendored for the regency; the table below says the same in words.
 */
export function districtMap(regencyCode: string, regencyName: string, districts: readonly DistrictFigure[]): Html {
  const boundaries = districtBoundaries(regencyCode);
  const figures = new Map(districts.map((d) => [d.regionCode, d]));
  const drawn = boundaries.filter((b) => figures.has(b.code));
  if (drawn.length === 0) return html``;
  const { width, height, paths, labels } = projectDistricts(drawn);
  const label = (d: DistrictFigure) =>
    d.total === 0 ? `${d.name}: belum ada proyek` : `${d.name}: ${formatPercent(d.percent)} proyek terdaftar (${formatCount(d.registered)} dari ${formatCount(d.total)})`;
  return html`<figure class="card map" aria-labelledby="judul-peta">
    <h2 id="judul-peta">Peta cakupan kecamatan di ${regencyName}</h2>
    <svg class="districts" viewBox="0 0 ${width} ${height}" aria-labelledby="judul-peta" focusable="false">${drawn.map((b) => {
      const d = figures.get(b.code)!;
      const text = label(d);
      return html`<a href="/console/regions/${b.code}" aria-label="${text}"><title>${text}</title><path d="${paths.get(b.code)!}" fill="${coverageBand(d.total === 0 ? null : d.percent).fill}" stroke="#ffffff" stroke-width="1.5"></path></a>`;
    })}<g aria-hidden="true" pointer-events="none" font-size="15" text-anchor="middle" fill="#1b1f24" stroke="#ffffff" stroke-width="3" paint-order="stroke">${drawn.map((b) => {
      const [x, y] = labels.get(b.code)!;
      return html`<text x="${x.toFixed(1)}" y="${(y + 5).toFixed(1)}">${b.name}</text>`;
    })}</g></svg>
    <figcaption>
      <ul class="legend" aria-label="Keterangan warna">${COVERAGE_BANDS.map(
        (band) => html`<li><svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true" focusable="false"><rect width="12" height="12" fill="${band.fill}"></rect></svg> ${band.label}</li>`,
      )}</ul>
      <p class="muted">Cakupan menurut jumlah proyek; pilih kecamatan untuk membuka halamannya. ${DISTRICT_BOUNDARIES_SOURCE}.</p>
    </figcaption>
  </figure>`;
}
