import type { CoverageSummary } from '../../../regional-coverage/projection/coverage-figures';
import type { RegionCoverageReport } from '../../../regional-coverage/api/get-region-coverage/get-region-coverage.handler';
import type { AgencyCoverageList } from '../../../regional-coverage/api/list-agency-coverage/list-agency-coverage.handler';
import type { RegionSeries } from '../../../regional-coverage/api/get-region-series/get-region-series.handler';
import type { TargetView } from '../../../regional-coverage/api/coverage-view';
import { formatCount, formatDate, formatMoney, formatMonth, formatPercent, formatPoints, formatShortDate } from '../../view/console-format';
import { type Html, href, html } from '../../view/html';
import { CHILD_LEVEL_ID, REGION_LEVEL_ID, SEGMENT_ID } from '../../view/labels-id';
import { districtMap } from '../../view/district-map';
import { page, type PageViewer } from '../../view/layout';

export interface CoveragePageData {
  report: RegionCoverageReport;
  agencies: AgencyCoverageList;
  series: RegionSeries;
  ancestors: { code: string; name: string }[];
}

const projectsHref = (regionCode: string, extra: Record<string, string> = {}) => href('/console/projects', { regionCode, ...extra });

/** Registered projects still missing to reach the target by project count: ⌈target × total⌉ − registered. */
export function projectsToTarget(targetPercent: number, summary: Pick<CoverageSummary, 'projects'>): number {
  const needed = Math.ceil((Math.round(targetPercent * 100) * summary.projects.total) / 10_000);
  return Math.max(0, needed - summary.projects.registered);
}

const METRIC_ID: Record<string, string> = { projects: 'jumlah proyek', workers: 'jumlah pekerja', value: 'nilai kontrak' };

function targetBlock(target: TargetView | null, summary: CoverageSummary): Html {
  if (!target) return html`<p class="muted">Wilayah ini belum memiliki target cakupan sendiri.</p>`;
  const pace = (() => {
    switch (target.status) {
      case 'MET':
        return html`<p><span class="badge b-ok">Target tercapai</span></p>`;
      case 'MISSED':
        return html`<p><span class="badge b-bad">Tenggat target terlewati</span> Kurang ${formatPoints(target.gapPoints)} dari target.</p>`;
      case 'NO_DATA':
        return html`<p class="muted">Belum ada data untuk diukur.</p>`;
      case 'OPEN': {
        const perMonth = target.metric === 'projects' ? Math.ceil(projectsToTarget(target.targetPercent, summary) / Math.max(target.monthsLeft, 1)) : null;
        return html`<p>Kurang <strong>${formatPoints(target.gapPoints)}</strong>; perlu naik ${formatPoints(target.pacePointsPerMonth)} per bulan
          selama ${formatCount(target.monthsLeft)} bulan${perMonth !== null ? html` — <strong>${formatCount(perMonth)} proyek lagi terdaftar per bulan hingga ${formatShortDate(target.deadline)}</strong>` : ''}.</p>`;
      }
      default:
        return html``;
    }
  })();
  return html`<p>Target: <strong>${formatPercent(target.targetPercent)}</strong> menurut ${METRIC_ID[target.metric] ?? target.metric}, paling lambat ${formatDate(target.deadline)}.</p>${pace}`;
}

function meter(percent: number | null, target: number | null): Html {
  const width = Math.max(0, Math.min(100, percent ?? 0));
  // SVG attributes, not inline CSS: the console's CSP allows no style attributes.
  return html`<svg class="meter" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true" focusable="false">
    <rect x="0" y="0" width="100" height="4" fill="#e6eaef"></rect><rect x="0" y="0" width="${width.toFixed(1)}" height="4" fill="#1a7f37"></rect>
    ${target !== null ? html`<rect x="${Math.max(0, Math.min(99.4, target - 0.3)).toFixed(1)}" y="0" width="0.6" height="4" fill="#1b1f24"></rect>` : ''}</svg>`;
}

function headline(r: RegionCoverageReport): Html {
  const p = r.projects;
  const code = r.regionCode;
  return html`<section class="card" aria-labelledby="judul-cakupan">
    <h2 id="judul-cakupan">Cakupan menurut jumlah proyek</h2>
    <p class="figure">${formatPercent(r.coveragePercent.projects)} <small>proyek terdaftar di BPJS Ketenagakerjaan</small></p>
    ${meter(r.coveragePercent.projects, r.target?.metric === 'projects' ? r.target.targetPercent : null)}
    <ul class="counts">
      <li><a href="${projectsHref(code)}">${formatCount(p.total)} proyek</a></li>
      <li>Terdaftar: <strong>${formatCount(p.registered)}</strong></li>
      <li><a href="${projectsHref(code, { status: 'COMPLIANT' })}">Patuh: <strong>${formatCount(p.compliant)}</strong></a></li>
      <li><a href="${projectsHref(code, { status: 'NON_COMPLIANT' })}">Tidak patuh: <strong>${formatCount(p.nonCompliant)}</strong></a></li>
      <li><a href="${projectsHref(code, { status: 'PENDING' })}">Menunggu verifikasi: <strong>${formatCount(p.pending)}</strong></a></li>
      ${p.unverifiable ? html`<li><a href="${projectsHref(code, { status: 'UNVERIFIABLE' })}">Tidak dapat diverifikasi: <strong>${formatCount(p.unverifiable)}</strong></a></li>` : ''}
    </ul>
    ${targetBlock(r.target, r)}
  </section>`;
}

