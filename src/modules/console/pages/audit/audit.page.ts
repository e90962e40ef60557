import { hasRole } from '@sinergi/auth';
import type { AuditEventView } from '../../../audit/audit-event.view';
import type { EventPage } from '../../../audit/queries/search-events/search-events.handler';
import type { CheckpointList } from '../../../audit/tamper-evidence/checkpoint/list-checkpoints/list-checkpoints.handler';
import type { VerificationView } from '../../../audit/tamper-evidence/verify/get-verification/get-verification.handler';
import type { ProjectVerification } from '../../../audit/tamper-evidence/verify/verify-project/verify-project.handler';
import { formatCount, formatDateTime } from '../../view/console-format';
import { type Html, href, html } from '../../view/html';
import { page, type PageViewer } from '../../view/layout';

/** The history search form as typed (dates as `YYYY-MM-DD`, WITA days). */
export interface AuditFilters {
  regionCode: string;
  type: string;
  from: string;
  to: string;
  projectRef: string;
}

export interface AuditPageData {
  filters: AuditFilters;
  /** Auditors only: the API's search is theirs. */
  events: EventPage | null;
  paged: boolean;
  checkpoints: CheckpointList;
  /** A project just verified (`?projectId=` on the verify form). */
  projectVerification?: ProjectVerification;
  /** A refused search or verification, in Indonesian. */
  error?: string;
}

const REASON_ID: Record<string, string> = {
  version_gap: 'nomor versi melompat (ada peristiwa yang hilang)',
  prev_hash_mismatch: 'hash sebelumnya tidak cocok (urutan diubah atau peristiwa disisipkan)',
  hash_mismatch: 'hash tidak cocok dengan isinya (isi peristiwa diubah)',
};

const actorOf = (e: AuditEventView) => (e.actor ? `${e.actor.kind}:${e.actor.id}` : '—');

function searchForm(f: AuditFilters): Html {
  return html`<form class="filters card" method="get" action="/console/audit" aria-label="Cari riwayat">
    <div class="field"><label for="a-region">Kode wilayah</label><input id="a-region" type="text" name="regionCode" value="${f.regionCode}" inputmode="decimal" placeholder="73.07"></div>
    <div class="field"><label for="a-type">Jenis peristiwa</label><input id="a-type" type="text" name="type" value="${f.type}" placeholder="CaseOpened,CaseWaived"></div>
    <div class="field"><label for="a-from">Dari tanggal</label><input id="a-from" type="date" name="from" value="${f.from}"></div>
    <div class="field"><label for="a-to">Sampai tanggal</label><input id="a-to" type="date" name="to" value="${f.to}"></div>
    <div class="field"><label for="a-ref">Kode paket proyek</label><input id="a-ref" type="text" name="projectRef" value="${f.projectRef}"></div>
    <div><button type="submit">Cari</button></div>
  </form>`;
}

function eventsTable(events: EventPage, filters: AuditFilters, paged: boolean): Html {
  const next = events.nextCursor ? href('/console/audit', { ...filters, cursor: events.nextCursor }) : null;
  const rows = events.items.map(
    (e) => html`<tr>
      <th scope="row">${e.type}</th>
      <td data-label="Waktu" class="nowrap">${formatDateTime(e.recordedAt)}</td>
      <td data-label="Aliran" class="break">${e.streamId} · v${e.version}</td>
      <td data-label="Pelaku" class="break">${actorOf(e)}</td>
      <td data-label="Wilayah">${e.regionCode ?? '—'}</td>
    </tr>`,
  );
  return html`${rows.length
      ? html`<div class="table-wrap"><table class="stack"><caption class="sr-only">Peristiwa</caption>
          <thead><tr><th scope="col">Peristiwa</th><th scope="col">Waktu</th><th scope="col">Aliran</th><th scope="col">Pelaku</th><th scope="col">Wilayah</th></tr></thead>
          <tbody>${rows}</tbody></table></div>`
      : html`<p class="card">Tidak ada peristiwa yang cocok.</p>`}
    <nav class="pager" aria-label="Halaman riwayat">
      ${paged ? html`<a href="${href('/console/audit', { ...filters })}">« Halaman pertama</a>` : html`<span></span>`}
      ${next ? html`<a rel="next" href="${next}">Halaman berikutnya »</a>` : ''}
    </nav>`;
}

function exportLinks(f: AuditFilters): Html {
  const q = { regionCode: f.regionCode, from: f.from, to: f.to };
  return html`<p class="actions-inline">
      <a class="button" href="${href('/console/audit/export', { ...q, format: 'csv' })}" download>Unduh CSV</a>
      <a class="button secondary" href="${href('/console/audit/export', { ...q, format: 'ndjson' })}" download>Unduh NDJSON</a>
    </p>
    <p class="muted">Seluruh peristiwa dalam wilayah dan rentang tanggal di atas, dalam urutan commit, dari satu snapshot. Baris terakhir
      <code># count=N sha256=…</code> menjadi pegangan keutuhan berkas. Skrip memakai <code>GET /v1/audit/export?format=csv</code> dengan token API.</p>`;
}

