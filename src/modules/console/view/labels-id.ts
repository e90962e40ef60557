import type { Position, Principal } from '@sinergi/auth';

/** What officials read, in Bahasa Indonesia: positions, statuses, reasons, event types. */

export const POSITION_ID: Record<Position, string> = {
  CONTRACTOR: 'Penyedia jasa (kontraktor)',
  PPK: 'Pejabat Pembuat Komitmen (PPK)',
  KEPALA_DINAS: 'Kepala Dinas',
  BPJS_BRANCH: 'Kantor Cabang BPJS Ketenagakerjaan',
  INSPEKTORAT: 'Inspektorat',
  SEKDA: 'Sekretaris Daerah',
  WAKIL_BUPATI: 'Wakil Bupati',
  BUPATI: 'Bupati',
};

export const positionId = (position: string | null | undefined): string =>
  position ? (POSITION_ID[position as Position] ?? position) : 'Tanpa jabatan';

export function roleId(principal: Pick<Principal, 'roles' | 'position'>): string {
  if (principal.roles.includes('admin')) return 'Admin';
  if (principal.roles.includes('auditor')) return 'Auditor';
  return principal.position ? positionId(principal.position) : 'Pejabat';
}

export const CASE_STATUS_ID: Record<string, string> = {
  OPEN: 'Terbuka',
  RESOLVED: 'Selesai — proyek sudah patuh',
  CLOSED: 'Ditutup — proyek dibatalkan',
  WAIVED: 'Dikecualikan',
};

export const COMPLIANCE_STATUS_ID: Record<string, string> = {
  PENDING: 'Menunggu verifikasi',
  COMPLIANT: 'Patuh',
  NON_COMPLIANT: 'Tidak patuh',
  UNVERIFIABLE: 'Tidak dapat diverifikasi',
};

export const PROJECT_LIFECYCLE_ID: Record<string, string> = {
  REGISTERED: 'Kontrak terdaftar',
  IN_PROGRESS: 'Sedang dikerjakan',
  ACTIVE: 'Sedang dikerjakan',
  COMPLETED: 'Selesai diserahterimakan',
  CANCELLED: 'Dibatalkan',
};

/** A short label per reason, for lists; the case page adds the full sentence. */
export const REASON_LABEL_ID: Record<string, string> = {
  ENROLMENT_MISSING: 'Belum terdaftar di BPJS Ketenagakerjaan',
  PREMIUM_SHORTFALL: 'Iuran kurang bayar',
  COVERAGE_GAP: 'Masa kepesertaan tidak sampai akhir kontrak',
  WORKERS_UNCOVERED: 'Sebagian pekerja belum terdaftar',
  VERIFICATION_FAILED: 'Tidak dapat diverifikasi',
};

export const reasonLabelId = (reason: string) => REASON_LABEL_ID[reason] ?? reason;

export const CASE_EVENT_ID: Record<string, string> = {
  CaseOpened: 'Kasus dibuka',
  EscalationLevelReached: 'Naik ke tingkat',
  CaseAcknowledged: 'Ditanggapi',
  CaseReasonsChanged: 'Alasan berubah',
  CaseResolved: 'Selesai: proyek patuh',
  CaseClosed: 'Ditutup: proyek dibatalkan',
  CaseWaived: 'Dikecualikan',
  PaymentHoldRecommended: 'Rekomendasi penahanan pembayaran',
  PaymentHoldLifted: 'Penahanan pembayaran dicabut',
};

export const NOTIFICATION_STATUS_ID: Record<string, string> = {
  PENDING: 'Menunggu dikirim',
  DELIVERED: 'Terkirim',
  FAILED: 'Gagal terkirim',
};

export const CHANNEL_ID: Record<string, string> = { EMAIL: 'E-mail', WEBHOOK: 'Webhook', INBOX: 'Kotak masuk aplikasi', WHATSAPP: 'WhatsApp' };

export const RECIPIENT_KIND_ID: Record<string, string> = {
  OFFICIAL: 'Pejabat',
  CONTRACTOR: 'Penyedia jasa',
  PPK: 'PPK',
  CLIENT: 'Sistem pengadaan',
};

export const REGION_LEVEL_ID: Record<string, string> = { province: 'Provinsi', regency: 'Kabupaten/Kota', district: 'Kecamatan', village: 'Desa/Kelurahan' };

export const CHILD_LEVEL_ID: Record<string, string> = { province: 'Kabupaten/Kota', regency: 'Kecamatan', district: 'Desa/Kelurahan', village: '' };

export const SEGMENT_ID: Record<string, string> = {
  VILLAGE_OFFICIALS: 'Perangkat desa',
  NON_ASN_STAFF: 'Pegawai non-ASN',
  VULNERABLE_WORKERS: 'Pekerja rentan',
  OTHER: 'Lainnya',
};

export const FUNDING_ID: Record<string, string> = { APBD: 'APBD', APBN: 'APBN', DAK: 'DAK', DANA_DESA: 'Dana Desa', PRIVATE: 'Swasta', OTHER: 'Lainnya' };

/** Messages shown after a form, by the code of the refusal (never the refusal's English text). */
export const ACTION_ERROR_ID: Record<string, string> = {
  justification_too_short: 'Alasan pengecualian terlalu pendek: tulis paling sedikit 20 karakter.',
  note_too_long: 'Catatan terlalu panjang: paling banyak 2.000 karakter.',
  waiver_not_allowed: 'Jabatan Anda tidak berwenang mengecualikan kasus ini.',
  case_not_open: 'Kasus ini sudah tidak terbuka, sehingga tidak dapat ditanggapi atau dikecualikan lagi.',
  forbidden_role: 'Peran Anda tidak berwenang melakukan tindakan ini.',
  csrf_invalid: 'Formulir sudah kedaluwarsa. Muat ulang halaman lalu kirim lagi.',
  validation_failed: 'Isian formulir tidak valid.',
};

export const ACTION_DONE_ID: Record<string, string> = {
  acknowledged: 'Tanggapan Anda sudah dicatat.',
  waived: 'Kasus sudah dikecualikan dan penahanan pembayaran dicabut.',
  reverify: 'Verifikasi ulang ke BPJS Ketenagakerjaan sudah diminta; hasilnya tampil di halaman proyek begitu BPJS menjawab.',
};