function weighted(r: RegionCoverageReport): Html {
  return html`<div class="grid">
    <section class="card" aria-labelledby="judul-pekerja">
      <h2 id="judul-pekerja">Menurut jumlah pekerja</h2>
      <p class="figure">${formatPercent(r.coveragePercent.workers)}</p>
      <p>${formatCount(r.workers.covered)} dari ${formatCount(r.workers.reported)} pekerja yang dilaporkan terlindungi.</p>
    </section>
    <section class="card" aria-labelledby="judul-nilai">
      <h2 id="judul-nilai">Menurut nilai kontrak</h2>
      <p class="figure">${formatPercent(r.coveragePercent.value)}</p>
      <p>${formatMoney(r.contractValue.covered)} dari ${formatMoney(r.contractValue.total)}.</p>
    </section>
    <section class="card" aria-labelledby="judul-iuran">
      <h2 id="judul-iuran">Iuran JKK + JKM</h2>
      <p class="figure">${formatMoney(r.premium.paid)}</p>
      <p>dibayar dari ${formatMoney(r.premium.due)} yang terutang.</p>
    </section>
  </div>`;
}

function childrenTable(r: RegionCoverageReport): Html {
  if (r.children.length === 0) return html``;
  const level = CHILD_LEVEL_ID[r.level] || 'Wilayah';
  return html`<h2 id="judul-wilayah">${level} di ${r.name}</h2>
  <div class="table-wrap"><table class="stack" aria-labelledby="judul-wilayah">
    <thead><tr><th scope="col">${level}</th><th scope="col" class="num">Cakupan proyek</th><th scope="col" class="num">Terdaftar / proyek</th><th scope="col" class="num">Tidak patuh</th><th scope="col" class="num">Cakupan pekerja</th><th scope="col" class="num">Cakupan nilai</th></tr></thead>
    <tbody>${r.children.map(
      (c) => html`<tr>
        <th scope="row"><a href="/console/regions/${c.regionCode}">${c.name}</a></th>
        <td class="num" data-label="Cakupan proyek">${formatPercent(c.coveragePercent.projects)}</td>
        <td class="num" data-label="Terdaftar / proyek"><a href="${projectsHref(c.regionCode)}">${formatCount(c.projects.registered)} / ${formatCount(c.projects.total)}</a></td>
        <td class="num" data-label="Tidak patuh"><a href="${projectsHref(c.regionCode, { status: 'NON_COMPLIANT' })}">${formatCount(c.projects.nonCompliant)}</a></td>
        <td class="num" data-label="Cakupan pekerja">${formatPercent(c.coveragePercent.workers)}</td>
        <td class="num" data-label="Cakupan nilai">${formatPercent(c.coveragePercent.value)}</td>
      </tr>`,
    )}</tbody>
  </table></div>
  ${r.unassigned.projects.total > 0
    ? html`<p class="muted">${formatCount(r.unassigned.projects.total)} proyek tercatat langsung di tingkat ${r.name} (tidak di ${level.toLowerCase()} mana pun).</p>`
    : ''}`;
}

function agenciesTable(r: RegionCoverageReport, list: AgencyCoverageList): Html {
  const ranked = list.items
    .map((a) => ({ ...a, uncovered: BigInt(a.contractValue.total) - BigInt(a.contractValue.covered) }))
    .sort((a, b) => (a.uncovered === b.uncovered ? a.agencyCode.localeCompare(b.agencyCode) : a.uncovered > b.uncovered ? -1 : 1));
  if (ranked.length === 0) return html`<h2>Perangkat daerah</h2><p class="muted">Belum ada proyek.</p>`;
  return html`<h2 id="judul-dinas">Perangkat daerah, menurut nilai kontrak yang belum terlindungi</h2>
  <div class="table-wrap"><table class="stack" aria-labelledby="judul-dinas">
    <thead><tr><th scope="col">Perangkat daerah</th><th scope="col" class="num">Belum terlindungi</th><th scope="col" class="num">Cakupan proyek</th><th scope="col" class="num">Tidak patuh</th></tr></thead>
    <tbody>${ranked.map(
      (a) => html`<tr>
        <th scope="row"><a href="${projectsHref(r.regionCode, { agencyCode: a.agencyCode })}">${a.agencyName ?? a.agencyCode}</a></th>
        <td class="num" data-label="Belum terlindungi">${formatMoney(a.uncovered)}</td>
        <td class="num" data-label="Cakupan proyek">${formatPercent(a.coveragePercent.projects)} (${formatCount(a.projects.registered)}/${formatCount(a.projects.total)})</td>
        <td class="num" data-label="Tidak patuh"><a href="${href('/console/cases', { agency: a.agencyCode, regionCode: r.regionCode })}">${formatCount(a.projects.nonCompliant)}</a></td>
      </tr>`,
    )}</tbody>
  </table></div>`;
}

