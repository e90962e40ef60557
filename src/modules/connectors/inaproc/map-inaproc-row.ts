import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { DistrictLocator } from './district-locator';
import type { InaprocEndpoint } from './inaproc.endpoints';
import { allText, code, dateField, field, flag, type InaprocDate, type InaprocRow, rupiah, text, wholeNumber } from './inaproc-row';

/**
 * One INAPROC row → one procurement event, as an SPSE would post it, pure and deterministic: the same row always
 * gives the same event id and the same body, so a re-pull is answered as a duplicate.
 *
 * - `*-ekontrak-kontrak`, `versi_addendum` 0 → `ProjectRegistered`, id `inaproc-<kd_tender>-kontrak-v0`;
 *   a higher version → `ContractAmended`, id `inaproc-<kd_tender>-kontrak-v<n>`.
 * - `*-ekontrak-spmkspp` → `WorkStarted`, id `inaproc-<kd_tender>-spmk-<no_spmk_spp as a slug>`.
 * - `*-ekontrak-bapbast` → `ProjectCompleted`, id `inaproc-<kd_tender>-bast-<no_bast as a slug>`.
 *
 * Non-tender rows are keyed by their non-tender code, prefixed `nt-` (`inaproc-nt-<kd_nontender>-…`): SPSE numbers
 * tenders and non-tenders separately, so the same digits may name two packages.
 */

/** What a row becomes. Rejected rows carry identifiers and reason codes only: never a name, NIK, NPWP or amount. */
export type RowOutcome =
  | { kind: 'event'; event: ProcurementEventItem; rowKey: string; sourceRef: string; regionCode: string | null; needsKnownContract: boolean }
  | { kind: 'skipped'; reason: SkipReason }
  | { kind: 'rejected'; rowKey: string; sourceRef: string | null; reason: RejectReason; errors: RowError[] };

/** Rows left out on purpose: not construction, another KLPD's. */
export type SkipReason = 'not_construction' | 'other_klpd';

/** Rows that should have become an event and could not: recorded, shown to admins (`GET /v1/ops/connector-rejects`). */
export type RejectReason =
  | 'not_an_object'
  | 'missing_tender_code'
  | 'invalid_tender_code'
  | 'missing_npwp'
  | 'missing_field'
  | 'invalid_date'
  | 'invalid_value';

export interface RowError {
  /** The INAPROC field (`tgl_kontrak`) or, for a refusal by the ingest, the event's path (`data.contractor.npwp`). */
  path: string;
  code: 'missing' | 'invalid_date' | 'invalid_value' | string;
}

/** A procurement event on the wire, as `POST /v1/procurement/events` takes it. */
export interface ProcurementEventItem {
  eventId: string;
  type: 'ProjectRegistered' | 'ContractAmended' | 'WorkStarted' | 'ProjectCompleted';
  occurredAt: string;
  projectRef: string;
  data: Record<string, unknown>;
}

export interface MappingContext {
  /** INAPROC_KLPD: rows naming another KLPD are skipped. */
  klpd: string;
  /** INAPROC_REGION, and its districts. */
  districts: DistrictLocator;
  /** The year asked for (`tahun`), when the row does not say its own. */
  fiscalYear: number;
}

/** `jenis_pengadaan` that need Jakon (planning and supervision too), with the work type the event records. */
const CONSTRUCTION: Record<string, string> = {
  'pekerjaan konstruksi': 'KONSTRUKSI',
  'pekerjaan konstruksi terintegrasi': 'KONSTRUKSI_TERINTEGRASI',
  'jasa konsultansi konstruksi': 'KONSULTANSI_KONSTRUKSI',
  'jasa konsultansi badan usaha konstruksi': 'KONSULTANSI_KONSTRUKSI',
  'jasa konsultansi perorangan konstruksi': 'KONSULTANSI_KONSTRUKSI',
};

const REF = /^[A-Za-z0-9][A-Za-z0-9-]{0,59}$/;

