import type { FieldError } from '@sinergi/common';
import type { CaseDetail } from '../../escalation/cases-api/queries/get-case/get-case.handler';
import { MAX_NOTE_LENGTH } from '../../escalation/case-decider/escalation-case.decider';
import { type NonComplianceReason, reasonSentenceId } from '../../escalation/notification/message-templates';
import { recipientActionsId } from '../../escalation/notification/recipient-actions';
import type { ProjectView } from '../../verification/queries/get-project/get-project.query';
import { evidenceForm, evidenceList } from '../evidence/evidence.view';
import type { EvidenceFormValues } from '../evidence/evidence-form';
import type { EvidenceOnFile } from '../evidence/evidence-on-file';
import { formatDate, formatDateTime, formatMoney } from '../view/console-format';
import { type Html, html } from '../view/html';
import { ACTION_ERROR_ID, COMPLIANCE_STATUS_ID, positionId } from '../view/labels-id';
import { page } from '../view/layout';
import type { CaseLink } from './case-link-token';

/** The hidden fields every form of a link page carries: the link itself and its CSRF token. */
export const linkFields = (token: string, csrf: string) => html`<input type="hidden" name="t" value="${token}"><input type="hidden" name="_csrf" value="${csrf}">`;

export interface CaseLinkPageData {
  link: CaseLink;
  token: string;
  csrf: string;
  detail: CaseDetail;
  project: ProjectView;
  evidence: EvidenceOnFile[];
  /** After a redirect: what was done (`?selesai=`). */
  done?: string;
  /** A refused evidence form, with what was typed. */
  evidenceForm?: { values: EvidenceFormValues; errors: FieldError[]; code?: string };
  /** A refused acknowledgement. */
  ackError?: { code: string; text: string };
}

const DONE_ID: Record<string, string> = {
  evidence: 'Bukti Anda sudah diterima. Petugas akan memeriksanya; hasilnya tampil di halaman ini.',
  acknowledged: 'Tanggapan Anda sudah dicatat.',
};

const SUBMIT_ERROR_ID: Record<string, string> = {
  evidence_already_submitted: 'Bukti dengan nomor bukti bayar ini sudah dikirim dan sedang diperiksa atau sudah dikonfirmasi.',
  invalid_evidence: 'Periksa kembali isian yang ditandai di bawah.',
};

function facts(project: ProjectView): Html {
  const due = BigInt(project.premiumDue);
  const paid = BigInt(project.premiumPaid);
  return html`<dl class="facts">
    <dt>Proyek</dt><dd>${project.name}</dd>
    <dt>Kode paket</dt><dd>${project.projectRef}</dd>
    <dt>Perangkat daerah</dt><dd>${project.agency.name}</dd>
    <dt>Penyedia</dt><dd>${project.contractor.name}</dd>
    <dt>Nomor kontrak</dt><dd>${project.contractNumber}, ${formatDate(project.contractDate)}</dd>
    <dt>Masa kontrak</dt><dd>${formatDate(project.startDate)} – ${formatDate(project.endDate)}${project.maintenanceEndDate ? html`; pemeliharaan sampai ${formatDate(project.maintenanceEndDate)}` : ''}</dd>
    <dt>Nilai kontrak</dt><dd>${formatMoney(project.contractValue)}</dd>
    <dt>Iuran terutang</dt><dd>${formatMoney(due)}</dd>
    <dt>Iuran tercatat dibayar</dt><dd>${formatMoney(paid)}</dd>
    ${due > paid ? html`<dt>Kekurangan iuran</dt><dd><strong>${formatMoney(due - paid)}</strong></dd>` : ''}
    <dt>Batas pendaftaran</dt><dd>${formatDate(project.registrationDeadline)}</dd>
    <dt>Status kepatuhan</dt><dd>${COMPLIANCE_STATUS_ID[project.complianceStatus] ?? project.complianceStatus}</dd>
  </dl>`;
}

function contractorSteps(project: ProjectView, reasons: readonly string[]): string[] {
  const due = BigInt(project.premiumDue);
  const paid = BigInt(project.premiumPaid);
  const steps: string[] = [];
  if (reasons.includes('ENROLMENT_MISSING')) steps.push('Daftarkan proyek ke BPJS Ketenagakerjaan (program Jasa Konstruksi).');
  if (due > paid) {
    steps.push(
      paid > 0n
        ? `Bayar kekurangan iuran sebesar ${formatMoney(due - paid)} (iuran terutang ${formatMoney(due)}, tercatat dibayar ${formatMoney(paid)}).`
        : `Bayar iuran sebesar ${formatMoney(due)}.`,
    );
  }
  if (reasons.includes('COVERAGE_GAP')) steps.push('Perpanjang masa kepesertaan hingga akhir kontrak ditambah masa pemeliharaan.');
  if (reasons.includes('WORKERS_UNCOVERED')) steps.push('Daftarkan seluruh pekerja proyek sebagai peserta BPJS Ketenagakerjaan.');
  steps.push('Isi formulir di bawah dengan nomor sertifikat kepesertaan, nomor bukti bayar dan jumlah iuran yang dibayar. Petugas memeriksa dan mengonfirmasinya, lalu Sinergi memverifikasi ulang proyek.');
  return steps;
}

