import { createHash, randomUUID } from 'node:crypto';
import { type NewEvent, NO_STREAM } from '@sinergi/event-store';
import { waitFor } from '@sinergi/testing';
import { type AuditApi, csvRecords, startAuditApi } from '../../../test/support/audit-api';
import type { AuditEventView } from './audit-event.view';
import { CSV_COLUMNS } from './queries/export-events/export-format';
import { csvCell } from '@sinergi/common';

jest.setTimeout(60_000);

const unquote = (raw: string) => (raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw);

const PROJECT = randomUUID();
const meta = (overrides: Record<string, unknown> = {}) => ({
  actor: { kind: 'client' as const, id: 'spse-sinjai' },
  correlationId: '-1',
  causationId: null,
  sourceEventId: '@src-1',
  regionCode: '73.07.06',
  ...overrides,
});

const EVENTS: NewEvent[] = [
  {
    type: 'ProjectRegistered',
    data: {
      projectId: PROJECT,
      projectRef: 'VIEW-1',
      name: '=HYPERLINK("http://evil.example/?q=1","Klik di sini")',
      regionCode: '73.07.06',
      contractor: { npwp: '0012345674901000', nib: null, name: 'CV "Karya", Sinjai', email: 'kontak@karyasinjai.example', phone: '+62 812-3456-7890' },
      ppk: { ref: 'ppk_1' },
    },
    metadata: meta(),
  },
  {
    type: 'WorkersReported',
    data: { asOf: '2025-05-31', workers: [{ personRef: 'w_1', role: 'mandor' }, { personRef: 'w_2', role: null }], workerCount: 2 },
    metadata: meta({ actor: { kind: 'user', id: 'auth0|42,"x"\nnext' } }),
  },
  {
    type: 'NotificationDelivered',
    data: { recipient: { kind: 'PPK', id: 'ppk_1', position: 'PPK' }, note: 'Pembayaran — ditahan 🚧 façade' },
    metadata: meta({ correlationId: '+c', causationId: 'cause-1' }),
  },
  { type: 'ContractAmended', data: { reason: '@SUM(1+1)', contractValue: null }, metadata: meta({ regionCode: undefined, actor: { kind: 'system' } }) },
  // A registration without the contractor's e-mail and phone keys: masking must leave it whole, never drop it.
  {
    type: 'ProjectRegistered',
    data: { projectId: PROJECT, projectRef: 'VIEW-2', name: 'Tanpa kontak', regionCode: '73.07.06', contractor: { npwp: '0012345674901000' }, ppk: { ref: 'ppk_1' } },
    metadata: meta(),
  },
];

