import { formatRupiah, formatRupiahId, isIsoDate, type IsoDate, parseRupiah, type Rupiah, type RupiahString, witaWallClock } from '@sinergi/domain';
import type { NotificationMessage } from './notification.types';
import { recipientActionsId, recipientContactId, recipientGreetingId, type RecipientActionContext } from './recipient-actions';

// Messages to officials and contractors are in Bahasa Indonesia (docs/api.md); everything here is pure.

export type NonComplianceReason =
  | 'ENROLMENT_MISSING'
  | 'PREMIUM_SHORTFALL'
  | 'COVERAGE_GAP'
  | 'WORKERS_UNCOVERED'
  | 'VERIFICATION_FAILED';

export type OfficialPosition =
  | 'CONTRACTOR'
  | 'PPK'
  | 'KEPALA_DINAS'
  | 'BPJS_BRANCH'
  | 'INSPEKTORAT'
  | 'SEKDA'
  | 'WAKIL_BUPATI'
  | 'BUPATI';

export const POSITION_LABELS_ID: Readonly<Record<OfficialPosition, string>> = {
  CONTRACTOR: 'Penyedia Jasa',
  PPK: 'Pejabat Pembuat Komitmen (PPK)',
  KEPALA_DINAS: 'Kepala Dinas (PA/KPA)',
  BPJS_BRANCH: 'BPJS Ketenagakerjaan Kantor Cabang',
  INSPEKTORAT: 'Inspektorat',
  SEKDA: 'Sekretaris Daerah',
  WAKIL_BUPATI: 'Wakil Bupati',
  BUPATI: 'Bupati',
};

export interface CaseEscalatedInput {
  readonly caseId: string;
  readonly projectId: string;
  readonly projectName: string;
  readonly projectRef: string;
  readonly regionName: string;
  readonly contractorName: string;
  readonly contractorNpwp: string;
  readonly agencyName: string;
  readonly level: number;
  readonly reasons: readonly NonComplianceReason[];
  readonly premiumDue: RupiahString;
  readonly premiumPaid: RupiahString;
  readonly registrationDeadline: IsoDate;
  /** ISO-8601 instant; `null` at the top of the ladder. */
  readonly nextEscalationAt: string | null;
  /** Who the next level reaches, when the ladder has one. */
  readonly nextRecipientPositions?: readonly OfficialPosition[];
  readonly caseUrl: string;
  /**
   * Who this copy is for: the message then says what that position should do and whom to contact. Without it the
   * message is the generic one (the contractor's to-do list).
   */
  readonly recipient?: CaseRecipient;
}

/** The recipient of one copy of a case notice. */
export interface CaseRecipient {
  readonly position: OfficialPosition;
  /** The contract's own PPK, resolved from `personal_data` when the message is built; null when not to be named. */
  readonly ppkName?: string | null;
  /** The contractor's and the contract PPK's copies: `caseUrl` is then a signed single-case link, valid until this instant. */
  readonly linkExpiresAt?: string | null;
}

export interface PaymentHoldInput {
  readonly projectId: string;
  readonly projectRef: string;
  readonly projectName: string;
  readonly terminNumber: number | null;
  readonly complianceStatus: 'COMPLIANT' | 'NON_COMPLIANT' | 'UNVERIFIABLE' | 'PENDING';
  readonly reasons: readonly NonComplianceReason[];
  readonly caseId?: string;
  readonly caseUrl?: string;
  /** The project's console page, for a notification that belongs to no case. */
  readonly projectUrl?: string;
  /** Why a hold is lifted: the project became compliant (default), the case was waived, or the project was cancelled. */
  readonly liftReason?: 'COMPLIANT' | 'WAIVED' | 'PROJECT_CANCELLED';
}

const MONTHS_ID = [
  'Januari',
  'Februari',
  'Maret',
  'April',
  'Mei',
  'Juni',
  'Juli',
  'Agustus',
  'September',
  'Oktober',
  'November',
  'Desember',
];