/** The single case a signed link opens, with what its holder (the contractor or the contract's PPK) may do there. */
export function caseLinkPage(d: CaseLinkPageData): Html {
  const { project, detail, link } = d;
  const due = BigInt(project.premiumDue);
  const paid = BigInt(project.premiumPaid);
  const steps =
    link.role === 'CONTRACTOR'
      ? contractorSteps(project, detail.reasons)
      : recipientActionsId('PPK', {
          projectName: project.name,
          agencyName: project.agency.name,
          level: detail.currentLevel,
          due,
          paid,
          shortfall: due > paid ? due - paid : 0n,
          ppkName: null,
          contractorName: project.contractor.name,
        });
  const submitCode = d.evidenceForm?.code;
  const body = html`${d.done && DONE_ID[d.done] ? html`<p class="notice ok" role="status">${DONE_ID[d.done]}</p>` : ''}
    <p class="notice">Halaman ini khusus untuk ${positionId(link.role)} pada kasus ini saja, tanpa akun. Tautannya berlaku sampai
      <strong>${formatDateTime(link.expiresAt)}</strong> atau sampai kasus selesai. Jangan teruskan tautan ini kepada orang lain.</p>
    <section class="card" aria-labelledby="judul-langkah"><h2 id="judul-langkah">Yang perlu Anda lakukan</h2>
      <ol>${steps.map((s) => html`<li>${s}</li>`)}</ol>
    </section>
    <section class="card" aria-labelledby="judul-masalah"><h2 id="judul-masalah">Masalah</h2>
      <ul>${detail.reasons.map((r) => html`<li>${reasonSentenceId(r as NonComplianceReason, r === 'PREMIUM_SHORTFALL' && due > paid ? due - paid : undefined)}</li>`)}</ul>
    </section>
    <section class="card" aria-labelledby="judul-proyek"><h2 id="judul-proyek">Proyek</h2>${facts(project)}</section>
    <section aria-labelledby="judul-bukti"><h2 id="judul-bukti">${link.role === 'CONTRACTOR' ? 'Bukti yang sudah Anda kirim' : 'Bukti dari penyedia'}</h2>
      ${evidenceList(d.evidence)}
      ${link.role === 'PPK' ? html`<p class="muted">Bukti dikonfirmasi atau ditolak oleh petugas perangkat daerah melalui konsol Sinergi.</p>` : ''}
    </section>
    ${link.role === 'CONTRACTOR'
      ? html`<section aria-labelledby="judul-kirim"><h2 id="judul-kirim">Kirim bukti kepesertaan</h2>
          ${submitCode && submitCode !== 'invalid_evidence' ? html`<p class="notice error" role="alert">${SUBMIT_ERROR_ID[submitCode] ?? 'Bukti tidak dapat dicatat.'}</p>` : ''}
          ${evidenceForm('/console/link/evidence', linkFields(d.token, d.csrf), d.evidenceForm?.values ?? emptyValues(), d.evidenceForm?.errors ?? [])}
        </section>`
      : html`<section aria-labelledby="judul-tanggapan"><h2 id="judul-tanggapan">Tanggapi tingkat ${detail.currentLevel}</h2>
          <form class="card" method="post" action="/console/link/acknowledge">
            ${linkFields(d.token, d.csrf)}
            ${d.ackError ? html`<p class="notice error" role="alert" id="galat-tanggapan">${ACTION_ERROR_ID[d.ackError.code] ?? 'Tanggapan tidak dapat dicatat.'}</p>` : ''}
            <label for="catatan">Catatan tindak lanjut</label>
            <textarea id="catatan" name="note" maxlength="${MAX_NOTE_LENGTH}"${d.ackError ? html` aria-describedby="galat-tanggapan"` : ''}>${d.ackError?.text ?? ''}</textarea>
            <p class="muted">Misalnya: bukti sudah diperiksa, permintaan pembayaran (SPP-LS) ditahan, penyedia sudah dihubungi.</p>
            <button type="submit">Catat tanggapan</button>
          </form>
        </section>`}`;
  return page({ title: `Kasus kepatuhan: ${project.name}`, body });
}

const emptyValues = (): EvidenceFormValues => ({ projectNumber: '', npp: '', receiptNumber: '', paymentCode: '', premiumPaid: '', coveredFrom: '', coveredTo: '' });

const ENDED_ID: Record<string, string> = {
  RESOLVED: 'Proyek ini sudah patuh dan kasusnya selesai. Terima kasih.',
  WAIVED: 'Kasus ini sudah dikecualikan oleh perangkat daerah.',
  CLOSED: 'Proyek ini dibatalkan dan kasusnya ditutup.',
};

/** A link to a case that has ended: it says so and offers nothing more (no project data, no form). */
export function caseEndedPage(status: string): Html {
  return page({
    title: 'Kasus sudah berakhir',
    body: html`<div class="card"><p>${ENDED_ID[status] ?? 'Kasus ini sudah berakhir.'}</p>
      <p>Tautan khusus ini tidak berlaku lagi. Bila ada pertanyaan, hubungi PPK proyek atau perangkat daerah yang bersangkutan.</p></div>`,
  });
}

/** A genuine link past its expiry. */
export function caseLinkExpiredPage(): Html {
  return page({
    title: 'Tautan sudah kedaluwarsa',
    body: html`<div class="card"><p>Tautan khusus ini sudah tidak berlaku.</p>
      <p>Bila kasusnya masih terbuka, hubungi PPK proyek atau perangkat daerah yang bersangkutan untuk mendapatkan tautan baru.</p></div>`,
  });
}
