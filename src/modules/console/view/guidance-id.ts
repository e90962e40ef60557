import type { Position } from '@sinergi/auth';

/** What each position should do about an open case: the console tells every reader their own next step. */
export const POSITION_GUIDANCE_ID: Record<Position, string> = {
  CONTRACTOR: 'Daftarkan proyek ke BPJS Ketenagakerjaan (program Jasa Konstruksi), bayar iuran yang terutang, lalu kirimkan nomor sertifikat dan bukti bayar.',
  PPK: 'Periksa bukti kepesertaan dan pembayaran iuran dari penyedia, dan tahan permintaan pembayaran (SPP-LS) sampai proyek patuh.',
  KEPALA_DINAS: 'Instruksikan PPK agar penyedia segera mendaftar dan melunasi iuran. Bila ada alasan sah, Anda dapat mengecualikan kasus dengan alasan tertulis.',
  BPJS_BRANCH: 'Hubungi penyedia untuk pendaftaran proyek dan pembayaran iuran, lalu pastikan kepesertaannya tercatat.',
  INSPEKTORAT: 'Tinjau kasus ini dan tindak lanjut perangkat daerah; catat temuan bila kewajiban tidak dipenuhi.',
  SEKDA: 'Tinjau kasus ini dalam rapat pemantauan bersama perangkat daerah dan Kantor Cabang BPJS Ketenagakerjaan.',
  WAKIL_BUPATI: 'Pantau ringkasan kasus; minta laporan tindak lanjut dari perangkat daerah bila perlu.',
  BUPATI: 'Pantau ringkasan kasus; minta laporan tindak lanjut dari perangkat daerah bila perlu.',
};

/** A Kepala Dinas reading another agency's case: that agency's head instructs its PPK and may waive; this one may acknowledge. */
export const otherAgencyGuidanceId = (agencyName: string) =>
  `Kasus ini milik ${agencyName}, bukan perangkat daerah Anda: Kepala Dinas perangkat daerah itu yang menginstruksikan PPK-nya dan dapat mengecualikan kasus. Anda tetap dapat mencatat tanggapan.`;
