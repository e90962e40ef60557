import type { FieldError } from '@sinergi/common';
import { formatDate, formatDateTime, formatMoney } from '../view/console-format';
import { type Html, html } from '../view/html';
import { EVIDENCE_FIELD_ERROR_ID, type EvidenceField, type EvidenceFormValues } from './evidence-form';
import type { EvidenceOnFile } from './evidence-on-file';

export const EVIDENCE_STATUS_ID: Record<string, string> = {
  SUBMITTED: 'Menunggu pemeriksaan petugas',
  CONFIRMED: 'Dikonfirmasi petugas',
  REJECTED: 'Ditolak petugas',
};

const badge = (status: string) =>
  html`<span class="badge ${status === 'CONFIRMED' ? 'b-ok' : status === 'REJECTED' ? 'b-bad' : 'b-wait'}">${EVIDENCE_STATUS_ID[status] ?? status}</span>`;

export interface DecideForms {
  caseId: string;
  /** The hidden CSRF field of the reader's session (nothing for a bearer token). */
  csrf: Html;
  /** A refused reject form, shown again with what was typed. */
  error?: { evidenceId: string; code: string; text: string };
}

/** The evidence on file, newest first; with `decide`, an official's confirm and reject forms under each awaiting one. */
export function evidenceList(list: readonly EvidenceOnFile[], decide?: DecideForms): Html {
  if (list.length === 0) return html`<p class="muted">Belum ada bukti kepesertaan yang dikirim untuk proyek ini.</p>`;
  return html`<ul class="evidence">${list.map((e) => {
    const refused = decide?.error?.evidenceId === e.evidenceId ? decide.error : undefined;
    return html`<li class="card">
      <p>${badge(e.status)} <span class="muted">dikirim ${formatDateTime(e.submittedAt)}</span></p>
      <dl class="facts">
        <dt>Nomor proyek BPJS</dt><dd>${e.projectNumber}</dd>
        <dt>NPP</dt><dd>${e.npp}</dd>
        <dt>Nomor bukti bayar</dt><dd>${e.receiptNumber}</dd>
        ${e.paymentCode ? html`<dt>Kode iuran</dt><dd>${e.paymentCode}</dd>` : ''}
        <dt>Iuran dibayar</dt><dd>${formatMoney(e.premiumPaid)}</dd>
        <dt>Masa kepesertaan</dt><dd>${formatDate(e.coveredFrom)} – ${formatDate(e.coveredTo)}</dd>
        ${e.status === 'REJECTED' && e.rejectionReason ? html`<dt>Alasan penolakan</dt><dd>“${e.rejectionReason}”</dd>` : ''}
      </dl>
      ${decide && e.status === 'SUBMITTED'
        ? html`<div class="actions">
            <form method="post" action="/console/cases/${decide.caseId}/evidence/${e.evidenceId}/confirm">
              ${decide.csrf}
              <p>Cocokkan nomor-nomor ini dengan sertifikat dan bukti bayar (atau data Kantor Cabang BPJS Ketenagakerjaan). Setelah dikonfirmasi, Sinergi memverifikasi ulang proyek dengan bukti ini.</p>
              <button type="submit">Konfirmasi bukti</button>
            </form>
            <form method="post" action="/console/cases/${decide.caseId}/evidence/${e.evidenceId}/reject">
              ${decide.csrf}
              ${refused ? html`<p class="notice error" role="alert" id="galat-tolak-${e.evidenceId}">${EVIDENCE_DECISION_ERROR_ID[refused.code] ?? 'Keputusan tidak dapat dicatat.'}</p>` : ''}
              <label for="tolak-${e.evidenceId}">Alasan penolakan</label>
              <textarea id="tolak-${e.evidenceId}" name="reason" required maxlength="1000"${refused ? html` aria-describedby="galat-tolak-${e.evidenceId}"` : ''}>${refused?.text ?? ''}</textarea>
              <button type="submit" class="danger">Tolak bukti</button>
            </form>
          </div>`
        : ''}
    </li>`;
  })}</ul>`;
}

export const EVIDENCE_DECISION_ERROR_ID: Record<string, string> = {
  reason_required: 'Tulis alasan penolakan.',
  validation_failed: 'Alasan penolakan paling banyak 1.000 karakter.',
  evidence_already_decided: 'Bukti ini sudah dikonfirmasi atau ditolak sebelumnya.',
  evidence_not_found: 'Bukti ini tidak ditemukan pada proyek ini.',
  forbidden_role: 'Peran Anda tidak berwenang memutuskan bukti.',
};

const FIELD_LABELS: Record<EvidenceField, [label: string, hint: string]> = {
  projectNumber: ['Nomor proyek pada sertifikat kepesertaan', '13 angka, tercetak pada sertifikat kepesertaan BPJS Ketenagakerjaan Jasa Konstruksi.'],
  npp: ['NPP (nomor pendaftaran perusahaan)', '8 angka.'],
  receiptNumber: ['Nomor bukti bayar iuran', '15 angka, tercetak pada bukti pembayaran.'],
  paymentCode: ['Kode iuran (tidak wajib)', '12 angka, dari penetapan iuran.'],
  premiumPaid: ['Jumlah iuran yang dibayar (Rp)', 'Dalam rupiah penuh, misalnya 3.252.703.'],
  coveredFrom: ['Kepesertaan mulai', 'Tanggal pada sertifikat.'],
  coveredTo: ['Kepesertaan berakhir', 'Tanggal pada sertifikat; harus mencakup akhir kontrak dan masa pemeliharaan.'],
};

/** The contractor's evidence form; `hidden` carries the link and its CSRF token. */
export function evidenceForm(action: string, hidden: Html, values: EvidenceFormValues, errors: readonly FieldError[]): Html {
  const errorOf = (field: EvidenceField) => errors.find((e) => e.path === field);
  const field = (name: EvidenceField, kind: 'digits' | 'money' | 'date', maxLength: number, required = true) => {
    const [label, hint] = FIELD_LABELS[name];
    const error = errorOf(name);
    const described = `petunjuk-${name}${error ? ` galat-${name}` : ''}`;
    const attrs =
      kind === 'date'
        ? html`type="date"`
        : html`type="text" inputmode="${kind === 'money' ? 'decimal' : 'numeric'}" autocomplete="off" maxlength="${maxLength}"`;
    return html`<div class="field">
      <label for="bukti-${name}">${label}</label>
      <input id="bukti-${name}" name="${name}" ${attrs} value="${values[name]}"${required ? html` required` : ''} aria-describedby="${described}"${error ? html` aria-invalid="true"` : ''}>
      <p class="hint" id="petunjuk-${name}">${hint}</p>
      ${error ? html`<p class="field-error" id="galat-${name}">${EVIDENCE_FIELD_ERROR_ID[name]}</p>` : ''}
    </div>`;
  };
  return html`<form class="card" method="post" action="${action}">
    ${hidden}
    ${errors.length ? html`<p class="notice error" role="alert">Periksa kembali isian yang ditandai di bawah.</p>` : ''}
    <div class="form-grid">
      ${field('projectNumber', 'digits', 20)}
      ${field('npp', 'digits', 12)}
      ${field('receiptNumber', 'digits', 24)}
      ${field('paymentCode', 'digits', 20, false)}
      ${field('premiumPaid', 'money', 24)}
      ${field('coveredFrom', 'date', 10)}
      ${field('coveredTo', 'date', 10)}
    </div>
    <button type="submit">Kirim bukti untuk diperiksa</button>
  </form>`;
}