function verifyForms(viewer: PageViewer): Html {
  return html`<div class="actions">
    <form class="card" method="get" action="/console/audit/verify">
      <h3>Satu proyek</h3>
      <label for="v-project">ID proyek</label>
      <input id="v-project" type="text" name="projectId" required placeholder="0f8fad5b-d9cb-469f-a165-70867728950e" autocomplete="off">
      <p class="muted">Menghitung ulang rantai hash semua aliran proyek (pengadaan, kepatuhan, kasus, pemberitahuan) sekarang.</p>
      <button type="submit">Verifikasi proyek</button>
    </form>
    <form class="card" method="get" action="/console/audit/verify">
      <h3>Satu wilayah</h3>
      <label for="v-region">Kode wilayah</label>
      <input id="v-region" type="text" name="regionCode" required inputmode="decimal" value="${viewer.principal.regions[0] === '*' ? '' : viewer.principal.regions[0]}">
      <p class="muted">Dijalankan sebagai pekerjaan latar; hasilnya tampil di halaman pekerjaan.</p>
      <button type="submit">Verifikasi wilayah</button>
    </form>
  </div>`;
}

export function projectVerificationResult(v: ProjectVerification): Html {
  const broken = v.streams.filter((s) => !s.ok);
  return html`<div class="notice ${v.ok ? 'ok' : 'error'}" role="status">
      <p><strong>${v.ok ? 'Utuh: rantai hash semua aliran proyek ini cocok.' : 'Tidak utuh: ada rantai hash yang rusak.'}</strong>
        ${formatCount(v.checkedEvents)} peristiwa dalam ${formatCount(v.streams.length)} aliran diperiksa ${formatDateTime(v.verifiedAt)}.</p>
      ${v.checkpoint
        ? html`<p>Dibandingkan dengan checkpoint ${v.checkpoint.checkpointId} (${formatDateTime(v.checkpoint.createdAt)}), tanda tangan ${v.checkpoint.signatureValid ? 'sah' : html`<strong>tidak sah</strong>`}.</p>`
        : html`<p>Belum ada checkpoint bertanda tangan untuk dibandingkan.</p>`}
      ${v.firstBreak ? html`<p>Kerusakan pertama: aliran <code>${v.firstBreak.streamId}</code> versi ${v.firstBreak.version} (posisi ${v.firstBreak.position}) — ${REASON_ID[v.firstBreak.reason] ?? v.firstBreak.reason}.</p>` : ''}
      ${v.headMismatches.length ? html`<p>${v.headMismatches.length} aliran tidak sama dengan kepala yang ditandatangani checkpoint: ${v.headMismatches.map((m) => html`<code>${m.streamId}</code> `)}</p>` : ''}
      ${broken.length ? html`<ul>${broken.map((s) => html`<li><code>${s.streamId}</code></li>`)}</ul>` : ''}
    </div>`;
}

function checkpointSection(list: CheckpointList): Html {
  const latest = list.items[0];
  if (!list.signing.enabled && !latest) return html`<p class="card">Penandatanganan checkpoint tidak aktif: ${list.signing.reason}</p>`;
  if (!latest) return html`<p class="card">Belum ada checkpoint; pekerja menandatangani checkpoint setiap ${formatCount(list.signing.enabled ? list.signing.intervalSeconds / 60 : 0)} menit.</p>`;
  const key = list.publicKeys.find((k) => k.keyId === latest.signature.keyId) ?? (list.signing.enabled ? list.signing.publicKey : null);
  const c = latest.checkpoint;
  return html`<div class="card">
    <dl class="facts">
      <dt>Dibuat</dt><dd>${formatDateTime(c.createdAt)}</dd>
      <dt>Posisi kepala log</dt><dd>${c.logHeadPosition}</dd>
      <dt>Aliran / peristiwa</dt><dd>${formatCount(c.streamCount)} / ${formatCount(c.eventCount)}</dd>
      <dt>Akar Merkle</dt><dd class="break"><code>${c.merkleRoot}</code></dd>
      <dt>ID kunci (SHA-256 SPKI)</dt><dd class="break"><code>${latest.signature.keyId}</code></dd>
    </dl>
    <p><a class="button" href="/console/audit/checkpoints/${latest.id}">Unduh dokumen checkpoint (JSON)</a></p>
    ${key ? html`<details><summary>Kunci publik Ed25519 (PEM)</summary><pre class="break">${key.pem}</pre></details>` : ''}
    <h3>Cara memverifikasi secara luring</h3>
    <ol>
      <li>Simpan dokumen checkpoint di atas (misalnya <code>cp.json</code>) dan kunci publik yang diumumkan Sinergi (misalnya <code>kunci.pem</code>); cocokkan ID kuncinya dengan yang diumumkan.</li>
      <li>Tanpa basis data, hanya tanda tangan: <code class="break">npm run cli -- audit:verify --checkpoint cp.json --public-key kunci.pem --offline</code></li>
      <li>Dengan salinan basis data, juga setiap rantai hash dan akar Merkle: <code class="break">npm run cli -- audit:verify --checkpoint cp.json --public-key kunci.pem --database postgres://…</code></li>
      <li>Dokumen memuat <code>signedText</code> (JSON kanonik RFC 8785 yang ditandatangani) dan <code>howToVerify</code> bila memeriksa dengan alat lain.</li>
    </ol>
  </div>`;
}

