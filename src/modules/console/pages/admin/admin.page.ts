import type { LadderView } from '../../../escalation/directory/ladders/ladder-view';
import type { TargetView } from '../../../regional-coverage/api/coverage-view';
import type { Official } from '../../../escalation/directory/officials.repository';
import type { DeadLetterView } from '../../../verification/dead-letters/list-dead-letters/list-dead-letters.query';
import { formatCount, formatDate, formatDateTime, formatDuration, formatPercent } from '../../view/console-format';
import { type Html, href, html } from '../../view/html';
import { csrfField, page, type PageViewer } from '../../view/layout';
import { positionId } from '../../view/labels-id';
import { adminTabs } from './admin-region';
import { officialsTable } from './officials.page';

export interface AdminPageData {
  regionCode: string;
  deadLetterStatus: 'open' | 'retried' | 'all';
  deadLetters: DeadLetterView[];
  ladder: LadderView | null;
  officials: Official[];
  /** The region's coverage target in force, if any. */
  target: TargetView | null;
  /** A refused target form, with what was typed. */
  targetForm?: { metric: string; targetPercent: string; deadline: string; error: string };
  /** After a retry (`?selesai=retried`). */
  done?: string;
  /** A refused retry. */
  error?: string;
}

const KIND_ID: Record<string, string> = {
  VERIFICATION_FAILED: 'Verifikasi gagal',
  HELD_EVENT_EXPIRED: 'Peristiwa tertahan kedaluwarsa',
  HELD_EVENT_REFUSED: 'Peristiwa tertahan ditolak',
};

function deadLetters(viewer: PageViewer, d: AdminPageData): Html {
  const option = (value: string, label: string) => html`<option value="${value}"${value === d.deadLetterStatus ? html` selected` : ''}>${label}</option>`;
  const rows = d.deadLetters.map(
    (l) => html`<tr>
      <th scope="row"><a href="/console/projects/${l.projectId}">${KIND_ID[l.kind] ?? l.kind}</a></th>
      <td data-label="Wilayah">${l.regionCode}</td>
      <td data-label="Alasan" class="break">${l.reason}</td>
      <td data-label="Percobaan" class="num">${formatCount(l.attempts)}</td>
      <td data-label="Gagal" class="nowrap">${formatDateTime(l.failedAt)}</td>
      <td data-label="Tindakan">${l.retriedAt
        ? html`<span class="badge b-ok">diulang ${formatDateTime(l.retriedAt)}</span>`
        : l.kind === 'VERIFICATION_FAILED'
          ? html`<form method="post" action="/console/admin/dead-letters/${l.id}/retry">${csrfField(viewer)}<button type="submit" class="secondary" aria-label="Ulangi verifikasi ${l.jobId}">Ulangi</button></form>`
          : html`<span class="muted">tidak dapat diulang</span>`}</td>
    </tr>`,
  );
  return html`<form class="filters card" method="get" action="/console/admin" aria-label="Saring surat mati">
      <input type="hidden" name="regionCode" value="${d.regionCode}">
      <div class="field"><label for="dl-status">Status</label><select id="dl-status" name="status">${option('open', 'Belum diulang')}${option('retried', 'Sudah diulang')}${option('all', 'Semua')}</select></div>
      <div><button type="submit">Terapkan</button></div>
    </form>
    ${rows.length
      ? html`<div class="table-wrap"><table class="stack"><caption class="sr-only">Surat mati</caption>
          <thead><tr><th scope="col">Jenis</th><th scope="col">Wilayah</th><th scope="col">Alasan</th><th scope="col" class="num">Percobaan</th><th scope="col">Gagal</th><th scope="col">Tindakan</th></tr></thead>
          <tbody>${rows}</tbody></table></div>`
      : html`<p class="card">Tidak ada surat mati dengan status ini.</p>`}`;
}

function ladder(d: AdminPageData): Html {
  const l = d.ladder;
  const edit = html`<p><a href="${href('/console/admin/ladder', { regionCode: d.regionCode })}">Ubah tangga eskalasi</a></p>`;
  if (!l) return html`<div class="card"><p>Belum ada tangga eskalasi untuk wilayah ini.</p>${edit}</div>`;
  return html`<div class="card">
    <p>Versi ${l.version}${l.inherited ? html` (mengikuti tangga wilayah ${l.regionCode})` : ''}, sejak ${formatDateTime(l.createdAt)}.</p>
    <ol class="ladder">${l.levels.map((level) => html`<li><strong>Tingkat ${level.level}</strong>: ${level.recipients.map(positionId).join(', ')}${level.waitBeforeNext ? html` — naik setelah ${formatDuration(level.waitBeforeNext)}` : html` — tingkat tertinggi`}</li>`)}</ol>
    ${edit}
  </div>`;
}

