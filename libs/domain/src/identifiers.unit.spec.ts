import {
  isValidBpjsPaymentCode,
  isValidBpjsProjectNumber,
  isValidBpjsReceiptNumber,
  isValidNib,
  isValidNpp,
  isWithinScope,
  normaliseNpwp,
  parentRegionCode,
  parseRegionCode,
  regionLevel,
  validateNik,
} from './identifiers';

/** Test-side Luhn: the digit d for which payload + d has a weighted digit sum divisible by 10. */
function luhnDigitFor(payload: string): string {
  const passes = (number: string) =>
    [...number].reverse().reduce((sum, char, i) => {
      const weighted = i % 2 === 1 ? Number(char) * 2 : Number(char);
      return sum + Math.floor(weighted / 10) + (weighted % 10);
    }, 0) %
      10 ===
    0;
  return '0123456789'.split('').find((d) => passes(payload + d))!;
}

describe('validateNik', () => {
  it.each([
    ['a man born 17 Aug 1985', '7307051708850001'],
    ['a woman born 17 Aug 1985 (day + 40)', '7307055708850001'],
    ['a woman born on the 1st (day 41)', '7307054101000001'],
    ['a woman born on the 31st (day 71)', '7307057108850001'],
    ['29 Feb in a leap YY', '7307052902960001'],
    ['29 Feb for a woman in a leap YY', '7307056902960001'],
    ['29 Feb when YY is 00', '7307052902000001'],
    ['30 April', '7307053004850001'],
  ])('accepts %s', (_, nik) => {
    expect(validateNik(nik)).toEqual({ ok: true });
  });

  it.each([
    ['29 Feb in a non-leap YY', '7307052902970001'],
    ['29 Feb for a woman in a non-leap YY', '7307056902970001'],
    ['31 April', '7307053104850001'],
    ['day 32', '7307053208850001'],
    ['day 40 (neither a man nor a woman)', '7307054008850001'],
    ['day 72 (a woman on the 32nd)', '7307057208850001'],
    ['day 00', '7307050008850001'],
    ['month 13', '7307051513850001'],
    ['month 00', '7307051500850001'],
  ])('rejects a birth date on %s', (_, nik) => {
    expect(validateNik(nik)).toEqual({ ok: false, code: 'nik_birth_date' });
  });

  it('rejects sequence 0000', () => {
    expect(validateNik('7307051708850000')).toEqual({ ok: false, code: 'nik_sequence' });
  });

  it.each([
    ['a letter', '73070517088500O1'],
    ['15 digits', '730705170885001'],
    ['17 digits', '73070517088500011'],
    ['spaces', '7307 0517 0885 0001'],
    ['a region starting with 00', '0007051708850001'],
    ['nothing', ''],
  ])('rejects the format with %s', (_, nik) => {
    expect(validateNik(nik)).toEqual({ ok: false, code: 'nik_format' });
  });
});

describe('normaliseNpwp', () => {
  const payload = '01234567';
  const check = luhnDigitFor(payload);
  const wrong = String((Number(check) + 5) % 10);

  it('computes the Luhn digit the test relies on', () => {
    expect(check).toBe('4');
    expect(luhnDigitFor('01000013')).toBe('1');
  });

  it('turns the old 15-digit form, with or without punctuation, into 0 + 15 digits', () => {
    const expected = `00${payload.slice(1)}${check}901000`;
    expect(normaliseNpwp(`01.234.567.${check}-901.000`)).toEqual({ ok: true, value: expected });
    expect(normaliseNpwp(`${payload}${check}901000`)).toEqual({ ok: true, value: expected });
    expect(normaliseNpwp(`01 234 567 ${check} 901 000`)).toEqual({ ok: true, value: expected });
    expect(normaliseNpwp('01.000.013.1-093.000')).toEqual({ ok: true, value: '0010000131093000' });
  });

  it('rejects an old form whose 9th digit is not the Luhn check of the first 8', () => {
    expect(normaliseNpwp(`01.234.567.${wrong}-901.000`)).toEqual({ ok: false, code: 'npwp_check_digit' });
    expect(normaliseNpwp('01.234.567.8-901.000')).toEqual({ ok: false, code: 'npwp_check_digit' });
  });

  it('accepts the new 16-digit company form and checks the Luhn digit after its leading 0', () => {
    expect(normaliseNpwp(`0${payload}${check}901000`)).toEqual({ ok: true, value: `0${payload}${check}901000` });
    expect(normaliseNpwp(`0${payload}${wrong}901000`)).toEqual({ ok: false, code: 'npwp_check_digit' });
  });

  it("accepts a resident individual's NIK as NPWP, and only a valid one", () => {
    expect(normaliseNpwp('7307051708850001')).toEqual({ ok: true, value: '7307051708850001' });
    expect(normaliseNpwp('7307053104850001')).toEqual({ ok: false, code: 'npwp_nik' });
  });

  it.each(['12345', '01234567490100011', '01.234.567.4/901.000', 'NPWP 012345674901000', ''])(
    'rejects the format %p',
    (input) => {
      expect(normaliseNpwp(input)).toEqual({ ok: false, code: 'npwp_format' });
    },
  );
});

