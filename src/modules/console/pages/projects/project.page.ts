import type { Principal } from '@sinergi/auth';
import type { CaseSummary } from '../../../escalation/cases-api/case-summary';
import { reasonSentenceId, type NonComplianceReason } from '../../../escalation/notification/message-templates';
import type { ProjectList } from '../../../regional-coverage/api/list-projects/list-projects.handler';
import type { ProjectView } from '../../../verification/queries/get-project/get-project.query';
import { formatCount, formatDate, formatDateTime, formatMoney } from '../../view/console-format';
import { type Html, href, html } from '../../view/html';
import { CASE_EVENT_ID, CASE_STATUS_ID, COMPLIANCE_STATUS_ID, FUNDING_ID, PROJECT_LIFECYCLE_ID, reasonLabelId } from '../../view/labels-id';
import { page, type PageViewer } from '../../view/layout';

export interface ProjectHistoryItem {
  at: string;
  label: string;
  detail?: string;
}

export interface ProjectPageData {
  project: ProjectView;
  cases: CaseSummary[];
  workingDaysLeft: number;
  today: string;
  history: ProjectHistoryItem[];
}

const complianceBadge = (status: string) =>
  html`<span class="badge ${status === 'COMPLIANT' ? 'b-ok' : status === 'NON_COMPLIANT' ? 'b-bad' : 'b-wait'}">${COMPLIANCE_STATUS_ID[status] ?? status}</span>`;

export function projectPage(viewer: PageViewer, d: ProjectPageData): Html {
  const p = d.project;
  const due = BigInt(p.premiumDue);
  const paid = BigInt(p.premiumPaid);
  const holds = d.cases.flatMap((c) => c.heldTermins.map((t) => ({ termin: t, caseId: c.caseId })));
  const deadlinePassed = p.registrationDeadline < d.today;
  return page({
    title: p.name,
    viewer,
    nav: 'coverage',
    crumbs: [{ label: 'Proyek', href: href('/console/projects', { regionCode: p.regionCode }) }, { label: p.name }],
    body: html`<p>${complianceBadge(p.complianceStatus)} · ${PROJECT_LIFECYCLE_ID[p.status] ?? p.status}</p>
      ${p.reasons.length
        ? html`<section class="card" aria-labelledby="judul-alasan"><h2 id="judul-alasan">Mengapa belum patuh</h2><ul>${p.reasons.map(
            (r) => html`<li>${reasonSentenceId(r as NonComplianceReason, r === 'PREMIUM_SHORTFALL' && due > paid ? due - paid : undefined)}</li>`,
          )}</ul></section>`
        : ''}
      <div class="grid">
        <section class="card" aria-labelledby="judul-iuran"><h2 id="judul-iuran">Iuran JKK + JKM</h2>
          <dl class="facts"><dt>Terutang</dt><dd>${formatMoney(due)}</dd><dt>Dibayar</dt><dd>${formatMoney(paid)}</dd>
          ${due > paid ? html`<dt>Kekurangan</dt><dd><strong>${formatMoney(due - paid)}</strong></dd>` : ''}</dl>
        </section>
        <section class="card" aria-labelledby="judul-batas"><h2 id="judul-batas">Batas pendaftaran</h2>
          <p class="figure">${formatDate(p.registrationDeadline)}</p>
          <p>${deadlinePassed ? html`<span class="badge b-bad">sudah lewat</span>` : html`${formatCount(d.workingDaysLeft)} hari kerja lagi`} (14 hari kerja sejak SPK ${formatDate(p.contractDate)})</p>
        </section>
        <section class="card" aria-labelledby="judul-pekerja"><h2 id="judul-pekerja">Pekerja</h2>
          <p class="figure">${formatCount(p.workersReported)}</p><p>pekerja dilaporkan pada daftar terbaru.</p>
        </section>
      </div>
      <section class="card" aria-labelledby="judul-kontrak"><h2 id="judul-kontrak">Kontrak</h2>
        <dl class="facts">
          <dt>Perangkat daerah</dt><dd>${p.agency.name} (${p.agency.code})</dd>
          <dt>Penyedia</dt><dd>${p.contractor.name} · NPWP ${p.contractor.npwp}</dd>
          <dt>Nomor kontrak</dt><dd>${p.contractNumber}</dd>
          <dt>Tanggal SPK</dt><dd>${formatDate(p.contractDate)}</dd>
          <dt>Nilai kontrak</dt><dd>${formatMoney(p.contractValue)}${p.valueIncludesVat ? ' (termasuk PPN)' : ' (tanpa PPN)'}</dd>
          <dt>Masa kontrak</dt><dd>${formatDate(p.startDate)} – ${formatDate(p.endDate)}${p.maintenanceEndDate ? html`; pemeliharaan sampai ${formatDate(p.maintenanceEndDate)}` : ''}</dd>
          <dt>Sumber dana</dt><dd>${FUNDING_ID[p.fundingSource] ?? p.fundingSource} ${p.fiscalYear}</dd>
          <dt>Wilayah</dt><dd><a href="/console/regions/${p.regionCode}">${p.regionCode}</a></dd>
          <dt>Kepesertaan BPJS</dt><dd>${p.enrolment ? html`No. proyek ${p.enrolment.projectNumber ?? '—'}, NPP ${p.enrolment.npp ?? '—'}, ${formatDate(p.enrolment.coveredFrom)} – ${formatDate(p.enrolment.coveredTo)}` : 'Belum tercatat'}</dd>
          <dt>Terakhir diperiksa</dt><dd>${formatDateTime(p.lastCheckedAt)}</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="judul-tahan"><h2 id="judul-tahan">Penahanan pembayaran</h2>
        ${holds.length
          ? html`<ul>${holds.map((h) => html`<li>Termin ${h.termin} ditahan — <a href="/console/cases/${h.caseId}">lihat kasus</a></li>`)}</ul>`
          : html`<p>Tidak ada pembayaran yang ditahan.</p>`}
      </section>
      <section class="card" aria-labelledby="judul-kasus"><h2 id="judul-kasus">Kasus</h2>
        ${d.cases.length
          ? html`<ul>${d.cases.map((c) => html`<li><a href="/console/cases/${c.caseId}">${CASE_STATUS_ID[c.status] ?? c.status}, dibuka ${formatDate(c.openedAt)}</a> — ${c.reasons.map(reasonLabelId).join('; ')}</li>`)}</ul>`
          : html`<p>Belum pernah ada kasus.</p>`}
      </section>
      <section aria-labelledby="judul-riwayat"><h2 id="judul-riwayat">Riwayat</h2>
        ${viewer.principal.roles.some((r) => r === 'auditor' || r === 'admin') ? html`<p><a href="${href('/console/audit/verify', { projectId: p.id })}">Verifikasi rantai hash proyek ini</a></p>` : ''}
        ${d.history.length
          ? html`<ol class="timeline">${d.history.map((h) => html`<li><strong>${h.label}</strong> · <span class="muted">${formatDateTime(h.at)}</span>${h.detail ? html`<br>${h.detail}` : ''}</li>`)}</ol>`
          : html`<p class="muted">Belum ada riwayat.</p>`}
      </section>`,
  });
}

