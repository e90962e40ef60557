/** Money is a whole number of rupiah held as `bigint`, so no amount is ever a binary float. */
export type Rupiah = bigint;

/** Money on the wire and in events: whole rupiah as a digit string (`"2500000000"`), since JSON has no bigint. */
export type RupiahString = string;

const RUPIAH_DIGITS = /^\d{1,20}$/;

/**
 * Reads an amount from the outside world; `null` for anything that is not a non-negative whole number of rupiah.
 * Numbers are accepted only while exactly representable (safe integers); larger amounts must come as digit strings.
 */
export function parseRupiah(input: unknown): Rupiah | null {
  if (typeof input === 'number') return Number.isSafeInteger(input) && input >= 0 ? BigInt(input) : null;
  if (typeof input === 'string') return RUPIAH_DIGITS.test(input) ? BigInt(input) : null;
  return null;
}

/** Plain digit string for JSON, which has no bigint. */
export function formatRupiah(value: Rupiah): string {
  return value.toString();
}

/** "Rp 3.252.703": the Indonesian way of writing an amount, for messages to people. */
export function formatRupiahId(value: Rupiah): string {
  const sign = value < 0n ? '-' : '';
  const digits = (value < 0n ? -value : value).toString();
  return `${sign}Rp ${digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.')}`;
}
