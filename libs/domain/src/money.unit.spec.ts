import { formatRupiah, formatRupiahId, parseRupiah } from './money';

describe('parseRupiah', () => {
  it.each([
    [0, 0n],
    [2_500_000_000, 2_500_000_000n],
    [Number.MAX_SAFE_INTEGER, 9_007_199_254_740_991n],
    ['0', 0n],
    ['2500000000', 2_500_000_000n],
    ['99999999999999999999', 99_999_999_999_999_999_999n],
  ])('accepts the whole non-negative amount %p', (input, expected) => {
    expect(parseRupiah(input)).toBe(expected);
  });

  it.each([
    -1,
    1.5,
    Number.MAX_SAFE_INTEGER + 1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    '-1',
    '+1',
    '1.0',
    '1,000',
    '1.000',
    '1e9',
    ' 1',
    '100000000000000000000',
    2_500_000_000n,
    null,
    undefined,
    {},
  ])('rejects %p', (input) => {
    expect(parseRupiah(input)).toBeNull();
  });
});

describe('formatting', () => {
  it('writes a plain digit string for JSON', () => {
    expect(formatRupiah(3_252_703n)).toBe('3252703');
    expect(formatRupiah(99_999_999_999_999_999_999n)).toBe('99999999999999999999');
  });

  it('writes Indonesian thousands dots for people', () => {
    expect(formatRupiahId(3_252_703n)).toBe('Rp 3.252.703');
    expect(formatRupiahId(0n)).toBe('Rp 0');
    expect(formatRupiahId(999n)).toBe('Rp 999');
    expect(formatRupiahId(1_000n)).toBe('Rp 1.000');
    expect(formatRupiahId(1_000_000_000_000n)).toBe('Rp 1.000.000.000.000');
  });
});
