import type { WhatsappConfig } from '@sinergi/common';
import { formatRupiahId, parseRupiah } from '@sinergi/domain';
import { caseUrlFor, type MessageSources, type NotificationRow } from '../delivery/notification-message';
import { NotificationUndeliverableError } from '../delivery/notification-undeliverable.error';
import { formatDateId, formatDateTimeWita, type OfficialPosition, POSITION_LABELS_ID } from '../message-templates';
import type { NotificationMessage } from '../notification.types';
import type { WhatsappTemplate } from './whatsapp.channel';

/** Short Bahasa Indonesia names of what is wrong: a template parameter is one line. */
export const REASON_SHORT_ID: Readonly<Record<string, string>> = {
  ENROLMENT_MISSING: 'proyek belum didaftarkan ke BPJS Ketenagakerjaan',
  PREMIUM_SHORTFALL: 'iuran yang dibayar kurang dari iuran terutang',
  COVERAGE_GAP: 'masa kepesertaan tidak mencakup masa kontrak dan pemeliharaan',
  WORKERS_UNCOVERED: 'sebagian pekerja belum terdaftar sebagai peserta',
  VERIFICATION_FAILED: 'kepesertaan tidak dapat diverifikasi',
};

/** Meta refuses a parameter with a line break, a tab or more than four spaces in a row; and caps its length. */
const MAX_PARAMETER = 1024;

export function templateParameter(value: string): string {
  const line = value.replace(/[\r\n\t]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return line.length > MAX_PARAMETER ? `${line.slice(0, MAX_PARAMETER - 1)}…` : line || '-';
}

/**
 * The approved template and its body parameters for one notification, from the same facts as the e-mail (the
 * level, the project, its region, the contractor, what is wrong, the shortfall in rupiah, the registration deadline,
 * when and to whom the case climbs next, and the case link). Only ladder levels (CASE_ESCALATED) go by WhatsApp.
 *
 * The template registered with Meta (docs/connectors.md, WhatsApp) reads the parameters in this order:
 * {{1}} level, {{2}} project name, {{3}} region, {{4}} contractor, {{5}} problems, {{6}} shortfall,
 * {{7}} registration deadline, {{8}} what happens next, {{9}} case link.
 */
export function whatsappTemplateFor(
  row: NotificationRow,
  sources: MessageSources,
  message: NotificationMessage,
  templates: WhatsappConfig['templates'],
): WhatsappTemplate {
  const registration = sources.project.registration;
  if (row.kind !== 'CASE_ESCALATED' || registration === null || row.caseId === null) {
    throw new NotificationUndeliverableError('message_unavailable', `no WhatsApp template for ${row.kind}`);
  }
  const state = sources.escalationCase;
  const level = row.level ?? state.currentLevel ?? 0;
  const reached = sources.caseEvents.find((e) => e.type === 'EscalationLevelReached' && e.data.level === level);
  const nextEscalationAt = reached?.type === 'EscalationLevelReached' ? reached.data.nextEscalationAt : null;
  const next = state.ladder?.levels[level + 1];

  const due = parseRupiah(sources.project.premium?.total ?? registration.premium.total) ?? 0n;
  const paid = parseRupiah(sources.compliance.enrolment?.premiumPaid ?? '0') ?? 0n;
  const shortfall = due > paid ? due - paid : 0n;
  const reasons = [...new Set(state.reasons)];
  const problems = reasons.length ? reasons.map((r) => REASON_SHORT_ID[r] ?? r).join('; ') : 'proyek tercatat belum patuh; rinciannya ada pada tautan kasus';
  const whom = next?.recipients.length ? next.recipients.map((p) => POSITION_LABELS_ID[p as OfficialPosition] ?? p).join(', ') : `penerima tingkat ${level + 1}`;
  const nextStep =
    nextEscalationAt === null
      ? 'Ini tingkat eskalasi tertinggi; kasus tetap terbuka sampai proyek patuh.'
      : `Jika belum diselesaikan, kasus dinaikkan ke tingkat ${level + 1} (${whom}) pada ${formatDateTimeWita(nextEscalationAt)}.`;
  const payloadUrl = message.payload.caseUrl;
  const caseUrl = typeof payloadUrl === 'string' && /^https?:\/\//.test(payloadUrl) ? payloadUrl : caseUrlFor(sources.publicBaseUrl, row.caseId);

  return {
    name: templates.caseEscalated,
    languageCode: 'id',
    bodyParameters: [
      String(level),
      registration.name,
      sources.regionName,
      registration.contractor.name,
      problems,
      formatRupiahId(shortfall),
      formatDateId(registration.registrationDeadline),
      nextStep,
      caseUrl,
    ].map(templateParameter),
  };
}
