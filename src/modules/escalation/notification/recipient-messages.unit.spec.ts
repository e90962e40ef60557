import { type CaseEscalatedInput, caseEscalatedMessage, type OfficialPosition, paymentRequestClearedMessage } from './message-templates';

// Each recipient's copy of a case notice says what that position should do (issue 12, item 4).

const base: CaseEscalatedInput = {
  caseId: 'case-7307-1',
  projectId: 'prj-1',
  projectName: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
  projectRef: '10080116000',
  regionName: 'Kecamatan Bulupoddo, Kabupaten Sinjai',
  contractorName: 'CV Karya Bersama',
  contractorNpwp: '0012345678901000',
  agencyName: 'Dinas PUPR Kabupaten Sinjai',
  level: 1,
  reasons: ['ENROLMENT_MISSING'],
  premiumDue: '3252703',
  premiumPaid: '0',
  registrationDeadline: '2025-05-16',
  nextEscalationAt: '2025-05-23T01:00:00Z',
  nextRecipientPositions: ['INSPEKTORAT', 'SEKDA'],
  caseUrl: 'https://sinergi.sinjaikab.go.id/console/cases/case-7307-1',
};

const forPosition = (position: OfficialPosition, extra: Partial<CaseEscalatedInput> = {}, ppkName: string | null = 'Andi Pratama, S.T.') =>
  caseEscalatedMessage({ ...base, ...extra, recipient: { position, ppkName } });

/** The numbered steps under "Yang perlu Anda lakukan". */
const steps = (text: string) => {
  const from = text.indexOf('Yang perlu Anda lakukan');
  return text
    .slice(from)
    .split('\n')
    .slice(1)
    .filter((line) => /^\d+\. /.test(line));
};

