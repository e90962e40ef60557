import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fault served instead of a page, once: a status, an optional Retry-After, an optional body. */
export interface InaprocFault {
  status: number;
  retryAfter?: string;
  body?: string;
  /** Only for a request whose cursor this accepts (e.g. a second page: `(cursor) => cursor !== null`). */
  when?: (cursor: string | null) => boolean;
}

export interface InaprocFixtureRequest {
  path: string;
  kodeKlpd: string | null;
  tahun: string | null;
  limit: string | null;
  cursor: string | null;
  authorised: boolean;
  status: number;
  at: number;
}

export interface InaprocFixture {
  url: string;
  token: string;
  /** Rows per (endpoint path after /api/v1/, year): edit them between pulls. */
  rows: Map<string, unknown[]>;
  set(endpoint: string, year: number, rows: unknown[]): void;
  add(endpoint: string, year: number, ...rows: unknown[]): void;
  /** The next requests of an endpoint get these answers, in order, before its pages again. */
  fail(endpoint: string, ...faults: InaprocFault[]): void;
  requests: InaprocFixtureRequest[];
  close(): Promise<void>;
}

/**
 * A local stand-in for LKPP's INAPROC data API as the connector reads it: `GET /api/v1/{group}/{endpoint}` with
 * `kode_klpd`, `tahun`, `limit` and `cursor`, a bearer token, answers `{ data, meta: { has_more, next_cursor } }`,
 * pages of at most `pageSize` rows (and of `limit`), an opaque cursor; faults (429 with Retry-After, 5xx) on demand.
 * The cursor names an offset: re-reading the last page from its cursor returns rows added to it since.
 */
export async function startInaprocFixture(options: { token?: string; klpd?: string; pageSize?: number } = {}): Promise<InaprocFixture> {
  const token = options.token ?? 'inaproc-fixture-token-7307';
  const klpd = options.klpd ?? 'D123';
  const pageSize = options.pageSize ?? 3;
  const rows = new Map<string, unknown[]>();
  const faults = new Map<string, InaprocFault[]>();
  const requests: InaprocFixtureRequest[] = [];
  const key = (endpoint: string, year: number | string) => `${endpoint}@${year}`;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fixture');
    const authorised = req.headers.authorization === `Bearer ${token}`;
    const record = (status: number) =>
      requests.push({
        path: url.pathname,
        kodeKlpd: url.searchParams.get('kode_klpd'),
        tahun: url.searchParams.get('tahun'),
        limit: url.searchParams.get('limit'),
        cursor: url.searchParams.get('cursor'),
        authorised,
        status,
        at: Date.now(),
      });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record(status);
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    const m = /^\/api\/v1\/((?:tender|non-tender)\/[a-z-]+)$/.exec(url.pathname);
    if (req.method !== 'GET' || !m) return send(404, { message: 'not found' });
    if (!authorised) return send(401, { message: 'token tidak valid' });
    const endpoint = m[1];
    const pending = faults.get(endpoint) ?? [];
    const index = pending.findIndex((f) => !f.when || f.when(url.searchParams.get('cursor')));
    const fault = index >= 0 ? pending.splice(index, 1)[0] : undefined;
    if (fault) return send(fault.status, fault.body ?? { message: 'coba lagi nanti' }, fault.retryAfter ? { 'retry-after': fault.retryAfter } : {});
    const tahun = url.searchParams.get('tahun');
    const limit = Number(url.searchParams.get('limit') ?? '100');
    if (url.searchParams.get('kode_klpd') !== klpd || !tahun || !(limit >= 1 && limit <= 1000)) return send(400, { message: 'parameter tidak valid' });
    const cursor = url.searchParams.get('cursor');
    const offset = cursor === null ? 0 : decodeCursor(cursor);
    if (offset === null) return send(400, { message: 'cursor tidak valid' });
    const all = rows.get(key(endpoint, tahun)) ?? [];
    const size = Math.min(pageSize, limit);
    const data = all.slice(offset, offset + size);
    const hasMore = offset + size < all.length;
    send(200, { data, meta: { has_more: hasMore, next_cursor: hasMore ? encodeCursor(offset + size) : null } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    rows,
    set: (endpoint, year, list) => void rows.set(key(endpoint, year), [...list]),
    add: (endpoint, year, ...more) => void rows.set(key(endpoint, year), [...(rows.get(key(endpoint, year)) ?? []), ...more]),
    fail: (endpoint, ...more) => void faults.set(endpoint, [...(faults.get(endpoint) ?? []), ...more]),
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const encodeCursor = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64url');
function decodeCursor(cursor: string): number | null {
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}

/** Realistic Sinjai rows as the ISB's legacy names spell them. */
export const inaprocRows = {
  kontrak(kdTender: number | string, overrides: Record<string, unknown> = {}) {
    return {
      kd_tender: kdTender,
      kd_klpd: 'D123',
      kd_satker: 215061,
      kd_satker_str: '1.03.0.00.0.00.01.0000',
      nama_satker: 'Dinas Pekerjaan Umum dan Penataan Ruang',
      kd_lpse: 117,
      nama_paket: `Rehabilitasi Jalan Poros ${kdTender}`,
      jenis_pengadaan: 'Pekerjaan Konstruksi',
      lokasi_pekerjaan: 'Kec. Sinjai Utara, Kab. Sinjai',
      no_kontrak: `027/SPK/PUPR-SJ/IV/2025/${kdTender}`,
      tgl_kontrak: '2025-04-21',
      tgl_kontrak_awal: '2025-04-28',
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
    };
  },
  spmk(kdTender: number | string, overrides: Record<string, unknown> = {}) {
    return {
      kd_tender: kdTender,
      kd_klpd: 'D123',
      jenis_pengadaan: 'Pekerjaan Konstruksi',
      no_spmk_spp: `SPMK/${kdTender}/2025`,
      tgl_spmk_spp: '2025-04-25',
      tgl_mulai_pekerjaan: '2025-04-28 07:30:00',
      tgl_selesai_pekerjaan: '2025-10-24',
      ...overrides,
    };
  },
  bast(kdTender: number | string, overrides: Record<string, unknown> = {}) {
    return { kd_tender: kdTender, kd_klpd: 'D123', jenis_pengadaan: 'Pekerjaan Konstruksi', no_bast: `BAST/${kdTender}/2025`, tgl_bast: '2025-10-20 09:00:00', ...overrides };
  },
};