describe('audit views: the history, search and both export formats agree', () => {
  let api: AuditApi;

  beforeAll(async () => {
    api = await startAuditApi('audit_views');
    await api.store.appendMany([{ streamId: `project-${PROJECT}`, expected: NO_STREAM, events: EVENTS }], {
      personalData: [
        { ref: 'ppk_1', kind: 'ppk', data: { nip: '198001012005011001', name: 'Andi Baso', email: 'ppk.pupr@sinjaikab.example' } },
        { ref: 'w_1', kind: 'worker', data: { nik: '7307010101900001', name: 'Baso Tang' } },
        { ref: 'w_2', kind: 'worker', data: { nik: '7307010101900002', name: 'Sitti Rahma' } },
      ],
    });
    await api.db.pool.query(`UPDATE personal_data SET data = NULL, erased_at = now() WHERE ref = 'w_2'`);
  });
  afterAll(() => api?.stop());

  const fetchText = async (path: string, token: string) => {
    const res = await fetch(`${api.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    return res.text();
  };

  async function views(token: string): Promise<AuditEventView[]> {
    const page = await waitFor(
      async () => JSON.parse(await fetchText('/v1/audit/events?limit=1000', token)) as { items: AuditEventView[] },
      (p) => p.items.length === EVENTS.length,
    );
    return page.items;
  }

  it.each([
    ['without pii:read', [] as string[]],
    ['with pii:read', ['pii:read']],
  ])('%s', async (_label, permissions) => {
    const token = await api.token({ regions: ['*'], permissions });
    const items = await views(token);
    const history = JSON.parse(await fetchText(`/v1/audit/projects/${PROJECT}/history`, token)) as { events: AuditEventView[] };
    expect(history.events).toEqual(items);

    const ndjson = (await fetchText('/v1/audit/export?format=ndjson', token)).split('\n');
    expect(ndjson.pop()).toBe('');
    const trailer = JSON.parse(ndjson.pop()!);
    expect(ndjson.map((line) => JSON.parse(line))).toEqual(items);
    expect(trailer).toEqual({ type: 'trailer', count: items.length, sha256: createHash('sha256').update(ndjson.map((l) => `${l}\n`).join('')).digest('hex') });

    const csv = await fetchText('/v1/audit/export?format=csv', token);
    const records = csvRecords(csv);
    expect(records.shift()).toEqual([...CSV_COLUMNS]);
    expect(records.pop()).toEqual([`# count=${items.length} sha256=${createHash('sha256').update(csv.slice(0, csv.lastIndexOf('# count='))).digest('hex')}`]);
    expect(records).toHaveLength(items.length);
    records.forEach((cells, i) => {
      const e = items[i];
      const text = [e.position, e.transactionId, e.streamId, e.version, e.eventId, e.type, e.schemaVersion, e.recordedAt, e.regionCode, e.actor?.kind, e.actor?.id];
      const more = [e.correlationId, e.causationId, e.sourceEventId, e.masked];
      expect(cells.slice(0, 15)).toEqual([...text, ...more].map(csvCell));
      expect(JSON.parse(unquote(cells[15]))).toEqual(e.data);
      expect(JSON.parse(unquote(cells[16]))).toEqual(e.metadata);
      expect(cells[17] === '' ? undefined : JSON.parse(unquote(cells[17]))).toEqual(e.personalData);
      expect(cells.slice(18)).toEqual([e.prevHash, e.hash]);
    });
    // No cell a spreadsheet would evaluate.
    for (const cells of records) for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    const [registered, workers, notification, amended, bare] = items;
    expect(items).toHaveLength(EVENTS.length);
    expect(bare).toMatchObject({ type: 'ProjectRegistered', masked: false, data: { projectRef: 'VIEW-2', contractor: { npwp: '0012345674901000' } } });
    expect(amended).toMatchObject({ regionCode: null, actor: null, data: { reason: '@SUM(1+1)' } });
    expect(notification.data.note).toBe('Pembayaran — ditahan 🚧 façade');
    if (permissions.length === 0) {
      expect(registered).toMatchObject({ masked: true, data: { contractor: { email: 'k***@karyasinjai.example', phone: '***890' }, ppk: { ref: 'ppk_1' } } });
      expect(items.every((e) => e.personalData === undefined)).toBe(true);
      expect(JSON.stringify(items)).not.toMatch(/Andi Baso|Baso Tang|7307010101900001/);
    } else {
      expect(registered).toMatchObject({ masked: false, data: { contractor: { email: 'kontak@karyasinjai.example', phone: '+62 812-3456-7890' } } });
      expect(registered.personalData).toEqual({ ppk_1: { kind: 'ppk', erased: false, data: { nip: '198001012005011001', name: 'Andi Baso', email: 'ppk.pupr@sinjaikab.example' } } });
      expect(workers.personalData).toEqual({ w_1: { kind: 'worker', erased: false, data: { nik: '7307010101900001', name: 'Baso Tang' } }, w_2: { kind: 'worker', erased: true } });
      expect(notification.personalData).toEqual({ ppk_1: registered.personalData!.ppk_1 });
    }
  });

  it('records every reveal of personal data, and only to readers holding pii:read', async () => {
    const { rows } = await api.db.pool.query(
      `SELECT l.action, l.personal_refs, r.action AS of FROM audit_access_log l JOIN audit_access_log r ON r.access_id = l.access_id AND r.action <> 'pii'
        WHERE l.action = 'pii' ORDER BY l.id`,
    );
    const reveals = rows.filter((r) => r.of !== 'pii').map((r) => [r.of, [...r.personal_refs].sort()]);
    // search (possibly polled more than once), history, and one per export format; never the erased worker.
    expect(new Set(reveals.map(([of]) => of))).toEqual(new Set(['search', 'history', 'export']));
    for (const [, refs] of reveals) expect(refs).toEqual(['ppk_1', 'w_1']);
    const { rows: readers } = await api.db.pool.query(`SELECT DISTINCT permissions FROM audit_access_log WHERE action = 'pii'`);
    expect(readers).toEqual([{ permissions: ['pii:read'] }]);
  });
});