export function mapInaprocRow(endpoint: InaprocEndpoint, raw: unknown, ctx: MappingContext): RowOutcome {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { kind: 'rejected', rowKey: unidentified(raw), sourceRef: null, reason: 'not_an_object', errors: [] };
  }
  const row = raw as InaprocRow;

  const klpd = code(row, 'kd_klpd');
  if (klpd !== null && klpd.toLowerCase() !== ctx.klpd.toLowerCase()) return { kind: 'skipped', reason: 'other_klpd' };

  const jenis = text(row, 'jenis_pengadaan', 'nama_jenis_pengadaan');
  const workType = jenis === null ? null : (CONSTRUCTION[jenis.toLowerCase()] ?? undefined);
  if (workType === undefined) return { kind: 'skipped', reason: 'not_construction' };

  const tenderNames = endpoint.method === 'tender' ? ['kd_tender'] : ['kd_nontender', 'kd_non_tender', 'kd_tender'];
  const tender = code(row, ...tenderNames);
  if (tender === null) {
    return { kind: 'rejected', rowKey: unidentified(row), sourceRef: null, reason: 'missing_tender_code', errors: [{ path: tenderNames[0], code: 'missing' }] };
  }
  if (!REF.test(tender)) {
    return { kind: 'rejected', rowKey: unidentified(row), sourceRef: null, reason: 'invalid_tender_code', errors: [{ path: tenderNames[0], code: 'invalid_value' }] };
  }
  const projectRef = endpoint.method === 'tender' ? tender : `nt-${tender}`;
  const prefix = `inaproc-${projectRef}`;

  switch (endpoint.kind) {
    case 'kontrak':
      return contractRow(row, prefix, projectRef, workType, ctx);
    case 'spmk': {
      const key = `${prefix}-spmk${suffix(text(row, 'no_spmk_spp', 'no_spmk'))}`;
      const errors = new Errors();
      const issued = errors.date(row, 'tgl_spmk_spp', false);
      const started = errors.date(row, 'tgl_mulai_pekerjaan', false);
      const startedAt = started ?? issued;
      if (!startedAt && errors.none()) errors.missing('tgl_mulai_pekerjaan');
      if (!errors.none() || !startedAt) return errors.reject(key, projectRef);
      return event(key, projectRef, null, workType === null, {
        eventId: key,
        type: 'WorkStarted',
        occurredAt: (issued ?? startedAt).instant,
        projectRef,
        data: { startedAt: startedAt.instant },
      });
    }
    case 'bast': {
      const key = `${prefix}-bast${suffix(text(row, 'no_bast', 'no_ba_st'))}`;
      const errors = new Errors();
      const handedOver = errors.date(row, 'tgl_bast', true);
      if (!handedOver) return errors.reject(key, projectRef);
      return event(key, projectRef, null, workType === null, {
        eventId: key,
        type: 'ProjectCompleted',
        occurredAt: handedOver.instant,
        projectRef,
        data: { completedAt: handedOver.instant },
      });
    }
  }
}

function contractRow(row: InaprocRow, prefix: string, projectRef: string, workType: string | null, ctx: MappingContext): RowOutcome {
  const errors = new Errors();
  const declaredVersion = wholeNumber(row, 'versi_addendum', 'versi_adendum');
  let version: number | null;
  if (declaredVersion === undefined) {
    errors.invalid('versi_addendum');
    version = null;
  } else if (declaredVersion === null) {
    // No version: the original contract, unless the row says it is an addendum.
    version = flag(row, 'apakah_addendum', 'apakah_adendum') ? null : 0;
    if (version === null) errors.missing('versi_addendum');
  } else {
    version = declaredVersion;
  }
  const key = `${prefix}-kontrak-v${version ?? 'unknown'}`;
  const contractNumber = text(row, 'no_kontrak');
  const endDate = errors.date(row, 'tgl_kontrak_akhir', version === 0);
  const value = errors.rupiah(row, 'nilai_kontrak', version === 0);

  if (version === 0) {
    if (workType === null) errors.missing('jenis_pengadaan');
    const contractDate = errors.date(row, 'tgl_kontrak', true);
    const startDate = errors.date(row, 'tgl_kontrak_awal', true);
    const npwp = text(row, 'npwp_16_penyedia', 'npwp_penyedia');
    if (npwp === null) errors.missing('npwp_penyedia', 'missing_npwp');
    const required = {
      name: errors.required(row, 'nama_paket'),
      contractNumber: contractNumber ?? errors.missing('no_kontrak'),
      agencyCode: code(row, 'kd_satker_str', 'kd_satker') ?? errors.missing('kd_satker'),
      agencyName: errors.required(row, 'nama_satker'),
      contractor: errors.required(row, 'nama_penyedia'),
      ppk: errors.required(row, 'nama_ppk'),
    };
    if (!errors.none() || !contractDate || !startDate || !endDate || !value || !npwp) return errors.reject(key, projectRef);
    const nip = text(row, 'nip_ppk')?.replace(/\s+/g, '');
    const regionCode = ctx.districts.locate(allText(field(row, 'lokasi_pekerjaan')?.value));
    return event(key, projectRef, regionCode, false, {
      eventId: key,
      type: 'ProjectRegistered',
      occurredAt: contractDate.instant,
      projectRef,
      data: {
        name: required.name,
        agency: { code: required.agencyCode, name: required.agencyName },
        regionCode,
        workType,
        fundingSource: fundingSource(row, ctx.klpd),
        fiscalYear: wholeNumber(row, 'tahun', 'tahun_anggaran') || ctx.fiscalYear,
        contractNumber: required.contractNumber,
        contractDate: contractDate.date,
        contractValue: value,
        startDate: startDate.date,
        endDate: endDate.date,
        // Punctuation as LKPP prints it (01.234.567.8-901.000) is dropped; the ingest checks the digits.
        contractor: { npwp: npwp.replace(/[^0-9]/g, '') || npwp, name: required.contractor },
        // A NIP only when it is one: a malformed optional NIP must not refuse the whole registration.
        ppk: nip && /^\d{18}$/.test(nip) ? { nip, name: required.ppk } : { name: required.ppk },
      },
    });
  }

  // An addendum: its date is the addendum's own when the row has one, else the contract row's.
  const dated = errors.date(row, 'tgl_addendum', false) ?? errors.date(row, 'tgl_adendum', false) ?? errors.date(row, 'tgl_kontrak', true);
  if (!errors.none() || version === null || !dated) return errors.reject(key, projectRef);
  const data: Record<string, unknown> = {
    // Unique per version: LKPP may keep the contract's number on every addendum, and the ingest refuses a repeat.
    addendumNumber: `${contractNumber ?? 'Kontrak'} (adendum ${version})`.slice(0, 128),
    reason: text(row, 'alasan_addendum', 'alasan_adendum')?.slice(0, 2000) || `Adendum ke-${version} (alasan tidak tercatat di INAPROC)`,
  };
  if (value) data.contractValue = value;
  if (endDate) data.endDate = endDate.date;
  return event(key, projectRef, null, workType === null, { eventId: key, type: 'ContractAmended', occurredAt: dated.instant, projectRef, data });
}