/** "16 Mei 2025" for `2025-05-16`. */
export function formatDateId(date: IsoDate): string {
  if (!isIsoDate(date)) throw new RangeError(`Expected YYYY-MM-DD, got '${date}'`);
  const [year, month, day] = date.split('-').map(Number);
  return `${day} ${MONTHS_ID[month - 1]} ${year}`;
}

/** "23 Mei 2025 pukul 09.00 WITA" for an instant, in Sulawesi's time zone. */
export function formatDateTimeWita(instant: string): string {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`Expected an ISO-8601 instant, got '${instant}'`);
  const wita = witaWallClock(ms);
  return `${formatDateId(wita.date)} pukul ${String(wita.hour).padStart(2, '0')}.${String(wita.minute).padStart(2, '0')} WITA`;
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** One plain sentence per reason: what is wrong. */
export function reasonSentenceId(reason: NonComplianceReason, shortfall?: Rupiah): string {
  switch (reason) {
    case 'ENROLMENT_MISSING':
      return 'Proyek belum didaftarkan ke BPJS Ketenagakerjaan (program Jasa Konstruksi) setelah batas waktu 14 hari kerja sejak SPK.';
    case 'PREMIUM_SHORTFALL':
      return shortfall === undefined
        ? 'Iuran BPJS Ketenagakerjaan yang dibayarkan kurang dari iuran yang terutang.'
        : `Iuran BPJS Ketenagakerjaan yang dibayarkan kurang dari iuran yang terutang; kekurangannya ${formatRupiahId(shortfall)}.`;
    case 'COVERAGE_GAP':
      return 'Masa kepesertaan BPJS Ketenagakerjaan berakhir sebelum akhir kontrak ditambah masa pemeliharaan.';
    case 'WORKERS_UNCOVERED':
      return 'Sebagian pekerja yang dilaporkan pada proyek ini belum terdaftar sebagai peserta BPJS Ketenagakerjaan.';
    case 'VERIFICATION_FAILED':
      return 'Kepesertaan proyek tidak dapat diverifikasi ke BPJS Ketenagakerjaan.';
    default:
      return assertNever(reason);
  }
}

/** One instruction per reason: what to do about it. */
function reasonActionId(reason: NonComplianceReason, shortfall: Rupiah): string {
  switch (reason) {
    case 'ENROLMENT_MISSING':
      return 'Daftarkan proyek ke BPJS Ketenagakerjaan (program Jasa Konstruksi) dan bayar iurannya.';
    case 'PREMIUM_SHORTFALL':
      return `Lunasi kekurangan iuran sebesar ${formatRupiahId(shortfall)}.`;
    case 'COVERAGE_GAP':
      return 'Perpanjang masa kepesertaan hingga akhir kontrak ditambah masa pemeliharaan.';
    case 'WORKERS_UNCOVERED':
      return 'Daftarkan seluruh pekerja proyek sebagai peserta BPJS Ketenagakerjaan.';
    case 'VERIFICATION_FAILED':
      return 'Kirimkan bukti kepesertaan proyek agar dapat dikonfirmasi oleh petugas.';
    default:
      return assertNever(reason);
  }
}

const ATTACH_EVIDENCE =
  'Lampirkan sertifikat kepesertaan BPJS Ketenagakerjaan dan bukti pembayaran iuran melalui tautan kasus di bawah ini.';

