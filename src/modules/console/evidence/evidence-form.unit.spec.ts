import { readEvidenceForm } from './evidence-form';

const FORM = {
  projectNumber: ' 7307 2500 00001 ',
  npp: '7307-0001',
  receiptNumber: '730725000000123',
  paymentCode: '',
  premiumPaid: 'Rp 3.252.703',
  coveredFrom: '2025-04-28',
  coveredTo: '2026-04-22',
};

describe('the contractor’s evidence form', () => {
  it('reads the numbers as copied off the documents: spaces and dashes dropped, rupiah with thousands separators', () => {
    expect(readEvidenceForm(FORM)).toEqual({
      values: { ...FORM, projectNumber: '7307 2500 00001', npp: '7307-0001' },
      documents: {
        projectNumber: '7307250000001',
        npp: '73070001',
        paymentCode: null,
        receiptNumber: '730725000000123',
        premiumPaid: '3252703',
        coveredFrom: '2025-04-28',
        coveredTo: '2026-04-22',
      },
      errors: [],
    });
    expect(readEvidenceForm({ ...FORM, paymentCode: '730725000123', premiumPaid: '3252703' }).documents).toMatchObject({ paymentCode: '730725000123', premiumPaid: '3252703' });
  });

  it('names every field in error, keeps what was typed, and submits nothing', () => {
    const read = readEvidenceForm({ ...FORM, projectNumber: '12345', npp: 'abc', paymentCode: '1', premiumPaid: '3,5 juta', coveredFrom: '2025-04-28', coveredTo: '2025-01-01' });
    expect(read.documents).toBeNull();
    expect(read.errors.map((e) => e.path)).toEqual(['projectNumber', 'npp', 'paymentCode', 'premiumPaid', 'coveredTo']);
    expect(read.errors[0].message).toBe('Nomor proyek pada sertifikat kepesertaan terdiri atas 13 angka.');
    expect(read.values.premiumPaid).toBe('3,5 juta');
  });

  it('treats a missing body or non-text fields as empty', () => {
    const read = readEvidenceForm({ projectNumber: ['7307250000001'] });
    expect(read.documents).toBeNull();
    expect(read.values.projectNumber).toBe('');
    expect(readEvidenceForm(undefined).errors).toHaveLength(6);
  });
});
