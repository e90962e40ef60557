import { DEFAULT_VAT_TABLE, vatRateAt } from './vat';

describe('vatRateAt', () => {
  it('uses 10 % up to 31 March 2022 and 11 % from 1 April 2022', () => {
    expect(vatRateAt('2021-12-31')).toBe(10);
    expect(vatRateAt('2022-03-31')).toBe(10);
    expect(vatRateAt('2022-04-01')).toBe(11);
    expect(vatRateAt('2025-06-30')).toBe(11);
  });

  it('reads a rate change from the table passed in, in any order', () => {
    const table = [{ from: '2030-01-01', ratePercent: 12 }, ...DEFAULT_VAT_TABLE];
    expect(vatRateAt('2029-12-31', table)).toBe(11);
    expect(vatRateAt('2030-01-01', table)).toBe(12);
  });

  it('refuses a date no rate covers, a malformed date, or a fractional rate', () => {
    expect(() => vatRateAt('1899-12-31')).toThrow(RangeError);
    expect(() => vatRateAt('2022-02-30')).toThrow(RangeError);
    expect(() => vatRateAt('2022-04-01', [{ from: '2022-04-01', ratePercent: 11.5 }])).toThrow(RangeError);
  });
});