export function auditPage(viewer: PageViewer, d: AuditPageData): Html {
  const auditor = hasRole(viewer.principal, 'auditor');
  return page({
    title: 'Audit',
    viewer,
    nav: 'audit',
    body: html`${d.error ? html`<p class="notice error" role="alert">${d.error}</p>` : ''}
      <section aria-labelledby="judul-verifikasi"><h2 id="judul-verifikasi">Verifikasi rantai hash</h2>
        ${d.projectVerification ? projectVerificationResult(d.projectVerification) : ''}
        ${verifyForms(viewer)}
      </section>
      <section aria-labelledby="judul-checkpoint"><h2 id="judul-checkpoint">Checkpoint bertanda tangan terbaru</h2>${checkpointSection(d.checkpoints)}</section>
      ${auditor && d.events
        ? html`<section aria-labelledby="judul-riwayat-audit"><h2 id="judul-riwayat-audit">Riwayat peristiwa</h2>
            ${searchForm(d.filters)}
            ${exportLinks(d.filters)}
            ${eventsTable(d.events, d.filters, d.paged)}
          </section>`
        : html`<p class="muted card">Pencarian riwayat dan ekspor hanya untuk auditor.</p>`}`,
  });
}

const STATUS_ID: Record<string, string> = { QUEUED: 'Menunggu giliran', RUNNING: 'Sedang berjalan', COMPLETED: 'Selesai', FAILED: 'Gagal' };

/** A region or whole-log verification job; refreshes itself (no script) while it runs. */
export function verificationPage(viewer: PageViewer, v: VerificationView): Html {
  const running = v.status === 'QUEUED' || v.status === 'RUNNING';
  const r = (v.result ?? {}) as { ok?: boolean; checkedEvents?: number; streams?: number; firstBreak?: { streamId: string; version: number; reason: string } | null };
  return page({
    title: 'Verifikasi rantai hash',
    viewer,
    nav: 'audit',
    refreshSeconds: running ? 3 : undefined,
    crumbs: [{ label: 'Audit', href: '/console/audit' }, { label: 'Verifikasi' }],
    body: html`<div class="card"><dl class="facts">
        <dt>Wilayah</dt><dd>${v.regions.join(', ')}</dd>
        <dt>Status</dt><dd>${STATUS_ID[v.status] ?? v.status}</dd>
        <dt>Diminta</dt><dd>${formatDateTime(v.createdAt)}</dd>
        ${v.finishedAt ? html`<dt>Selesai</dt><dd>${formatDateTime(v.finishedAt)}</dd>` : ''}
      </dl></div>
      ${v.status === 'COMPLETED'
        ? html`<div class="notice ${r.ok ? 'ok' : 'error'}" role="status"><p><strong>${r.ok ? 'Utuh: semua rantai hash di wilayah ini cocok.' : 'Tidak utuh: ada rantai hash yang rusak.'}</strong>
            ${r.checkedEvents !== undefined ? html` ${formatCount(r.checkedEvents)} peristiwa diperiksa.` : ''}</p>
            ${r.firstBreak ? html`<p>Kerusakan pertama: aliran <code>${r.firstBreak.streamId}</code> versi ${r.firstBreak.version} — ${REASON_ID[r.firstBreak.reason] ?? r.firstBreak.reason}.</p>` : ''}</div>`
        : v.status === 'FAILED'
          ? html`<p class="notice error" role="alert">Verifikasi gagal dijalankan; coba lagi.</p>`
          : html`<p class="notice" role="status">Halaman ini memuat ulang sendiri sampai verifikasi selesai.</p>`}
      <p><a href="/console/audit">Kembali ke audit</a></p>`,
  });
}