/** Bars of the monthly coverage by project count, drawn on the server; the table beside it says the same in words. */
function trendChart(series: RegionSeries): Html {
  const months = series.months;
  const w = 640;
  const h = 180;
  const barW = w / Math.max(months.length, 1);
  const bars = months.map((m, i) => {
    const pct = m.coveragePercent.projects ?? 0;
    const bh = (pct / 100) * (h - 30);
    // A label every third month keeps two years legible on a phone.
    const label = i % 3 === 0 ? formatMonth(`${m.month}-01`) : '';
    return html`<rect x="${(i * barW + 2).toFixed(1)}" y="${(h - 20 - bh).toFixed(1)}" width="${Math.max(barW - 4, 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="#1a7f37"></rect>
      ${label ? html`<text x="${(i * barW + 2).toFixed(1)}" y="${h - 5}" font-size="12" fill="#1b1f24">${label}</text>` : ''}`;
  });
  return html`<h2 id="judul-tren">Tren bulanan (menurut bulan kontrak)</h2>
  <div class="card chart">
    <svg viewBox="0 0 ${w} ${h}" role="img" aria-labelledby="judul-tren"><line x1="0" y1="${h - 20}" x2="${w}" y2="${h - 20}" stroke="#6e7781"></line>${bars}</svg>
    <details><summary>Lihat angka per bulan</summary>
      <table class="stack"><thead><tr><th scope="col">Bulan</th><th scope="col" class="num">Proyek</th><th scope="col" class="num">Cakupan proyek</th></tr></thead>
      <tbody>${months.map((m) => html`<tr><th scope="row">${formatMonth(`${m.month}-01`)}</th><td class="num" data-label="Proyek">${formatCount(m.projects.total)}</td><td class="num" data-label="Cakupan proyek">${formatPercent(m.coveragePercent.projects)}</td></tr>`)}</tbody></table>
    </details>
  </div>`;
}

function segments(r: RegionCoverageReport): Html {
  if (r.otherSegments.length === 0) return html``;
  return html`<h2 id="judul-segmen">Segmen pekerja lain</h2>
  <div class="table-wrap"><table class="stack" aria-labelledby="judul-segmen">
    <thead><tr><th scope="col">Segmen</th><th scope="col" class="num">Terdaftar / wajib</th><th scope="col" class="num">Cakupan</th><th scope="col">Periode</th></tr></thead>
    <tbody>${r.otherSegments.map(
      (s) => html`<tr><th scope="row">${SEGMENT_ID[s.segment] ?? s.segment}</th><td class="num" data-label="Terdaftar / wajib">${formatCount(s.enrolled)} / ${formatCount(s.eligible)}</td><td class="num" data-label="Cakupan">${formatPercent(s.percent)}</td><td data-label="Periode">${s.period}</td></tr>`,
    )}</tbody>
  </table></div>
  <p>Cakupan keseluruhan (pekerja konstruksi dan segmen lain): <strong>${formatPercent(r.overall.percent)}</strong> (${formatCount(r.overall.enrolled)} dari ${formatCount(r.overall.eligible)}).</p>`;
}

export function coveragePage(viewer: PageViewer, d: CoveragePageData): Html {
  const r = d.report;
  const crumbs = [...d.ancestors.map((a) => ({ label: a.name, href: `/console/regions/${a.code}` })), { label: r.name }];
  return page({
    title: `Cakupan ${r.name}`,
    viewer,
    nav: 'coverage',
    crumbs,
    body: html`<p class="muted">${REGION_LEVEL_ID[r.level] ?? ''} · kode ${r.regionCode} · per ${formatDate(r.asOf)} · <a href="${href('/console/cases', { regionCode: r.regionCode, status: 'OPEN' })}">kasus terbuka di wilayah ini</a></p>
      ${headline(r)}
      ${weighted(r)}
      ${r.level === 'regency' ? districtMap(r.regionCode, r.name, r.children.map((c) => ({ regionCode: c.regionCode, name: c.name, percent: c.coveragePercent.projects, registered: c.projects.registered, total: c.projects.total }))) : ''}
      ${childrenTable(r)}
      ${agenciesTable(r, d.agencies)}
      ${trendChart(d.series)}
      ${segments(r)}`,
  });
}

export function regionChooserPage(viewer: PageViewer, regions: { code: string; name: string }[]): Html {
  return page({
    title: 'Pilih wilayah',
    viewer,
    nav: 'coverage',
    body: html`<div class="card"><p>Akun Anda berwenang atas wilayah berikut:</p>
      <ul>${regions.map((r) => html`<li><a href="/console/regions/${r.code}">${r.name}</a> (${r.code})</li>`)}</ul>
      <form method="get" action="/console/regions"><div class="field"><label for="kode">Kode wilayah</label><input id="kode" type="text" name="kode" inputmode="decimal" placeholder="73.07"></div><p><button type="submit">Buka</button></p></form>
    </div>`,
  });
}
