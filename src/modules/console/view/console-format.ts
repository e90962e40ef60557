import { calendarDateWita, formatRupiahId, witaWallClock } from '@sinergi/domain';

const MONTHS_ID = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
const MONTHS_SHORT_ID = ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'];

const PLAIN_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Groups of three digits with dots, the Indonesian way: 1234567 → "1.234.567". */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** Money as officials read it: `Rp 3.252.703`; accepts integer rupiah as bigint, number or a string of digits. */
export function formatMoney(value: bigint | number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const rupiah = typeof value === 'bigint' ? value : BigInt(typeof value === 'number' ? Math.round(value) : value);
  return formatRupiahId(rupiah);
}

/** A count: `12.345`. */
export function formatCount(value: number | bigint | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const n = BigInt(value);
  return `${n < 0n ? '-' : ''}${groupDigits((n < 0n ? -n : n).toString())}`;
}

/** A number with `decimals` digits after a decimal comma: 40 → "40,0", 1234.5 → "1.234,5". */
export function formatDecimal(value: number, decimals = 1): string {
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.');
  const sign = value < 0 && Number(fixed) !== 0 ? '-' : '';
  return `${sign}${groupDigits(whole)}${fraction ? `,${fraction}` : ''}`;
}

/** A percentage: 40 → "40,0 %"; null (nothing to measure) → "—". */
export function formatPercent(value: number | null | undefined, decimals = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${formatDecimal(value, decimals)} %`;
}

/** Percentage points: 20 → "20,0 poin". */
export function formatPoints(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${formatDecimal(value, 1)} poin`;
}

/** The calendar date in WITA of a plain date (`2025-05-16`, kept as is) or an instant (moved to UTC+8 first). */
function witaParts(value: string): [number, number, number] | null {
  if (!PLAIN_DATE.test(value) && Number.isNaN(Date.parse(value))) return null;
  const [y, m, d] = calendarDateWita(value).split('-').map(Number);
  return [y, m, d];
}

/** A date as `16 Mei 2025` (WITA for instants); "—" for none. */
export function formatDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const parts = witaParts(value instanceof Date ? value.toISOString() : value);
  if (!parts) return '—';
  const [y, m, d] = parts;
  return `${d} ${MONTHS_ID[m - 1]} ${y}`;
}

/** A short date for tight columns: `16 Mei 2025` → `16 Mei 2025`; `31 Des 2026` for December. */
export function formatShortDate(value: string | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const parts = witaParts(value instanceof Date ? value.toISOString() : value);
  if (!parts) return '—';
  const [y, m, d] = parts;
  return `${d} ${MONTHS_SHORT_ID[m - 1]} ${y}`;
}

/** An instant as `16 Mei 2025 pukul 09.05 WITA`. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) return '—';
  const wita = witaWallClock(ms);
  const [y, m, d] = wita.date.split('-').map(Number);
  return `${d} ${MONTHS_ID[m - 1]} ${y} pukul ${String(wita.hour).padStart(2, '0')}.${String(wita.minute).padStart(2, '0')} WITA`;
}

/** A month of a series (`2025-05-01`) as `Mei 2025`. */
export function formatMonth(value: string): string {
  const plain = PLAIN_DATE.exec(value);
  if (!plain) return value;
  return `${MONTHS_SHORT_ID[Number(plain[2]) - 1]} ${plain[1]}`;
}

/** How long ago, in whole days, for an inbox row: "hari ini", "1 hari lalu", "12 hari lalu". */
export function formatDaysAgo(from: string, now: Date): string {
  const days = Math.floor((now.getTime() - Date.parse(from)) / 86_400_000);
  if (!(days > 0)) return 'hari ini';
  return `${formatCount(days)} hari lalu`;
}

/** An ISO-8601 wait of a ladder (`P3D`, `P2W`, `PT36H`, `PT15S`) in words: "3 hari", "2 minggu", "36 jam". */
export function formatDuration(iso: string | null | undefined): string {
  if (!iso) return '—';
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(iso);
  if (!m) return iso;
  const units: [string | undefined, string][] = [
    [m[1], 'minggu'],
    [m[2], 'hari'],
    [m[3], 'jam'],
    [m[4], 'menit'],
    [m[5], 'detik'],
  ];
  const parts = units.filter(([v]) => v !== undefined && Number(v) > 0).map(([v, unit]) => `${formatDecimal(Number(v), Number.isInteger(Number(v)) ? 0 : 1)} ${unit}`);
  return parts.length ? parts.join(' ') : '0 detik';
}

/**
 * Working days from `today` up to and including `deadline` (0 when it has passed), counted with `isWorkingDay`:
 * the days an official still has, by the same calendar the deadline was set with.
 */
export function workingDaysLeft(today: string, deadline: string, isWorkingDay: (date: string) => boolean, addDays: (date: string, n: number) => string): number {
  if (deadline <= today) return 0;
  let count = 0;
  for (let d = addDays(today, 1); d <= deadline && count < 10_000; d = addDays(d, 1)) if (isWorkingDay(d)) count++;
  return count;
}
