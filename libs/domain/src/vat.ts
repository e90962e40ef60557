import { isIsoDate, type IsoDate } from './calendar-date';

/** The VAT (PPN) rate that applies from `from` until the next entry starts. */
export interface VatRate {
  readonly from: IsoDate;
  /** Whole percent, never a float. */
  readonly ratePercent: number;
}

/** PPN: 10 % until 31 March 2022, 11 % from 1 April 2022 (UU 7/2021 on tax harmonisation). */
export const DEFAULT_VAT_TABLE: readonly VatRate[] = [
  { from: '1900-01-01', ratePercent: 10 },
  { from: '2022-04-01', ratePercent: 11 },
];

/** The rate in force on a date (the contract's SPK date for Jakon), taken from a table so a rate change is data. */
export function vatRateAt(date: IsoDate, table: readonly VatRate[] = DEFAULT_VAT_TABLE): number {
  if (!isIsoDate(date)) throw new RangeError(`Expected a real calendar date as YYYY-MM-DD, got '${date}'`);
  let current: VatRate | undefined;
  for (const entry of table) {
    if (!isIsoDate(entry.from) || !Number.isInteger(entry.ratePercent) || entry.ratePercent < 0) {
      throw new RangeError(`VAT table entry from '${entry.from}' needs a real date and a whole, non-negative percent`);
    }
    if (entry.from <= date && (current === undefined || entry.from > current.from)) current = entry;
  }
  if (current === undefined) throw new RangeError(`No VAT rate applies on ${date}`);
  return current.ratePercent;
}