function event(rowKey: string, sourceRef: string, regionCode: string | null, needsKnownContract: boolean, item: ProcurementEventItem): RowOutcome {
  return { kind: 'event', event: item, rowKey, sourceRef, regionCode, needsKnownContract };
}

/**
 * APBD for a regional government's KLPD (`D…`), APBN for a ministry's or agency's, unless the row names its
 * source of funds (`sumber_dana`): APBN, DAK, Dana Desa or APBD(-P); anything else named is OTHER.
 */
export function fundingSource(row: InaprocRow, klpd: string): string {
  const named = text(row, 'sumber_dana', 'nama_sumber_dana')?.toUpperCase();
  if (named) {
    if (/\bDAK\b/.test(named)) return 'DAK';
    if (/\bAPBN\b/.test(named)) return 'APBN';
    if (/\bDANA DESA\b|\bAPBDES\b/.test(named)) return 'DANA_DESA';
    if (/\bAPBD/.test(named) || /\bBLUD\b/.test(named)) return 'APBD';
    return 'OTHER';
  }
  return /^d/i.test(klpd) ? 'APBD' : 'APBN';
}

/** A number as a short, stable id part: `027/SPMK/PUPR-SJ/IV/2025` → `-027-spmk-pupr-sj-iv-2025`; none → ''. */
export function suffix(number: string | null): string {
  if (!number) return '';
  const slug = number.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  if (!slug) return `-${digest(number).slice(0, 12)}`;
  return slug.length <= 80 ? `-${slug}` : `-${slug.slice(0, 67)}-${digest(number).slice(0, 12)}`;
}

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

/** A row without a usable tender code is known by a digest of its content: nothing of it is stored in clear. */
function unidentified(raw: unknown): string {
  return `unidentified-${digest(canonicalize(raw) ?? String(raw)).slice(0, 16)}`;
}

/** The problems of one row, in field order; the first names the reject's reason. */
class Errors {
  readonly list: RowError[] = [];
  private reason: RejectReason | null = null;

  none(): boolean {
    return this.list.length === 0;
  }

  missing(path: string, reason: RejectReason = 'missing_field'): null {
    this.add({ path, code: 'missing' }, reason);
    return null;
  }

  invalid(path: string, codeName: 'invalid_date' | 'invalid_value' = 'invalid_value'): null {
    this.add({ path, code: codeName }, codeName);
    return null;
  }

  required(row: InaprocRow, name: string): string | null {
    return text(row, name) ?? this.missing(name);
  }

  date(row: InaprocRow, name: string, required: boolean): InaprocDate | null {
    const d = dateField(row, name);
    if (d === 'missing') return required ? this.missing(name) : null;
    if (d === 'invalid') return this.invalid(name, 'invalid_date');
    return d;
  }

  rupiah(row: InaprocRow, name: string, required: boolean): string | null {
    const v = rupiah(row, name);
    if (v === undefined) return this.invalid(name);
    if (v === null) return required ? this.missing(name) : null;
    return v;
  }

  reject(rowKey: string, sourceRef: string): RowOutcome {
    return { kind: 'rejected', rowKey, sourceRef, reason: this.reason ?? 'missing_field', errors: this.list };
  }

  private add(error: RowError, reason: RejectReason): void {
    this.list.push(error);
    this.reason ??= reason;
  }
}
