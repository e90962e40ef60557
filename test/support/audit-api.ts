import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintLocalToken, type SinergiClaims } from '@sinergi/auth';
import type { SinergiConfig } from '@sinergi/common';
import { EventStore, type NewEvent, NO_STREAM, type StreamAppend } from '@sinergi/event-store';
import { createMigratedDatabase, deleteKeysWithPrefix, type MigratedTestDatabase, testConfig, testRedisUrl, uniqueQueuePrefix } from '@sinergi/testing';
import { createApiApp } from '../../src/api';

/** The API alone (no worker) over a fresh database, for audit reads of events a test writes straight into the log. */
export interface AuditApi {
  db: MigratedTestDatabase;
  app: NestFastifyApplication;
  config: SinergiConfig;
  baseUrl: string;
  store: EventStore;
  token(claims: Partial<SinergiClaims>): Promise<string>;
  stop(): Promise<void>;
}

export async function startAuditApi(label: string): Promise<AuditApi> {
  const db = await createMigratedDatabase(label);
  const prefix = uniqueQueuePrefix(label);
  const config = testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, WORKER_METRICS_PORT: '0' });
  const app = await createApiApp(config);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    db,
    app,
    config,
    baseUrl: await app.getUrl(),
    store: new EventStore(db.pool),
    token: (claims) => mintLocalToken(config.jwt.secret!, { sub: 'auditor-1', roles: ['auditor'], regions: ['73'], ...claims }),
    stop: async () => {
      await app.close();
      await db.drop();
      await deleteKeysWithPrefix(testRedisUrl(), prefix);
    },
  };
}

/** A procurement-sized event (about a kilobyte of data) of a project in `regionCode`. */
export function sampleEvent(regionCode: string, n: number, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    type: 'ProjectRegistered',
    data: {
      projectId: randomUUID(),
      projectRef: `BENCH-${n}`,
      name: `Rehabilitasi Jalan Poros Desa ${n} — pekerjaan perkerasan, drainase dan bahu jalan`,
      agency: { code: '1.03.0.00.0.00.01.0000', name: 'Dinas Pekerjaan Umum dan Penataan Ruang' },
      regionCode,
      workType: 'KONSTRUKSI',
      fundingSource: 'APBD',
      fiscalYear: 2025,
      contractNumber: `027/SPK/PUPR-SJ/IV/2025/${n}`,
      contractDate: '2025-04-21',
      contractValue: '2500000000',
      valueIncludesVat: true,
      startDate: '2025-04-28',
      endDate: '2025-10-24',
      maintenanceEndDate: '2026-04-22',
      contractor: { npwp: '0012345674901000', nib: null, name: 'CV Karya Sinjai Mandiri', email: 'kontak@karyasinjai.example', phone: null },
      ppk: { ref: `ppk_${n % 97}` },
      estimatedWorkers: 35,
      premium: { base: '2252252252', vatRatePercent: 11, jkk: '2747747', jkm: '675676', total: '3423423' },
      registrationDeadline: '2025-05-12',
      occurredAt: '2025-04-23T00:00:00.000Z',
    },
    metadata: { actor: { kind: 'client', id: 'spse-sinjai' }, correlationId: `corr-${n}`, causationId: null, sourceEventId: `src-${n}`, regionCode },
    ...overrides,
  };
}

/** Appends `count` one-event streams in `regionCode`, `batch` per statement (hash-chained like any append). */
export async function appendSampleEvents(store: EventStore, regionCode: string, count: number, batch = 2000, first = 0): Promise<void> {
  for (let start = 0; start < count; start += batch) {
    const appends: StreamAppend[] = [];
    for (let n = first + start; n < first + Math.min(start + batch, count); n += 1) {
      appends.push({ streamId: `project-${randomUUID()}`, expected: NO_STREAM, events: [sampleEvent(regionCode, n)] });
    }
    await store.appendMany(appends);
  }
}

/** Splits CSV text into records of raw cells (quotes kept), honouring quoted line breaks. */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      cell += c;
      if (c === '"' && text[i + 1] === '"') cell += text[++i];
      else if (c === '"') quoted = false;
    } else if (c === '"') {
      quoted = true;
      cell += c;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      cells.push(cell);
      records.push(cells);
      cells = [];
      cell = '';
      i += 1;
    } else cell += c;
  }
  if (cell !== '') throw new Error('CSV text does not end with a line break');
  return records;
}
