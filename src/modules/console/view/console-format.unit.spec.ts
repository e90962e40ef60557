import { formatCount, formatDate, formatDuration, formatDateTime, formatDaysAgo, formatDecimal, formatMoney, formatMonth, formatPercent, formatPoints, formatShortDate } from './console-format';

describe('console formatting (Bahasa Indonesia, WITA)', () => {
  it('writes money as Rp with dots between thousands', () => {
    expect(formatMoney(3252703n)).toBe('Rp 3.252.703');
    expect(formatMoney('2500000000')).toBe('Rp 2.500.000.000');
    expect(formatMoney(0)).toBe('Rp 0');
    expect(formatMoney(null)).toBe('—');
  });

  it('writes percentages with a decimal comma and a spaced percent sign', () => {
    expect(formatPercent(40)).toBe('40,0 %');
    expect(formatPercent(33.33)).toBe('33,3 %');
    expect(formatPercent(99.96)).toBe('100,0 %');
    expect(formatPercent(12.29, 2)).toBe('12,29 %');
    expect(formatPercent(null)).toBe('—');
  });

  it('writes points, counts and decimals the Indonesian way', () => {
    expect(formatPoints(20)).toBe('20,0 poin');
    expect(formatCount(60656)).toBe('60.656');
    expect(formatCount(0)).toBe('0');
    expect(formatDecimal(1234.56, 2)).toBe('1.234,56');
    expect(formatDecimal(-0.04, 1)).toBe('0,0');
  });

  it('writes plain dates as they are and instants in WITA (UTC+8)', () => {
    expect(formatDate('2025-05-16')).toBe('16 Mei 2025');
    // 16:30 UTC on 30 November is already 1 December in Sinjai.
    expect(formatDate('2026-11-30T16:30:00Z')).toBe('1 Desember 2026');
    expect(formatShortDate('2026-12-31')).toBe('31 Des 2026');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('not a date')).toBe('—');
  });

  it('writes a time of day in WITA', () => {
    expect(formatDateTime('2025-05-23T01:05:00Z')).toBe('23 Mei 2025 pukul 09.05 WITA');
  });

  it('writes months of a series and days since an instant', () => {
    expect(formatMonth('2025-05-01')).toBe('Mei 2025');
    const now = new Date('2025-05-20T00:00:00Z');
    expect(formatDaysAgo('2025-05-08T00:00:00Z', now)).toBe('12 hari lalu');
    expect(formatDaysAgo('2025-05-19T23:00:00Z', now)).toBe('hari ini');
  });
});

describe('ladder waits in words', () => {
  it('reads ISO-8601 durations', () => {
    expect(formatDuration('P3D')).toBe('3 hari');
    expect(formatDuration('P2W')).toBe('2 minggu');
    expect(formatDuration('PT36H')).toBe('36 jam');
    expect(formatDuration('P1DT12H')).toBe('1 hari 12 jam');
    expect(formatDuration('PT15S')).toBe('15 detik');
    expect(formatDuration(null)).toBe('—');
  });
});