describe('a case notice per recipient position', () => {
  const LINK = 'https://sinergi.sinjaikab.go.id/console/link?t=abc';

  it('tells the contractor to register and pay the exact premium due, with its single-case link and when it expires', () => {
    const message = caseEscalatedMessage({
      ...base,
      level: 0,
      caseUrl: LINK,
      recipient: { position: 'CONTRACTOR', ppkName: 'Andi Pratama, S.T.', linkExpiresAt: '2025-06-15T01:00:00Z' },
    });
    expect(message.text).toMatch(/^Yth\. Pimpinan CV Karya Bersama,/);
    expect(message.text).toContain('Yang perlu Anda lakukan sebagai Penyedia Jasa:');
    expect(steps(message.text)).toEqual([
      '1. Daftarkan proyek ke BPJS Ketenagakerjaan (program Jasa Konstruksi) dan bayar iurannya.',
      '2. Bayar iuran BPJS Ketenagakerjaan sebesar Rp 3.252.703.',
      '3. Kirimkan nomor sertifikat kepesertaan, nomor bukti bayar dan jumlah iuran yang dibayar melalui tautan khusus kasus ini di bawah (tanpa akun; berlaku sampai 15 Juni 2025 pukul 09.00 WITA). Petugas akan memeriksa dan mengonfirmasinya.',
    ]);
    expect(message.text).toContain('Bila ada pertanyaan, hubungi PPK Andi Pratama, S.T. di Dinas PUPR Kabupaten Sinjai.');
    expect(message.text).toContain(`Buka kasus (tautan khusus, tanpa akun): ${LINK}`);
    expect(message.html).toContain(`<a href="${LINK}">Buka kasus (tautan khusus, tanpa akun)</a>`);
  });

  it('gives the contractor the amount still owed after a part payment, once', () => {
    const partly = forPosition('CONTRACTOR', { premiumPaid: '2000000', reasons: ['ENROLMENT_MISSING'] });
    expect(steps(partly.text)[1]).toBe('2. Bayar iuran BPJS Ketenagakerjaan sebesar Rp 1.252.703 (iuran terutang Rp 3.252.703, sudah dibayar Rp 2.000.000).');
    // The shortfall reason already names the amount: no second payment step.
    const shortfall = forPosition('CONTRACTOR', { premiumPaid: '2000000', reasons: ['PREMIUM_SHORTFALL'] });
    expect(steps(shortfall.text).filter((line) => line.includes('Rp 1.252.703'))).toHaveLength(1);
    // Without a link the contractor is told to hand the documents to the PPK.
    expect(steps(shortfall.text).at(-1)).toContain('kepada PPK proyek ini');
  });

  it('tells the PPK to check the evidence and hold the payment request, not to pay the premium', () => {
    const message = forPosition('PPK', { level: 0 });
    expect(message.text).toMatch(/^Yth\. Bapak\/Ibu Pejabat Pembuat Komitmen \(PPK\),/);
    const lines = steps(message.text);
    expect(lines[0]).toContain('Periksa bukti kepesertaan dari penyedia CV Karya Bersama');
    expect(lines[1]).toContain('Tahan permintaan pembayaran (SPP-LS) proyek ini sampai proyek patuh');
    expect(lines[2]).toContain('melunasi iuran sebesar Rp 3.252.703');
    expect(message.text).not.toContain('Daftarkan proyek ke BPJS');
    // The PPK is not told to contact themself.
    expect(message.text).not.toContain('Yang dapat dihubungi');
  });

  it('tells the head of agency to instruct the PPK, by name, and that a waiver needs a written reason', () => {
    const message = forPosition('KEPALA_DINAS');
    expect(message.text).toMatch(/^Yth\. Bapak\/Ibu Kepala Perangkat Daerah,/);
    expect(steps(message.text)[0]).toBe(
      '1. Instruksikan PPK proyek ini (Andi Pratama, S.T.) agar memastikan penyedia CV Karya Bersama mendaftarkan proyek dan melunasi iuran sebesar Rp 3.252.703, serta menahan permintaan pembayaran (SPP-LS) sampai proyek patuh.',
    );
    expect(steps(message.text)[1]).toContain('mengecualikan kasus dengan alasan tertulis');
    expect(message.text).toContain('Yang dapat dihubungi: PPK Andi Pratama, S.T., Dinas PUPR Kabupaten Sinjai.');
    expect(message.text).not.toContain('Lunasi');
  });

  it('tells the BPJS branch to contact the contractor', () => {
    const message = forPosition('BPJS_BRANCH');
    expect(steps(message.text)[0]).toBe('1. Hubungi penyedia CV Karya Bersama untuk pendaftaran proyek pada program Jasa Konstruksi dan pembayaran iuran sebesar Rp 3.252.703.');
    expect(message.text).toContain('Yang dapat dihubungi: PPK Andi Pratama, S.T., Dinas PUPR Kabupaten Sinjai.');
  });

  it.each([
    ['INSPEKTORAT', 'Tinjau kasus ini dan tindak lanjut Dinas PUPR Kabupaten Sinjai', 'Catat temuan'],
    ['SEKDA', 'Tinjau kasus ini bersama Dinas PUPR Kabupaten Sinjai dan Kantor Cabang BPJS Ketenagakerjaan', 'melaporkan tindak lanjutnya'],
  ] as const)('asks %s to review', (position, first, second) => {
    const lines = steps(forPosition(position, { level: 2 }).text);
    expect(lines[0]).toContain(first);
    expect(lines[1]).toContain(second);
  });

  it.each(['BUPATI', 'WAKIL_BUPATI'] as const)('gives the %s the summary', (position) => {
    const message = forPosition(position, { level: 3, nextEscalationAt: null });
    const lines = steps(message.text);
    expect(lines[0]).toBe(
      '1. Ringkasan: proyek "Rehabilitasi Jalan Poros Sinjai–Bulupoddo" dari Dinas PUPR Kabupaten Sinjai belum patuh terhadap kewajiban BPJS Ketenagakerjaan dan kasusnya telah naik sampai tingkat 3 tanpa penyelesaian; iuran yang belum dibayar Rp 3.252.703.',
    );
    expect(lines[1]).toContain('minta laporan tindak lanjut dari Kepala Dinas PUPR Kabupaten Sinjai');
  });

  it('says "PPK proyek ini" when the PPK is not to be named (an inbox item, an erased PPK)', () => {
    const message = forPosition('KEPALA_DINAS', {}, null);
    expect(steps(message.text)[0]).toContain('Instruksikan PPK proyek ini agar memastikan');
    expect(message.text).toContain('Yang dapat dihubungi: PPK proyek ini, Dinas PUPR Kabupaten Sinjai.');
  });

  it('puts the position and its steps, without any name, in the webhook payload', () => {
    const { payload } = forPosition('KEPALA_DINAS');
    expect(payload.recipientPosition).toBe('KEPALA_DINAS');
    expect(payload.caseUrl).toBe(base.caseUrl);
    expect(payload.actions).toEqual([
      'Instruksikan PPK proyek ini agar memastikan penyedia mendaftarkan proyek dan melunasi iuran sebesar Rp 3.252.703, serta menahan permintaan pembayaran (SPP-LS) sampai proyek patuh.',
      'Catat tanggapan Anda pada halaman kasus. Bila ada alasan yang sah, Anda dapat mengecualikan kasus dengan alasan tertulis.',
    ]);
    const json = JSON.stringify(payload);
    expect(json).not.toContain('Andi Pratama');
    expect(json).not.toContain('CV Karya Bersama');
    expect(json).not.toContain('0012345678901000');
  });

  it('escapes names in the HTML body', () => {
    const { html } = forPosition('KEPALA_DINAS', { contractorName: 'PT <Maju>' }, '<b>Andi</b>');
    expect(html).not.toContain('<b>Andi</b>');
    expect(html).toContain('&lt;b&gt;Andi&lt;/b&gt;');
    expect(html).toContain('PT &lt;Maju&gt;');
  });
});

describe('a clearance', () => {
  it('links the procurement client to the project page', () => {
    const message = paymentRequestClearedMessage({
      projectId: 'prj-1',
      projectRef: '10080116000',
      projectName: 'Rehabilitasi Jalan',
      terminNumber: 1,
      complianceStatus: 'COMPLIANT',
      projectUrl: 'https://sinergi.sinjaikab.go.id/console/projects/prj-1',
    });
    expect(message.payload.projectUrl).toBe('https://sinergi.sinjaikab.go.id/console/projects/prj-1');
    expect(message.text).toContain('Lihat proyek: https://sinergi.sinjaikab.go.id/console/projects/prj-1');
  });
});
