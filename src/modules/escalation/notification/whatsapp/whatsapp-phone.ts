// Phone numbers are personal data: these helpers only test and reshape them; nothing here logs or keeps one.

/** E.164: a plus, a country code not starting with 0, at most 15 digits in all (e.g. `+6281234567890`). */
export const E164 = /^\+[1-9]\d{7,14}$/;

export const isE164 = (value: unknown): value is string => typeof value === 'string' && E164.test(value);

/**
 * An Indonesian mobile number in E.164 (`+628…`), from the ways people write one (`0812-3456-7890`,
 * `+62 812 3456 7890`, `62812…`); null for a landline (`0482 21xxx`), a foreign number or anything else. Only mobile
 * numbers can be on WhatsApp.
 */
export function indonesianMobile(phone: string | null | undefined): string | null {
  if (typeof phone !== 'string') return null;
  const compact = phone.replace(/[\s().-]/g, '');
  if (!/^\+?\d+$/.test(compact)) return null;
  let national: string | null = null;
  if (compact.startsWith('+62')) national = compact.slice(3);
  else if (compact.startsWith('62')) national = compact.slice(2);
  else if (compact.startsWith('0')) national = compact.slice(1);
  if (national === null || !/^8\d{8,11}$/.test(national)) return null;
  return `+62${national}`;
}
