import { validateProcurementEvent } from '../../project-intake/commands/record-procurement-event/validate-procurement-event';
import { DistrictLocator } from './district-locator';
import { INAPROC_ENDPOINTS, type InaprocEndpoint } from './inaproc.endpoints';
import { parseInaprocDate } from './inaproc-row';
import { fundingSource, mapInaprocRow, type MappingContext, suffix } from './map-inaproc-row';

const endpoint = (id: string): InaprocEndpoint => INAPROC_ENDPOINTS.find((e) => e.id === id)!;
const KONTRAK = endpoint('tender/tender-ekontrak-kontrak');
const SPMK = endpoint('tender/tender-ekontrak-spmkspp');
const BAST = endpoint('tender/tender-ekontrak-bapbast');
const NT_KONTRAK = endpoint('non-tender/non-tender-ekontrak-kontrak');
const ctx: MappingContext = { klpd: 'D123', districts: new DistrictLocator('73.07'), fiscalYear: 2025 };

/** A contract row as the legacy ISB names its fields. */
const kontrak = (overrides: Record<string, unknown> = {}) => ({
  kd_tender: 10080116000,
  kd_klpd: 'D123',
  kd_satker: 215061,
  kd_satker_str: '1.03.0.00.0.00.01.0000',
  nama_satker: 'Dinas Pekerjaan Umum dan Penataan Ruang',
  kd_lpse: 117,
  nama_paket: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
  jenis_pengadaan: 'Pekerjaan Konstruksi',
  lokasi_pekerjaan: 'Kec. Bulupoddo, Kab. Sinjai',
  no_kontrak: '027/SPK/PUPR-SJ/IV/2025',
  tgl_kontrak: '2025-04-21',
  tgl_kontrak_awal: '2025-04-28 00:00:00',
  tgl_kontrak_akhir: '2025-10-24',
  nilai_kontrak: 2500000000,
  apakah_addendum: false,
  versi_addendum: 0,
  alasan_addendum: null,
  status_kontrak: 'Kontrak Aktif',
  nama_penyedia: 'CV Karya Sinjai Mandiri',
  npwp_penyedia: '01.234.567.4-901.000',
  npwp_16_penyedia: '0012345674901000',
  nama_ppk: 'Andi Baso',
  nip_ppk: '198001012005011001',
  jenis_kontrak: 'Harga Satuan',
  tahun: 2025,
  ...overrides,
});

const mapped = (e: InaprocEndpoint, row: unknown) => {
  const outcome = mapInaprocRow(e, row, ctx);
  if (outcome.kind !== 'event') throw new Error(`expected an event, got ${JSON.stringify(outcome)}`);
  return outcome;
};