/** The message each recipient of a ladder level receives when a case reaches that level. */
export function caseEscalatedMessage(input: CaseEscalatedInput): NotificationMessage {
  const due = requireRupiah('premiumDue', input.premiumDue);
  const paid = requireRupiah('premiumPaid', input.premiumPaid);
  const shortfall = due > paid ? due - paid : 0n;
  const deadline = formatDateId(input.registrationDeadline);
  const caseUrl = requireHttpUrl(input.caseUrl);
  const reasons = [...new Set(input.reasons)];

  const problems = reasons.length
    ? reasons.map((reason) => reasonSentenceId(reason, shortfall))
    : ['Proyek tercatat belum patuh terhadap kewajiban kepesertaan BPJS Ketenagakerjaan; rinciannya ada pada tautan kasus.'];
  const contractorSteps = reasons.map((reason) => reasonActionId(reason, shortfall));
  const recipient = input.recipient;
  const linkExpiresOn = recipient?.linkExpiresAt ? formatDateTimeWita(recipient.linkExpiresAt) : null;
  const context = (names: boolean): RecipientActionContext => ({
    projectName: input.projectName,
    agencyName: input.agencyName,
    level: input.level,
    due,
    paid,
    shortfall,
    ppkName: names ? (recipient?.ppkName ?? null) : null,
    contractorName: names ? input.contractorName : null,
    linkExpiresOn,
  });
  const actions = recipient ? recipientActionsId(recipient.position, context(true), contractorSteps) : [...contractorSteps, ATTACH_EVIDENCE];
  const greeting = recipient ? recipientGreetingId(recipient.position, input.contractorName) : 'Yth. Bapak/Ibu,';
  const actionsTitle = recipient ? `Yang perlu Anda lakukan sebagai ${POSITION_LABELS_ID[recipient.position]}:` : 'Yang perlu dilakukan:';
  const contact = recipient ? recipientContactId(recipient.position, context(true)) : null;
  const linkLabel = linkExpiresOn ? 'Buka kasus (tautan khusus, tanpa akun)' : 'Lihat kasus';
  const next = nextEscalationSentence(input);

  const subject = singleLine(
    `[Sinergi] Tingkat ${input.level} — Proyek belum patuh BPJS Ketenagakerjaan: ${input.projectName}`,
  );
  const facts: [string, string][] = [
    ['Proyek', input.projectName],
    ['Kode paket', input.projectRef],
    ['Wilayah', input.regionName],
    ['Instansi', input.agencyName],
    ['Penyedia', `${input.contractorName} (NPWP ${input.contractorNpwp})`],
    ['Iuran terutang', formatRupiahId(due)],
    ['Iuran dibayar', formatRupiahId(paid)],
    ['Kekurangan iuran', formatRupiahId(shortfall)],
    ['Batas waktu pendaftaran', deadline],
  ];
  const intro = `Kasus kepatuhan BPJS Ketenagakerjaan untuk proyek "${input.projectName}" oleh penyedia ${input.contractorName} kini berada pada tingkat eskalasi ${input.level}.`;

  const text = [
    greeting,
    '',
    intro,
    '',
    ...facts.map(([label, value]) => `${label}: ${value}`),
    '',
    'Permasalahan:',
    ...problems.map((line) => `- ${line}`),
    '',
    actionsTitle,
    ...actions.map((line, index) => `${index + 1}. ${line}`),
    ...(contact ? ['', contact] : []),
    '',
    next,
    '',
    `${linkLabel}: ${caseUrl}`,
    '',
    'Pesan ini dikirim otomatis oleh Sinergi. Mohon tidak membalas e-mail ini.',
  ].join('\n');

  const html = [
    '<!doctype html>',
    `<html lang="id"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>`,
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    '<table>',
    ...facts.map(([label, value]) => `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`),
    '</table>',
    '<p><strong>Permasalahan:</strong></p>',
    `<ul>${problems.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`,
    `<p><strong>${escapeHtml(actionsTitle)}</strong></p>`,
    `<ol>${actions.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ol>`,
    ...(contact ? [`<p>${escapeHtml(contact)}</p>`] : []),
    `<p>${escapeHtml(next)}</p>`,
    `<p><a href="${escapeHtml(caseUrl)}">${escapeHtml(linkLabel)}</a></p>`,
    '<p><small>Pesan ini dikirim otomatis oleh Sinergi. Mohon tidak membalas e-mail ini.</small></p>',
    '</body></html>',
  ].join('\n');

  // Names and NPWP (an individual's NPWP is their NIK) stay out of the webhook payload; the receiver follows caseUrl.
  const payload = {
    type: 'CaseEscalated',
    caseId: input.caseId,
    projectId: input.projectId,
    projectRef: input.projectRef,
    level: input.level,
    reasons,
    premiumDue: formatRupiah(due),
    premiumPaid: formatRupiah(paid),
    premiumShortfall: formatRupiah(shortfall),
    registrationDeadline: input.registrationDeadline,
    nextEscalationAt: input.nextEscalationAt,
    caseUrl,
    // What the recipient should do, worded without names (a payload is no place for personal data).
    ...(recipient ? { recipientPosition: recipient.position, actions: recipientActionsId(recipient.position, context(false), contractorSteps) } : {}),
  };

  return { kind: 'CASE_ESCALATED', caseId: input.caseId, projectId: input.projectId, level: input.level, subject, text, html, payload };
}

