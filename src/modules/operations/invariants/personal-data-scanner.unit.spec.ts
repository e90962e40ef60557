import { PersonalDataScanner } from './personal-data-scanner';

describe('PersonalDataScanner', () => {
  const scanner = new PersonalDataScanner({
    names: ['Siti Rahmawati Nur', 'Andi', 'Ari'],
    niks: ['1234567890123456'],
    emails: ['Ppk.Pupr@Sinjaikab.example'],
  });

  it('finds a stored name as whole words in any case and spacing, and says where, never what', () => {
    expect(scanner.scan({ a: [{ note: 'Worker SITI  rahmawati nur, absent' }] })).toEqual([{ path: '$.a[0].note', kind: 'name' }]);
    expect(scanner.scan({ note: 'Siti Rahmawati' })).toEqual([]);
    expect(scanner.scan({ note: 'Siti Rahmawati Nurhayati' })).toEqual([]);
    // Names of four letters or more only: "Ari" is too common a word to point at anyone; "Andi" counts.
    expect(scanner.scan({ a: 'ari', b: 'Pak Andi datang' })).toEqual([{ path: '$.b', kind: 'name' }]);
  });

  it('finds NIK-shaped numbers and stored NIKs standing alone, in strings and numbers, but not inside hex or longer numbers', () => {
    expect(scanner.scan({ s: 'nik 7307015208850003.', n: 7307015208850003 })).toEqual([
      { path: '$.s', kind: 'nik' },
      { path: '$.n', kind: 'nik' },
    ]);
    // Stored, though not NIK-shaped.
    expect(scanner.scan(['id 1234567890123456'])).toEqual([{ path: '$[0]', kind: 'nik' }]);
    // Not NIK-shaped (month 13; starts with 00), inside a hex string, or 17 digits long.
    expect(scanner.scan({ a: '7307015213850003', b: '0012345674901000', c: 'ab7307015208850003cd', d: '73070152088500031' })).toEqual([]);
    // The fraction of a decimal number (a metric's value) is not one.
    expect(scanner.scan({ metrics: 'sinergi_lag_seconds 0.7307015208850003\nother 12.7307015208850003' })).toEqual([]);
  });

  it('leaves contract and hash fields alone: NPWPs, hashes, digests, trace ids', () => {
    expect(scanner.scan({ contractor: { npwp: '7307015208850003' }, contractor_npwp: '7307015208850003', hash: '7307015208850003', traceparent: '7307015208850003' })).toEqual([]);
  });

  it('finds a stored e-mail address whatever its case', () => {
    expect(scanner.scan({ to: 'Kepada <ppk.pupr@sinjaikab.example>' })).toEqual([{ path: '$.to', kind: 'email' }]);
    expect(scanner.scan({ to: 'kontak@karyasinjai.example' })).toEqual([]);
  });

  it('tells apart names that share their first words, whichever word the name is found by', () => {
    const roster = new PersonalDataScanner({ names: ['Pekerja Satu', 'Pekerja Dua Belas', 'Andi Baso Pekerja'], niks: [], emails: [] });
    expect(roster.scan({ note: 'ada pekerja dua belas di sini' })).toEqual([{ path: '$.note', kind: 'name' }]);
    expect(roster.scan({ note: 'dilaporkan oleh Andi Baso Pekerja' })).toEqual([{ path: '$.note', kind: 'name' }]);
    expect(roster.scan({ a: 'pekerja', b: 'pekerja dua', c: 'dua belas', d: 'baso pekerja' })).toEqual([]);
  });
});