export const PROJECT_EVENT_ID: Record<string, string> = {
  ProjectRegistered: 'Kontrak didaftarkan dari sistem pengadaan',
  ContractAmended: 'Adendum kontrak',
  WorkersReported: 'Daftar pekerja dilaporkan',
  WorkStarted: 'Pekerjaan dimulai',
  PaymentRequested: 'Permintaan pembayaran termin',
  ProjectCompleted: 'Serah terima pekerjaan',
  ProjectCancelled: 'Proyek dibatalkan',
  VerificationRequested: 'Verifikasi ke BPJS diminta',
  EnrolmentConfirmed: 'Kepesertaan BPJS terkonfirmasi',
  EnrolmentMissing: 'Proyek belum terdaftar di BPJS',
  PremiumShortfall: 'Iuran kurang bayar',
  CoverageGap: 'Masa kepesertaan kurang',
  WorkersUncovered: 'Sebagian pekerja belum terdaftar',
  VerificationFailed: 'Verifikasi gagal',
  ComplianceStatusChanged: 'Status kepatuhan berubah',
  EnrolmentEvidenceSubmitted: 'Bukti kepesertaan dikirim penyedia',
  EnrolmentEvidenceConfirmed: 'Bukti kepesertaan dikonfirmasi',
  EnrolmentEvidenceRejected: 'Bukti kepesertaan ditolak',
  ...CASE_EVENT_ID,
};

export const eventLabelId = (type: string) => PROJECT_EVENT_ID[type] ?? type;

export function projectListPage(viewer: PageViewer, list: ProjectList, query: Record<string, string>, principal: Principal): Html {
  void principal;
  const next = list.nextCursor ? href('/console/projects', { ...query, cursor: list.nextCursor }) : null;
  return page({
    title: 'Proyek',
    viewer,
    nav: 'coverage',
    body: html`<p class="muted">${query.regionCode ? html`Wilayah ${query.regionCode}` : 'Semua wilayah Anda'}${query.status ? html` · ${COMPLIANCE_STATUS_ID[query.status] ?? query.status}` : ''}${query.agencyCode ? html` · perangkat daerah ${query.agencyCode}` : ''}</p>
      ${list.items.length
        ? html`<div class="table-wrap"><table class="stack"><caption class="sr-only">Daftar proyek</caption>
          <thead><tr><th scope="col">Proyek</th><th scope="col">Perangkat daerah</th><th scope="col">Status</th><th scope="col" class="num">Nilai kontrak</th><th scope="col">Batas pendaftaran</th></tr></thead>
          <tbody>${list.items.map(
            (p) => html`<tr><th scope="row"><a href="/console/projects/${p.projectId}">${p.name}</a></th><td data-label="Perangkat daerah">${p.agency.name ?? p.agency.code}</td>
              <td data-label="Status">${complianceBadge(p.status)}</td><td class="num" data-label="Nilai kontrak">${formatMoney(p.contractValue)}</td><td data-label="Batas pendaftaran">${formatDate(p.registrationDeadline)}</td></tr>`,
          )}</tbody></table></div>`
        : html`<p class="card">Tidak ada proyek yang cocok.</p>`}
      <nav class="pager" aria-label="Halaman">${query.cursor ? html`<a href="${href('/console/projects', { ...query, cursor: undefined })}">« Halaman pertama</a>` : html`<span></span>`}${next ? html`<a rel="next" href="${next}">Halaman berikutnya »</a>` : ''}</nav>`,
  });
}
