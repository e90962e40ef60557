import {
  caseEscalatedMessage,
  formatDateId,
  formatDateTimeWita,
  paymentHoldLiftedMessage,
  paymentHoldRecommendedMessage,
  type CaseEscalatedInput,
  type NonComplianceReason,
} from './message-templates';

const base: CaseEscalatedInput = {
  caseId: 'case-7307-1',
  projectId: 'prj-1',
  projectName: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
  projectRef: '10080116000',
  regionName: 'Kabupaten Sinjai',
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
  caseUrl: 'https://sinergi.example/cases/case-7307-1',
};

describe('caseEscalatedMessage', () => {
  it('writes the subject in Indonesian with the level and project name', () => {
    const message = caseEscalatedMessage(base);
    expect(message.subject).toBe(
      '[Sinergi] Tingkat 1 — Proyek belum patuh BPJS Ketenagakerjaan: Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
    );
    expect(message).toMatchObject({ kind: 'CASE_ESCALATED', caseId: 'case-7307-1', projectId: 'prj-1', level: 1 });
  });

  it('names the project, the contractor, the shortfall in rupiah, the deadline, the next escalation and the case link', () => {
    const { text } = caseEscalatedMessage(base);
    expect(text).toContain('Rehabilitasi Jalan Poros Sinjai–Bulupoddo');
    expect(text).toContain('CV Karya Bersama (NPWP 0012345678901000)');
    expect(text).toContain('Kekurangan iuran: Rp 3.252.703');
    expect(text).toContain('Batas waktu pendaftaran: 16 Mei 2025');
    expect(text).toContain(
      'akan dinaikkan ke tingkat 2 (Inspektorat, Sekretaris Daerah) pada 23 Mei 2025 pukul 09.00 WITA',
    );
    expect(text).toContain('Lihat kasus: https://sinergi.example/cases/case-7307-1');
    expect(text).toContain('Lampirkan sertifikat kepesertaan BPJS Ketenagakerjaan dan bukti pembayaran iuran');
  });

  const sentences: [NonComplianceReason, string, string][] = [
    [
      'ENROLMENT_MISSING',
      'Proyek belum didaftarkan ke BPJS Ketenagakerjaan (program Jasa Konstruksi) setelah batas waktu 14 hari kerja sejak SPK.',
      'Daftarkan proyek ke BPJS Ketenagakerjaan',
    ],
    [
      'PREMIUM_SHORTFALL',
      'Iuran BPJS Ketenagakerjaan yang dibayarkan kurang dari iuran yang terutang; kekurangannya Rp 1.252.703.',
      'Lunasi kekurangan iuran sebesar Rp 1.252.703.',
    ],
    [
      'COVERAGE_GAP',
      'Masa kepesertaan BPJS Ketenagakerjaan berakhir sebelum akhir kontrak ditambah masa pemeliharaan.',
      'Perpanjang masa kepesertaan',
    ],
    [
      'WORKERS_UNCOVERED',
      'Sebagian pekerja yang dilaporkan pada proyek ini belum terdaftar sebagai peserta BPJS Ketenagakerjaan.',
      'Daftarkan seluruh pekerja proyek',
    ],
    [
      'VERIFICATION_FAILED',
      'Kepesertaan proyek tidak dapat diverifikasi ke BPJS Ketenagakerjaan.',
      'Kirimkan bukti kepesertaan proyek',
    ],
  ];
  it.each(sentences)('explains %s in one Indonesian sentence and says what to do', (reason, sentence, action) => {
    const message = caseEscalatedMessage({ ...base, reasons: [reason], premiumPaid: '2000000' });
    expect(message.text).toContain(`- ${sentence}`);
    expect(message.text).toContain(action);
    expect(message.html).toContain(sentence);
    expect(message.payload.reasons).toEqual([reason]);
  });

  it('lists every reason once when several apply', () => {
    const message = caseEscalatedMessage({ ...base, reasons: ['PREMIUM_SHORTFALL', 'COVERAGE_GAP', 'PREMIUM_SHORTFALL'] });
    expect(message.text.match(/kekurangannya Rp 3\.252\.703/g)).toHaveLength(1);
    expect(message.text).toContain('Masa kepesertaan BPJS Ketenagakerjaan berakhir');
    expect(message.payload.reasons).toEqual(['PREMIUM_SHORTFALL', 'COVERAGE_GAP']);
  });

  it('still builds a complete message when no reason is given', () => {
    const message = caseEscalatedMessage({ ...base, reasons: [] });
    expect(message.subject).toContain('Tingkat 1');
    expect(message.text).toContain('Permasalahan:\n- Proyek tercatat belum patuh');
    expect(message.text).toContain('1. Lampirkan sertifikat kepesertaan');
    expect(message.html).toContain('<li>');
    expect(message.payload.reasons).toEqual([]);
  });

  it('escapes every value in the HTML body', () => {
    const message = caseEscalatedMessage({
      ...base,
      projectName: '<script>alert("x")</script>',
      contractorName: 'PT "A & B" <Konstruksi>',
      regionName: "Sinjai'><img src=x>",
      caseUrl: 'https://sinergi.example/cases/1?a=1&b="2"',
    });
    expect(message.html).not.toContain('<script>');
    expect(message.html).not.toContain('<img');
    expect(message.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(message.html).toContain('PT &quot;A &amp; B&quot; &lt;Konstruksi&gt;');
    expect(message.html).toContain('href="https://sinergi.example/cases/1?a=1&amp;b=%222%22"');
    expect(message.text).toContain('<script>alert("x")</script>');
  });

  it('keeps line breaks out of the subject', () => {
    expect(caseEscalatedMessage({ ...base, projectName: 'Jalan\r\nBcc: x' }).subject).not.toMatch(/[\r\n]/);
  });

  it('says the top level is the last one when there is no next escalation', () => {
    const { text } = caseEscalatedMessage({ ...base, level: 3, nextEscalationAt: null });
    expect(text).toContain('Ini adalah tingkat eskalasi tertinggi');
    expect(text).not.toContain('akan dinaikkan');
  });

  it('names the next level by number when its recipients are not given', () => {
    const { text } = caseEscalatedMessage({ ...base, nextRecipientPositions: undefined });
    expect(text).toContain('ke tingkat 2 (penerima tingkat 2)');
  });

  it('puts ids and amounts, but no names or NPWP, in the webhook payload', () => {
    const { payload } = caseEscalatedMessage({ ...base, premiumPaid: '1000000' });
    expect(payload).toEqual({
      type: 'CaseEscalated',
      caseId: 'case-7307-1',
      projectId: 'prj-1',
      projectRef: '10080116000',
      level: 1,
      reasons: ['ENROLMENT_MISSING'],
      premiumDue: '3252703',
      premiumPaid: '1000000',
      premiumShortfall: '2252703',
      registrationDeadline: '2025-05-16',
      nextEscalationAt: '2025-05-23T01:00:00Z',
      caseUrl: 'https://sinergi.example/cases/case-7307-1',
    });
    expect(JSON.stringify(payload)).not.toContain('CV Karya Bersama');
    expect(JSON.stringify(payload)).not.toContain('0012345678901000');
  });

  it('shows no shortfall when the premium is paid in full or more', () => {
    expect(caseEscalatedMessage({ ...base, premiumPaid: '4000000' }).text).toContain('Kekurangan iuran: Rp 0');
  });

  it('refuses a case link that is not http(s), and malformed amounts and dates', () => {
    expect(() => caseEscalatedMessage({ ...base, caseUrl: 'javascript:alert(1)' })).toThrow(RangeError);
    expect(() => caseEscalatedMessage({ ...base, premiumDue: '3.252.703' })).toThrow(RangeError);
    expect(() => caseEscalatedMessage({ ...base, registrationDeadline: '2025-02-29' })).toThrow(RangeError);
    expect(() => caseEscalatedMessage({ ...base, nextEscalationAt: 'besok' })).toThrow(RangeError);
  });
});

describe('Indonesian dates', () => {
  it('writes a calendar date with the Indonesian month name', () => {
    expect(formatDateId('2025-05-16')).toBe('16 Mei 2025');
    expect(formatDateId('2025-01-01')).toBe('1 Januari 2025');
    expect(formatDateId('2025-12-31')).toBe('31 Desember 2025');
  });

  it('writes an instant in WITA (UTC+8), crossing midnight when it must', () => {
    expect(formatDateTimeWita('2025-05-16T16:30:00Z')).toBe('17 Mei 2025 pukul 00.30 WITA');
    expect(formatDateTimeWita('2025-05-16T09:05:00+08:00')).toBe('16 Mei 2025 pukul 09.05 WITA');
  });
});

describe('payment hold messages', () => {
  const input = {
    projectId: 'prj-1',
    projectRef: '10080116000',
    projectName: 'Rehabilitasi <Jalan>',
    terminNumber: 2,
    complianceStatus: 'NON_COMPLIANT' as const,
    reasons: ['ENROLMENT_MISSING', 'PREMIUM_SHORTFALL'] as NonComplianceReason[],
  };

  it('recommends holding the termin with the fields the procurement client reads', () => {
    const message = paymentHoldRecommendedMessage(input);
    expect(message.kind).toBe('PAYMENT_HOLD_RECOMMENDED');
    expect(message.payload).toEqual({
      type: 'PaymentHoldRecommended',
      projectId: 'prj-1',
      projectRef: '10080116000',
      terminNumber: 2,
      complianceStatus: 'NON_COMPLIANT',
      reasons: ['ENROLMENT_MISSING', 'PREMIUM_SHORTFALL'],
      recommendation: 'HOLD',
    });
    expect(message.subject).toBe('[Sinergi] Rekomendasi penundaan pembayaran termin 2: Rehabilitasi <Jalan>');
    expect(message.text).toContain('Iuran BPJS Ketenagakerjaan yang dibayarkan kurang dari iuran yang terutang.');
    expect(message.html).toContain('Rehabilitasi &lt;Jalan&gt;');
  });

  it('lifts the hold with a RELEASE recommendation once the project is compliant', () => {
    const message = paymentHoldLiftedMessage({ ...input, complianceStatus: 'COMPLIANT', reasons: [], caseUrl: 'https://sinergi.example/cases/1' });
    expect(message.kind).toBe('PAYMENT_HOLD_LIFTED');
    expect(message.payload).toMatchObject({ type: 'PaymentHoldLifted', complianceStatus: 'COMPLIANT', recommendation: 'RELEASE', terminNumber: 2 });
    expect(message.text).toContain('rekomendasi penundaan dicabut dan pembayaran termin 2 dapat dilanjutkan');
    expect(message.text).toContain('Lihat kasus: https://sinergi.example/cases/1');
  });

  it('says a cancelled project\'s hold no longer applies, rather than that the payment may proceed', () => {
    const message = paymentHoldLiftedMessage({ ...input, complianceStatus: 'NON_COMPLIANT', reasons: [], liftReason: 'PROJECT_CANCELLED' });
    expect(message.payload).toMatchObject({ type: 'PaymentHoldLifted', recommendation: 'RELEASE', liftReason: 'PROJECT_CANCELLED' });
    expect(message.subject).toBe('[Sinergi] Proyek dibatalkan, rekomendasi penundaan pembayaran termin 2 dicabut: Rehabilitasi <Jalan>');
    expect(message.text).toContain('telah dibatalkan');
    expect(message.text).not.toContain('dapat dilanjutkan');
  });
});
