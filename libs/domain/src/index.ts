export {
  addCalendarDays,
  addMonths,
  calendarDateWita,
  compareDates,
  dayOfWeek,
  daysBetween,
  daysInMonth,
  isIsoDate,
  isYearMonth,
  type IsoDate,
  monthsUntil,
  todayWita,
  toMonthNumber,
  WITA_OFFSET_MS,
  witaWallClock,
  type YearMonth,
  yearMonthOf,
} from './calendar-date';
export {
  isValidBpjsPaymentCode,
  isValidBpjsProjectNumber,
  isValidBpjsReceiptNumber,
  isValidNib,
  isValidNpp,
  isWithinScope,
  normaliseNpwp,
  parentRegionCode,
  parseRegionCode,
  REGION_LEVELS,
  regionLevel,
  validateNik,
  type NikCheck,
  type NpwpCheck,
  type RegionCode,
  type RegionLevel,
} from './identifiers';
export { formatRupiah, formatRupiahId, parseRupiah, type Rupiah } from './money';
export {
  computeJakonPremium,
  computeWagePremium,
  DEFAULT_JAKON_BANDS,
  DEFAULT_WAGE_RATES,
  type JakonPremiumInput,
  type PremiumAssessment,
  type PremiumBand,
  type PremiumSplit,
} from './premium';
export { percent, type Rational } from './rational';
export { DEFAULT_VAT_TABLE, vatRateAt, type VatRate } from './vat';
export {
  addWorkingDays,
  defaultHolidayCalendar,
  HolidayCalendar,
  isWorkingDay,
  registrationDeadline,
  type HolidayEntry,
  type HolidayKind,
} from './working-days';
export {
  REGION_HIERARCHY_VERSION,
  RegionHierarchy,
  type RegionExistence,
  VENDORED_REGIONS,
  vendoredRegions,
} from './regions/region-hierarchy';