describe('fixed-length numbers', () => {
  it('checks NIB 13, BPJS project number 13, NPP 8, payment code 12 and receipt number 15 digits', () => {
    expect(isValidNib('9120001234567')).toBe(true);
    expect(isValidNib('912000123456')).toBe(false);
    expect(isValidBpjsProjectNumber('2501234567890')).toBe(true);
    expect(isValidBpjsProjectNumber('25012345678901')).toBe(false);
    expect(isValidNpp('12345678')).toBe(true);
    expect(isValidNpp('1234567A')).toBe(false);
    expect(isValidBpjsPaymentCode('123456789012')).toBe(true);
    expect(isValidBpjsPaymentCode('12345678901')).toBe(false);
    expect(isValidBpjsReceiptNumber('123456789012345')).toBe(true);
    expect(isValidBpjsReceiptNumber('12345678901234 ')).toBe(false);
  });
});

describe('region codes', () => {
  it('parses each level into its segments', () => {
    expect(parseRegionCode('73')).toEqual({ level: 'province', province: '73' });
    expect(parseRegionCode('73.07')).toEqual({ level: 'regency', province: '73', regency: '07' });
    expect(parseRegionCode('73.07.05')).toEqual({ level: 'district', province: '73', regency: '07', district: '05' });
    expect(parseRegionCode('73.07.05.2001')).toEqual({
      level: 'village',
      province: '73',
      regency: '07',
      district: '05',
      village: '2001',
    });
    expect(regionLevel('73.71.01.1001')).toBe('village');
    expect(regionLevel('73.07.09.3001')).toBe('village');
  });

  const notRegionCodes = ['00', '73.00', '73.07.00', '73.07.05.0001', '73.07.05.4001', '73.7', '73.070', '7307'];
  it.each([...notRegionCodes, '73.07.05.200', '73.07.', 'ab', ''])('rejects %p', (code) => {
    expect(parseRegionCode(code)).toBeNull();
    expect(regionLevel(code)).toBeNull();
  });

  it('walks up to the parent region', () => {
    expect(parentRegionCode('73.07.05.2001')).toBe('73.07.05');
    expect(parentRegionCode('73.07.05')).toBe('73.07');
    expect(parentRegionCode('73.07')).toBe('73');
    expect(parentRegionCode('73')).toBeNull();
    expect(parentRegionCode('73.070')).toBeNull();
  });

  it('scopes by whole segments: 73.07 covers its districts and villages but not 73.070, 73.7 or 73.08', () => {
    expect(isWithinScope('73.07', ['73.07'])).toBe(true);
    expect(isWithinScope('73.07.05', ['73.07'])).toBe(true);
    expect(isWithinScope('73.07.05.2001', ['73.07'])).toBe(true);
    expect(isWithinScope('73.070', ['73.07'])).toBe(false);
    expect(isWithinScope('73.7', ['73.07'])).toBe(false);
    expect(isWithinScope('73.08.01', ['73.07'])).toBe(false);
    expect(isWithinScope('73', ['73.07'])).toBe(false);
  });

  it('lets a province scope see the whole province, and any of several scopes match', () => {
    expect(isWithinScope('73.07.05', ['73'])).toBe(true);
    expect(isWithinScope('74.01', ['73'])).toBe(false);
    expect(isWithinScope('73.08.01', ['73.07', '73.08'])).toBe(true);
    expect(isWithinScope('73.07', [])).toBe(false);
    expect(isWithinScope('73.07', ['7'])).toBe(false);
  });
});
