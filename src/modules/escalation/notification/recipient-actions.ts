import { formatRupiahId, type Rupiah } from '@sinergi/domain';
import type { OfficialPosition } from './message-templates';

// What each recipient of a case notice should do about it, by ladder position (issue 12, item 4), in Bahasa
// Indonesia. Pure, like the templates that use it. Names are optional everywhere: a webhook payload and an inbox item
// (which is stored) are written without them, so no personal data lands outside `personal_data`.

/** What the per-position wording is built from. Amounts are integer rupiah. */
export interface RecipientActionContext {
  readonly projectName: string;
  readonly agencyName: string;
  readonly level: number;
  readonly due: Rupiah;
  readonly paid: Rupiah;
  readonly shortfall: Rupiah;
  /** The contract's own PPK, resolved from `personal_data` at delivery; null when unknown, erased or left out. */
  readonly ppkName: string | null;
  /** The contractor's (company) name; null to leave it out. */
  readonly contractorName: string | null;
  /** "16 Juni 2025 pukul 09.00 WITA": when the single-case link stops working; only for the contractor and the PPK. */
  readonly linkExpiresOn?: string | null;
}

/** "Yth. …": whom the message addresses. */
export function recipientGreetingId(position: OfficialPosition, contractorName: string | null): string {
  if (position === 'CONTRACTOR') return contractorName ? `Yth. Pimpinan ${contractorName},` : 'Yth. Pimpinan Penyedia Jasa,';
  return `Yth. Bapak/Ibu ${RECIPIENT_TITLE_ID[position]},`;
}

const RECIPIENT_TITLE_ID: Readonly<Record<Exclude<OfficialPosition, 'CONTRACTOR'>, string>> = {
  PPK: 'Pejabat Pembuat Komitmen (PPK)',
  KEPALA_DINAS: 'Kepala Perangkat Daerah',
  BPJS_BRANCH: 'Kepala Kantor Cabang BPJS Ketenagakerjaan',
  INSPEKTORAT: 'Inspektur Daerah',
  SEKDA: 'Sekretaris Daerah',
  WAKIL_BUPATI: 'Wakil Bupati',
  BUPATI: 'Bupati',
};

const ppkOf = (c: RecipientActionContext) => (c.ppkName ? `PPK proyek ini (${c.ppkName})` : 'PPK proyek ini');
const contractorOf = (c: RecipientActionContext) => (c.contractorName ? `penyedia ${c.contractorName}` : 'penyedia');
/** " sebesar Rp 3.252.703" when something is still owed. */
const owed = (c: RecipientActionContext) => (c.shortfall > 0n ? ` sebesar ${formatRupiahId(c.shortfall)}` : '');

/**
 * The numbered steps for one position. For the contractor, `contractorSteps` are the reason-by-reason instructions
 * of the templates (register, pay the shortfall, extend the cover); the payment and the evidence steps follow them.
 */