function officials(d: AdminPageData): Html {
  return html`${officialsTable(d.officials, d.regionCode, true)}
    <p><a href="${href('/console/admin/officials', { regionCode: d.regionCode })}">Kelola direktori pejabat</a> (tambah, ubah saluran, nonaktifkan). Alamat tidak ditampilkan di sini.</p>`;
}

const METRIC_ID: Record<string, string> = { projects: 'proyek terdaftar', workers: 'pekerja terlindungi', value: 'nilai kontrak terlindungi' };

function target(viewer: PageViewer, d: AdminPageData): Html {
  const t = d.target;
  const typed = d.targetForm;
  const metric = typed?.metric ?? t?.metric ?? 'projects';
  const option = (value: string) => html`<option value="${value}"${value === metric ? html` selected` : ''}>${METRIC_ID[value]}</option>`;
  return html`<div class="card">
    ${t
      ? html`<p>Target: <strong>${formatPercent(t.targetPercent)}</strong> ${METRIC_ID[t.metric] ?? t.metric} hingga ${formatDate(t.deadline)}; sekarang ${formatPercent(t.currentPercent)} (ditetapkan ${formatDateTime(t.setAt)}).</p>`
      : html`<p>Belum ada target untuk wilayah ini.</p>`}
    <form method="post" action="/console/admin/targets">
      ${csrfField(viewer)}
      <input type="hidden" name="regionCode" value="${d.regionCode}">
      ${typed ? html`<p class="notice error" role="alert">${typed.error}</p>` : ''}
      <div class="form-grid">
        <div class="field"><label for="t-metric">Ukuran</label><select id="t-metric" name="metric">${option('projects')}${option('workers')}${option('value')}</select></div>
        <div class="field"><label for="t-percent">Target (%)</label><input id="t-percent" type="text" inputmode="decimal" name="targetPercent" required value="${typed?.targetPercent ?? (t ? String(t.targetPercent).replace('.', ',') : '')}"></div>
        <div class="field"><label for="t-deadline">Tenggat</label><input id="t-deadline" type="date" name="deadline" required value="${typed?.deadline ?? t?.deadline ?? ''}"></div>
      </div>
      <button type="submit">Simpan target</button>
    </form>
  </div>`;
}

export function adminPage(viewer: PageViewer, d: AdminPageData): Html {
  const regions = viewer.principal.regions.filter((r) => r !== '*');
  return page({
    title: 'Admin',
    viewer,
    nav: 'admin',
    body: html`${d.done === 'retried' ? html`<p class="notice ok" role="status">Verifikasi dijadwalkan ulang; hasilnya tampil di halaman proyek.</p>` : ''}
      ${d.done === 'target' ? html`<p class="notice ok" role="status">Target cakupan sudah disimpan.</p>` : ''}
      ${d.error ? html`<p class="notice error" role="alert">${d.error}</p>` : ''}
      ${regions.length > 1
        ? html`<nav class="actions-inline" aria-label="Wilayah">${regions.map((r) => html`<a href="${href('/console/admin', { regionCode: r })}"${r === d.regionCode ? html` aria-current="page"` : ''}>${r}</a>`)}</nav>`
        : ''}
      ${adminTabs('overview', d.regionCode)}
      <p><a href="/console/antrean">Dasbor antrean (BullMQ)</a></p>
      <section aria-labelledby="judul-surat-mati"><h2 id="judul-surat-mati">Surat mati (dead letters)</h2>${deadLetters(viewer, d)}</section>
      <section aria-labelledby="judul-target"><h2 id="judul-target">Target cakupan ${d.regionCode}</h2>${target(viewer, d)}</section>
      <section aria-labelledby="judul-tangga-admin"><h2 id="judul-tangga-admin">Tangga eskalasi ${d.regionCode}</h2>${ladder(d)}</section>
      <section aria-labelledby="judul-pejabat"><h2 id="judul-pejabat">Direktori pejabat</h2>${officials(d)}</section>`,
  });
}