/** Sent to the procurement client's webhook when a payment is requested on a project that is not compliant. */
export function paymentHoldRecommendedMessage(input: PaymentHoldInput): NotificationMessage {
  return paymentHoldMessage(input, 'HOLD');
}

/** Sent to the procurement client's webhook when the project has become compliant and a held payment may proceed. */
export function paymentHoldLiftedMessage(input: PaymentHoldInput): NotificationMessage {
  return paymentHoldMessage(input, 'RELEASE');
}

/**
 * Sent to the procurement client's webhook when a termin was requested before any verdict and the verdict that came
 * is compliant: the payment need not wait (no case was opened).
 */
export function paymentRequestClearedMessage(input: Omit<PaymentHoldInput, 'reasons' | 'caseId' | 'caseUrl' | 'liftReason'>): NotificationMessage {
  const projectUrl = input.projectUrl === undefined ? undefined : requireHttpUrl(input.projectUrl);
  const termin = input.terminNumber === null ? 'pembayaran' : `pembayaran termin ${input.terminNumber}`;
  const subject = singleLine(`[Sinergi] Proyek patuh, ${termin} dapat diproses: ${input.projectName}`);
  const lead = `Verifikasi BPJS Ketenagakerjaan untuk proyek "${input.projectName}" (kode paket ${input.projectRef}) telah selesai: proyek patuh, sehingga ${termin} tidak perlu ditunda.`;
  return {
    kind: 'PAYMENT_REQUEST_CLEARED',
    projectId: input.projectId,
    subject,
    text: projectUrl ? `${lead}\n\nLihat proyek: ${projectUrl}` : lead,
    html: `<p>${escapeHtml(lead)}</p>${projectUrl ? `\n<p><a href="${escapeHtml(projectUrl)}">Lihat proyek</a></p>` : ''}`,
    payload: {
      type: 'PaymentRequestCleared',
      projectId: input.projectId,
      projectRef: input.projectRef,
      terminNumber: input.terminNumber,
      complianceStatus: input.complianceStatus,
      reasons: [],
      recommendation: 'PROCEED',
      ...(projectUrl ? { projectUrl } : {}),
    },
  };
}