export function recipientActionsId(position: OfficialPosition, c: RecipientActionContext, contractorSteps: readonly string[] = []): string[] {
  switch (position) {
    case 'CONTRACTOR': {
      const steps = [...contractorSteps];
      if (c.shortfall > 0n && !steps.some((s) => s.includes(formatRupiahId(c.shortfall)))) {
        steps.push(
          c.paid > 0n
            ? `Bayar iuran BPJS Ketenagakerjaan sebesar ${formatRupiahId(c.shortfall)} (iuran terutang ${formatRupiahId(c.due)}, sudah dibayar ${formatRupiahId(c.paid)}).`
            : `Bayar iuran BPJS Ketenagakerjaan sebesar ${formatRupiahId(c.due)}.`,
        );
      }
      steps.push(
        c.linkExpiresOn
          ? `Kirimkan nomor sertifikat kepesertaan, nomor bukti bayar dan jumlah iuran yang dibayar melalui tautan khusus kasus ini di bawah (tanpa akun; berlaku sampai ${c.linkExpiresOn}). Petugas akan memeriksa dan mengonfirmasinya.`
          : 'Kirimkan nomor sertifikat kepesertaan dan bukti pembayaran iuran kepada PPK proyek ini agar dapat dikonfirmasi oleh petugas.',
      );
      return steps;
    }
    case 'PPK':
      return [
        `Periksa bukti kepesertaan dari ${contractorOf(c)}: sertifikat kepesertaan BPJS Ketenagakerjaan (nomor proyek dan NPP) dan bukti bayar iuran sebesar ${formatRupiahId(c.due)}.`,
        'Tahan permintaan pembayaran (SPP-LS) proyek ini sampai proyek patuh, dan minta bukti kepesertaan dilampirkan pada setiap permintaan pembayaran.',
        `Minta ${contractorOf(c)} segera mendaftarkan proyek dan melunasi iuran${owed(c)}.`,
        c.linkExpiresOn
          ? `Catat tanggapan Anda melalui tautan khusus kasus ini di bawah (tanpa akun; berlaku sampai ${c.linkExpiresOn}).`
          : 'Catat tanggapan Anda pada halaman kasus.',
      ];
    case 'KEPALA_DINAS':
      return [
        `Instruksikan ${ppkOf(c)} agar memastikan ${contractorOf(c)} mendaftarkan proyek dan melunasi iuran${owed(c)}, serta menahan permintaan pembayaran (SPP-LS) sampai proyek patuh.`,
        'Catat tanggapan Anda pada halaman kasus. Bila ada alasan yang sah, Anda dapat mengecualikan kasus dengan alasan tertulis.',
      ];
    case 'BPJS_BRANCH':
      return [
        `Hubungi ${contractorOf(c)} untuk pendaftaran proyek pada program Jasa Konstruksi dan pembayaran iuran${owed(c)}.`,
        'Pastikan kepesertaan dan pembayarannya tercatat di BPJS Ketenagakerjaan, agar verifikasi berikutnya dapat mengonfirmasinya.',
        'Catat tanggapan Anda pada halaman kasus.',
      ];
    case 'INSPEKTORAT':
      return [
        `Tinjau kasus ini dan tindak lanjut ${c.agencyName}; tanggapan PPK dan Kepala Perangkat Daerah tercatat pada halaman kasus.`,
        'Catat temuan bila kewajiban kepesertaan tidak dipenuhi, atau bila pembayaran diproses tanpa bukti kepesertaan.',
      ];
    case 'SEKDA':
      return [
        `Tinjau kasus ini bersama ${c.agencyName} dan Kantor Cabang BPJS Ketenagakerjaan dalam rapat pemantauan.`,
        `Minta ${c.agencyName} melaporkan tindak lanjutnya.`,
      ];
    case 'WAKIL_BUPATI':
    case 'BUPATI':
      return [
        `Ringkasan: proyek "${c.projectName}" dari ${c.agencyName} belum patuh terhadap kewajiban BPJS Ketenagakerjaan dan kasusnya telah naik sampai tingkat ${c.level} tanpa penyelesaian${c.shortfall > 0n ? `; iuran yang belum dibayar ${formatRupiahId(c.shortfall)}` : ''}.`,
        `Bila perlu, minta laporan tindak lanjut dari Kepala ${c.agencyName} dan Inspektorat.`,
      ];
    default:
      return assertNever(position);
  }
}

/** Whom the recipient can turn to about the case: the contract's PPK and the agency (the PPK themself: none). */
export function recipientContactId(position: OfficialPosition, c: RecipientActionContext): string | null {
  if (position === 'PPK') return null;
  const ppk = c.ppkName ? `PPK ${c.ppkName}` : 'PPK proyek ini';
  return position === 'CONTRACTOR'
    ? `Bila ada pertanyaan, hubungi ${ppk} di ${c.agencyName}.`
    : `Yang dapat dihubungi: ${ppk}, ${c.agencyName}.`;
}

function assertNever(value: never): never {
  throw new Error(`Unexpected position: ${String(value)}`);
}
