import { validateSync } from 'class-validator';
import { IsIsoDate, IsNik, IsNpwp, IsRegionCode, IsRupiah } from './identifier.decorators';

class RegisterProjectRequest {
  @IsNik() supervisorNik: unknown;
  @IsNpwp() contractorNpwp: unknown;
  @IsRegionCode({ minLevel: 'district' }) location: unknown;
  @IsRegionCode() scope: unknown;
  @IsRupiah() contractValue: unknown;
  @IsIsoDate() spkDate: unknown;
}

function request(overrides: Partial<RegisterProjectRequest> = {}): RegisterProjectRequest {
  return Object.assign(new RegisterProjectRequest(), {
    supervisorNik: '7307055708850001',
    contractorNpwp: '01.234.567.4-901.000',
    location: '73.07.05',
    scope: '73',
    contractValue: '2500000000',
    spkDate: '2025-03-27',
    ...overrides,
  });
}

const constraintsByProperty = (dto: object) =>
  Object.fromEntries(validateSync(dto).map((error) => [error.property, Object.keys(error.constraints ?? {})]));

describe('identifier decorators', () => {
  it('accept a request whose identifiers are all valid', () => {
    expect(validateSync(request())).toEqual([]);
    expect(validateSync(request({ contractValue: 2_500_000_000, location: '73.07.05.2001' }))).toEqual([]);
  });

  it('report each broken identifier under its stable constraint key', () => {
    const dto = request({
      supervisorNik: '7307053104850001',
      contractorNpwp: '01.234.567.8-901.000',
      location: '73.07',
      scope: '73.070',
      contractValue: '1.5',
      spkDate: '2025-02-29',
    });
    expect(constraintsByProperty(dto)).toEqual({
      supervisorNik: ['isNik'],
      contractorNpwp: ['isNpwp'],
      location: ['isRegionCode'],
      scope: ['isRegionCode'],
      contractValue: ['isRupiah'],
      spkDate: ['isIsoDate'],
    });
  });

  it('take money only in canonical form and within its bounds', () => {
    class Contract {
      @IsRupiah({ min: 1n }) value: unknown;
    }
    const refused = (value: unknown) => validateSync(Object.assign(new Contract(), { value })).length > 0;
    for (const bad of ['007', '0', 0, -0, '-1', '1000000000000001', '9223372036854775808', 1e16, ' 1', '1e3']) expect(refused(bad)).toBe(true);
    for (const good of ['1', 1, '1000000000000000', 1_000_000_000_000_000, '2500000000']) expect(refused(good)).toBe(false);
    expect(validateSync(request({ contractValue: '0' }))).toEqual([]);
  });

  it('take dates only from 1900 to 2199', () => {
    for (const date of ['0000-01-01', '1899-12-31', '2200-01-01']) expect(constraintsByProperty(request({ spkDate: date }))).toEqual({ spkDate: ['isIsoDate'] });
    for (const date of ['1900-01-01', '2199-12-31']) expect(validateSync(request({ spkDate: date }))).toEqual([]);
  });

  it('reject values of the wrong type rather than coercing them', () => {
    const dto = request({ supervisorNik: 7307055708850001, contractValue: -1, spkDate: 20250327 });
    expect(constraintsByProperty(dto)).toEqual({
      supervisorNik: ['isNik'],
      contractValue: ['isRupiah'],
      spkDate: ['isIsoDate'],
    });
  });

  it('explain the rule in the default message', () => {
    const messages = Object.fromEntries(
      validateSync(request({ supervisorNik: '123', location: '73', spkDate: '27/03/2025' })).map((error) => [
        error.property,
        Object.values(error.constraints ?? {})[0],
      ]),
    );
    expect(messages.supervisorNik).toBe(
      'supervisorNik must be 16 digits with a valid birth date (DDMMYY, women +40) and a sequence other than 0000',
    );
    expect(messages.location).toBe(
      'location must be a Kemendagri region code (PP, PP.KK, PP.KK.CC or PP.KK.CC.XXXX) at district or village level',
    );
    expect(messages.spkDate).toBe('spkDate must be a real calendar date written YYYY-MM-DD, from 1900-01-01 to 2199-12-31');
  });

  it('honour class-validator options such as each and a custom message', () => {
    class Batch {
      @IsNik({ each: true, message: 'bad NIK' }) niks: unknown;
    }
    const errors = validateSync(Object.assign(new Batch(), { niks: ['7307051708850001', '7307051708850000'] }));
    expect(errors.map((e) => e.constraints)).toEqual([{ isNik: 'bad NIK' }]);
  });
});