describe('INAPROC row → procurement event (pure mapping)', () => {
  it('maps an original contract (version 0) to a ProjectRegistered the ingest accepts, with a deterministic id', () => {
    const { event, rowKey, regionCode } = mapped(KONTRAK, kontrak());
    expect(event).toEqual({
      eventId: 'inaproc-10080116000-kontrak-v0',
      type: 'ProjectRegistered',
      occurredAt: '2025-04-21T00:00:00+08:00',
      projectRef: '10080116000',
      data: {
        name: 'Rehabilitasi Jalan Poros Sinjai–Bulupoddo',
        agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas Pekerjaan Umum dan Penataan Ruang' },
        regionCode: '73.07.06',
        workType: 'KONSTRUKSI',
        fundingSource: 'APBD',
        fiscalYear: 2025,
        contractNumber: '027/SPK/PUPR-SJ/IV/2025',
        contractDate: '2025-04-21',
        contractValue: '2500000000',
        startDate: '2025-04-28',
        endDate: '2025-10-24',
        contractor: { npwp: '0012345674901000', name: 'CV Karya Sinjai Mandiri' },
        ppk: { nip: '198001012005011001', name: 'Andi Baso' },
      },
    });
    expect(rowKey).toBe(event.eventId);
    expect(regionCode).toBe('73.07.06');
    expect(validateProcurementEvent(event).ok).toBe(true);
    // The same row again is the same event, byte for byte: a re-pull is a duplicate.
    expect(JSON.stringify(mapped(KONTRAK, kontrak()).event)).toBe(JSON.stringify(event));
  });

  it('reads the v1 kode_* spellings, codes as strings, numbers as strings and date-times in WITA', () => {
    const row: Record<string, unknown> = kontrak({ kd_tender: undefined, kode_tender: '10080116000', nilai_kontrak: '2500000000.00', tgl_kontrak: '2025-04-21 09:30:00' });
    delete row.kd_tender;
    delete row.kd_satker_str;
    delete row.kd_satker;
    row.kode_satker = 215061;
    delete row.npwp_16_penyedia;
    const { event } = mapped(KONTRAK, row);
    expect(event.eventId).toBe('inaproc-10080116000-kontrak-v0');
    expect(event.occurredAt).toBe('2025-04-21T09:30:00+08:00');
    expect(event.data).toMatchObject({ contractValue: '2500000000', contractDate: '2025-04-21', agency: { code: '215061' } });
    // The 15-digit NPWP, punctuation dropped: the ingest normalises and checks it.
    expect((event.data.contractor as { npwp: string }).npwp).toBe('012345674901000');
    expect(validateProcurementEvent(event).ok).toBe(true);
  });

  it('maps a higher versi_addendum to a ContractAmended with its own id and addendum number', () => {
    const { event } = mapped(KONTRAK, kontrak({ apakah_addendum: true, versi_addendum: '2', nilai_kontrak: 2750000000, tgl_kontrak_akhir: '2025-11-30', alasan_addendum: 'Pekerjaan tambah kurang (CCO)' }));
    expect(event).toEqual({
      eventId: 'inaproc-10080116000-kontrak-v2',
      type: 'ContractAmended',
      occurredAt: '2025-04-21T00:00:00+08:00',
      projectRef: '10080116000',
      data: { addendumNumber: '027/SPK/PUPR-SJ/IV/2025 (adendum 2)', reason: 'Pekerjaan tambah kurang (CCO)', contractValue: '2750000000', endDate: '2025-11-30' },
    });
    expect(validateProcurementEvent(event).ok).toBe(true);
    const undated = mapped(KONTRAK, kontrak({ versi_addendum: 1, alasan_addendum: null, tgl_addendum: '2025-08-01 10:00:00' })).event;
    expect(undated.occurredAt).toBe('2025-08-01T10:00:00+08:00');
    expect(undated.data.reason).toBe('Adendum ke-1 (alasan tidak tercatat di INAPROC)');
  });

  it('maps SPMK to WorkStarted and BAST to ProjectCompleted, keyed by their numbers', () => {
    const spmk = mapped(SPMK, { kd_tender: '10080116000', jenis_pengadaan: 'Pekerjaan Konstruksi', no_spmk_spp: '027/SPMK/PUPR-SJ/IV/2025', tgl_spmk_spp: '2025-04-25', tgl_mulai_pekerjaan: '2025-04-28 07:30:00', tgl_selesai_pekerjaan: '2025-10-24' });
    expect(spmk.event).toEqual({
      eventId: 'inaproc-10080116000-spmk-027-spmk-pupr-sj-iv-2025',
      type: 'WorkStarted',
      occurredAt: '2025-04-25T00:00:00+08:00',
      projectRef: '10080116000',
      data: { startedAt: '2025-04-28T07:30:00+08:00' },
    });
    expect(spmk.needsKnownContract).toBe(false);
    const bast = mapped(BAST, { kode_tender: 10080116000, no_bast: 'BAST/01/2025', tgl_bast: '2025-10-20 09:00:00' });
    expect(bast.event).toMatchObject({ eventId: 'inaproc-10080116000-bast-bast-01-2025', type: 'ProjectCompleted', data: { completedAt: '2025-10-20T09:00:00+08:00' } });
    // Without jenis_pengadaan, only for a contract Sinergi already has: a goods purchase's SPP must not be held forever.
    expect(bast.needsKnownContract).toBe(true);
    for (const e of [spmk.event, bast.event]) expect(validateProcurementEvent(e).ok).toBe(true);
  });

  it('keys non-tender rows by their own code, prefixed nt-', () => {
    const row: Record<string, unknown> = { ...kontrak(), kd_nontender: 7700123 };
    delete row.kd_tender;
    const { event } = mapped(NT_KONTRAK, row);
    expect(event).toMatchObject({ eventId: 'inaproc-nt-7700123-kontrak-v0', projectRef: 'nt-7700123' });
  });

  it('keeps planning and supervision (Jasa Konsultansi Konstruksi) and skips goods, non-construction consultancy and other KLPDs', () => {
    expect(mapped(KONTRAK, kontrak({ jenis_pengadaan: 'Jasa Konsultansi Konstruksi' })).event.data.workType).toBe('KONSULTANSI_KONSTRUKSI');
    expect(mapped(KONTRAK, kontrak({ jenis_pengadaan: 'jasa konsultansi badan usaha  konstruksi' })).event.data.workType).toBe('KONSULTANSI_KONSTRUKSI');
    expect(mapInaprocRow(KONTRAK, kontrak({ jenis_pengadaan: 'Pengadaan Barang' }), ctx)).toEqual({ kind: 'skipped', reason: 'not_construction' });
    expect(mapInaprocRow(KONTRAK, kontrak({ jenis_pengadaan: 'Jasa Konsultansi Badan Usaha Non Konstruksi' }), ctx)).toEqual({ kind: 'skipped', reason: 'not_construction' });
    expect(mapInaprocRow(KONTRAK, kontrak({ kd_klpd: 'D999' }), ctx)).toEqual({ kind: 'skipped', reason: 'other_klpd' });
  });

  it('rejects a row it cannot map with identifiers and reason codes only: no names, NPWP or amounts', () => {
    const noNpwp = mapInaprocRow(KONTRAK, kontrak({ npwp_penyedia: null, npwp_16_penyedia: '' }), ctx);
    expect(noNpwp).toEqual({
      kind: 'rejected',
      rowKey: 'inaproc-10080116000-kontrak-v0',
      sourceRef: '10080116000',
      reason: 'missing_npwp',
      errors: [{ path: 'npwp_penyedia', code: 'missing' }],
    });
    const badDate = mapInaprocRow(KONTRAK, kontrak({ tgl_kontrak: '2025-02-30' }), ctx);
    expect(badDate).toMatchObject({ kind: 'rejected', reason: 'invalid_date', errors: [{ path: 'tgl_kontrak', code: 'invalid_date' }] });
    const sen = mapInaprocRow(KONTRAK, kontrak({ nilai_kontrak: '2500000000.50' }), ctx);
    expect(sen).toMatchObject({ kind: 'rejected', reason: 'invalid_value', errors: [{ path: 'nilai_kontrak', code: 'invalid_value' }] });
    const noCode = mapInaprocRow(KONTRAK, kontrak({ kd_tender: null }), ctx);
    expect(noCode).toMatchObject({ kind: 'rejected', reason: 'missing_tender_code', sourceRef: null, rowKey: expect.stringMatching(/^unidentified-[0-9a-f]{16}$/) });
    expect(mapInaprocRow(KONTRAK, 'not a row', ctx)).toMatchObject({ kind: 'rejected', reason: 'not_an_object' });
    expect(mapInaprocRow(KONTRAK, kontrak({ apakah_addendum: 'Ya', versi_addendum: null }), ctx)).toMatchObject({ kind: 'rejected', reason: 'missing_field', rowKey: 'inaproc-10080116000-kontrak-vunknown' });
    for (const outcome of [noNpwp, badDate, sen, noCode]) {
      const stored = JSON.stringify(outcome);
      for (const personal of ['Andi Baso', 'CV Karya', '012345674901000', '198001012005011001', '2500000000']) expect(stored).not.toContain(personal);
    }
  });

  it('drops a malformed NIP (optional) rather than refuse the registration', () => {
    expect(mapped(KONTRAK, kontrak({ nip_ppk: '1980 0101 2005' })).event.data.ppk).toEqual({ name: 'Andi Baso' });
    expect(mapped(KONTRAK, kontrak({ nip_ppk: '19800101 200501 1 001' })).event.data.ppk).toEqual({ nip: '198001012005011001', name: 'Andi Baso' });
  });

  it('places the project in the district the location names, else the regency', () => {
    const region = (lokasi: unknown) => mapped(KONTRAK, kontrak({ lokasi_pekerjaan: lokasi })).regionCode;
    expect(region('Kec. Sinjai Utara')).toBe('73.07.05');
    expect(region('SINJAI UTARA')).toBe('73.07.05');
    expect(region('Kelurahan Lappa, Kecamatan Sinjai Utara, Kabupaten Sinjai')).toBe('73.07.05');
    expect(region([{ kabupaten: 'Sinjai', kecamatan: 'Tellu Limpoe', detail: 'Desa Bua' }])).toBe('73.07.08');
    expect(region('Kabupaten Sinjai')).toBe('73.07');
    expect(region('Sinjai Utara dan Sinjai Timur')).toBe('73.07');
    expect(region(null)).toBe('73.07');
    // A district of another regency is not one of Sinjai's.
    expect(region('Kec. Tanete Riattang, Bone')).toBe('73.07');
  });

  it('names the funding source: APBD for a regional KLPD unless the row says otherwise', () => {
    expect(fundingSource({}, 'D123')).toBe('APBD');
    expect(fundingSource({}, 'K45')).toBe('APBN');
    expect(fundingSource({ sumber_dana: 'DAK Fisik' }, 'D123')).toBe('DAK');
    expect(fundingSource({ sumber_dana: 'APBN' }, 'D123')).toBe('APBN');
    expect(fundingSource({ sumber_dana: 'APBDP' }, 'D123')).toBe('APBD');
    expect(fundingSource({ sumber_dana: 'Hibah' }, 'D123')).toBe('OTHER');
  });

  it('reads dates as INAPROC writes them, in WITA when they carry no offset', () => {
    expect(parseInaprocDate('2025-04-21')).toEqual({ date: '2025-04-21', instant: '2025-04-21T00:00:00+08:00' });
    expect(parseInaprocDate('2025-04-21 23:30:00')).toEqual({ date: '2025-04-21', instant: '2025-04-21T23:30:00+08:00' });
    // With an offset (WIB), the date is the WITA one.
    expect(parseInaprocDate('2025-04-21T23:30:00+07:00')).toEqual({ date: '2025-04-22', instant: '2025-04-22T00:30:00+08:00' });
    expect(parseInaprocDate('2025-04-21T15:30:00Z')).toEqual({ date: '2025-04-21', instant: '2025-04-21T23:30:00+08:00' });
    for (const bad of ['2025-02-29', '21-04-2025', '2025-04-21 25:00:00', '', 20250421, null]) expect(parseInaprocDate(bad)).toBeNull();
  });

  it('makes short, stable ids from document numbers', () => {
    expect(suffix('BAST/01/2025')).toBe('-bast-01-2025');
    expect(suffix(null)).toBe('');
    expect(suffix('///')).toMatch(/^-[0-9a-f]{12}$/);
    const long = suffix('x'.repeat(300));
    expect(long.length).toBeLessThanOrEqual(81);
    expect(long).toBe(suffix('x'.repeat(300)));
  });
});
