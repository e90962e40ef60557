import type { FieldError } from '@sinergi/common';
import { isIsoDate, isValidBpjsPaymentCode, isValidBpjsProjectNumber, isValidBpjsReceiptNumber, isValidNpp, parseRupiah } from '@sinergi/domain';
import type { EvidenceDocuments } from '../../verification/commands/submit-enrolment-evidence/submit-enrolment-evidence.command';

/** The evidence form's fields, named as the API's `POST /v1/projects/{id}/evidence` names them. */
export const EVIDENCE_FIELDS = ['projectNumber', 'npp', 'receiptNumber', 'paymentCode', 'premiumPaid', 'coveredFrom', 'coveredTo'] as const;
export type EvidenceField = (typeof EVIDENCE_FIELDS)[number];
export type EvidenceFormValues = Record<EvidenceField, string>;

/** What a contractor reads next to a field it got wrong. */
export const EVIDENCE_FIELD_ERROR_ID: Record<EvidenceField, string> = {
  projectNumber: 'Nomor proyek pada sertifikat kepesertaan terdiri atas 13 angka.',
  npp: 'NPP (nomor pendaftaran perusahaan) terdiri atas 8 angka.',
  receiptNumber: 'Nomor bukti bayar terdiri atas 15 angka.',
  paymentCode: 'Kode iuran terdiri atas 12 angka (boleh dikosongkan).',
  premiumPaid: 'Tulis jumlah iuran yang dibayar dalam rupiah, misalnya 3.252.703.',
  coveredFrom: 'Tulis tanggal mulai kepesertaan (tahun-bulan-tanggal).',
  coveredTo: 'Tulis tanggal akhir kepesertaan (tahun-bulan-tanggal), tidak sebelum tanggal mulai.',
};

const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
/** Digits as people copy them off a document: spaces and dashes between groups are dropped. */
const digits = (value: string) => value.replace(/[\s-]/g, '');
/** "Rp 3.252.703", "3252703" or "3 252 703": whole rupiah, dots and spaces as thousands separators. */
function rupiah(value: string): string | null {
  const bare = value.replace(/^rp\.?\s*/i, '').replace(/[\s.]/g, '');
  const amount = /^\d{1,15}$/.test(bare) ? parseRupiah(bare) : null;
  return amount === null ? null : amount.toString();
}

/**
 * Reads and checks the form as the edge of the API does (the decider checks again): the documents to submit, or the
 * fields in error. The typed values come back either way, so a refused form shows what was typed.
 */
export function readEvidenceForm(body: unknown): { values: EvidenceFormValues; documents: EvidenceDocuments | null; errors: FieldError[] } {
  const raw = (body ?? {}) as Record<string, unknown>;
  const values = Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, text(raw[f])])) as EvidenceFormValues;
  const errors: FieldError[] = [];
  const fail = (path: EvidenceField, code: string) => errors.push({ path, code, message: EVIDENCE_FIELD_ERROR_ID[path] });
  const projectNumber = digits(values.projectNumber);
  const npp = digits(values.npp);
  const receiptNumber = digits(values.receiptNumber);
  const paymentCode = digits(values.paymentCode);
  const premiumPaid = rupiah(values.premiumPaid);
  if (!isValidBpjsProjectNumber(projectNumber)) fail('projectNumber', 'invalid_format');
  if (!isValidNpp(npp)) fail('npp', 'invalid_format');
  if (!isValidBpjsReceiptNumber(receiptNumber)) fail('receiptNumber', 'invalid_format');
  if (paymentCode !== '' && !isValidBpjsPaymentCode(paymentCode)) fail('paymentCode', 'invalid_format');
  if (premiumPaid === null) fail('premiumPaid', 'integer_rupiah');
  if (!isIsoDate(values.coveredFrom)) fail('coveredFrom', 'invalid_iso_date');
  if (!isIsoDate(values.coveredTo)) fail('coveredTo', 'invalid_iso_date');
  else if (isIsoDate(values.coveredFrom) && values.coveredTo < values.coveredFrom) fail('coveredTo', 'before_covered_from');
  if (errors.length || premiumPaid === null || !isIsoDate(values.coveredFrom) || !isIsoDate(values.coveredTo)) return { values, documents: null, errors };
  return {
    values,
    documents: { projectNumber, npp, paymentCode: paymentCode === '' ? null : paymentCode, receiptNumber, premiumPaid, coveredFrom: values.coveredFrom, coveredTo: values.coveredTo },
    errors,
  };
}

export const emptyEvidenceForm = (): EvidenceFormValues => Object.fromEntries(EVIDENCE_FIELDS.map((f) => [f, ''])) as EvidenceFormValues;