function paymentHoldMessage(input: PaymentHoldInput, recommendation: 'HOLD' | 'RELEASE'): NotificationMessage {
  const caseUrl = input.caseUrl === undefined ? undefined : requireHttpUrl(input.caseUrl);
  const reasons = [...new Set(input.reasons)];
  const termin = input.terminNumber === null ? 'pembayaran' : `pembayaran termin ${input.terminNumber}`;
  const hold = recommendation === 'HOLD';
  const subject = singleLine(
    hold
      ? `[Sinergi] Rekomendasi penundaan ${termin}: ${input.projectName}`
      : input.liftReason === 'PROJECT_CANCELLED'
        ? `[Sinergi] Proyek dibatalkan, rekomendasi penundaan ${termin} dicabut: ${input.projectName}`
        : `[Sinergi] Rekomendasi penundaan dicabut, ${termin} dapat dilanjutkan: ${input.projectName}`,
  );
  const cancelled = !hold && input.liftReason === 'PROJECT_CANCELLED';
  const lead = hold
    ? `Sinergi merekomendasikan agar ${termin} untuk proyek "${input.projectName}" (kode paket ${input.projectRef}) ditunda sampai proyek patuh terhadap kewajiban BPJS Ketenagakerjaan.`
    : cancelled
      ? `Proyek "${input.projectName}" (kode paket ${input.projectRef}) telah dibatalkan; rekomendasi penundaan ${termin} tidak berlaku lagi dan kasusnya ditutup.`
      : `Proyek "${input.projectName}" (kode paket ${input.projectRef}) telah patuh terhadap kewajiban BPJS Ketenagakerjaan; rekomendasi penundaan dicabut dan ${termin} dapat dilanjutkan.`;
  const problems = hold ? reasons.map((reason) => reasonSentenceId(reason)) : [];

  const text = [
    lead,
    ...(problems.length ? ['', 'Permasalahan:', ...problems.map((line) => `- ${line}`)] : []),
    ...(hold ? ['', 'Lampirkan sertifikat kepesertaan dan bukti pembayaran iuran pada permintaan pembayaran (SPP-LS).'] : []),
    ...(caseUrl ? ['', `Lihat kasus: ${caseUrl}`] : []),
  ].join('\n');
  const html = [
    `<p>${escapeHtml(lead)}</p>`,
    ...(problems.length ? [`<ul>${problems.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>`] : []),
    ...(hold
      ? [`<p>${escapeHtml('Lampirkan sertifikat kepesertaan dan bukti pembayaran iuran pada permintaan pembayaran (SPP-LS).')}</p>`]
      : []),
    ...(caseUrl ? [`<p><a href="${escapeHtml(caseUrl)}">Lihat kasus</a></p>`] : []),
  ].join('\n');

  const payload = {
    type: hold ? 'PaymentHoldRecommended' : 'PaymentHoldLifted',
    projectId: input.projectId,
    projectRef: input.projectRef,
    terminNumber: input.terminNumber,
    complianceStatus: input.complianceStatus,
    reasons,
    recommendation,
    ...(hold ? {} : { liftReason: input.liftReason ?? 'COMPLIANT' }),
    ...(caseUrl ? { caseUrl } : {}),
  };
  return {
    kind: hold ? 'PAYMENT_HOLD_RECOMMENDED' : 'PAYMENT_HOLD_LIFTED',
    ...(input.caseId === undefined ? {} : { caseId: input.caseId }),
    projectId: input.projectId,
    subject,
    text,
    html,
    payload,
  };
}

function nextEscalationSentence(input: CaseEscalatedInput): string {
  if (input.nextEscalationAt === null) {
    return 'Ini adalah tingkat eskalasi tertinggi; kasus tetap terbuka sampai proyek patuh.';
  }
  const when = formatDateTimeWita(input.nextEscalationAt);
  const whom = input.nextRecipientPositions?.length
    ? input.nextRecipientPositions.map((position) => POSITION_LABELS_ID[position]).join(', ')
    : `penerima tingkat ${input.level + 1}`;
  return `Jika belum diselesaikan, kasus ini akan dinaikkan ke tingkat ${input.level + 1} (${whom}) pada ${when}.`;
}

function requireRupiah(field: string, value: string): Rupiah {
  const amount = parseRupiah(value);
  if (amount === null) throw new RangeError(`${field} must be a whole number of rupiah as digits`);
  return amount;
}

/** Only http(s) links go into a message: a `javascript:` URL in an href would run in a mail client or inbox. */
function requireHttpUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError('caseUrl must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError('caseUrl must be http(s)');
  return url.href;
}

/** Subjects become mail headers: no line breaks. */
function singleLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}
