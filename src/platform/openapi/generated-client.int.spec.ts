import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';

// What an integrator does with openapi.json: generate types with openapi-typescript and write an ingest client against
// them. The client must compile, and a wrong event (data of another type, a missing field) must not. Request fields
// with a `default` (valueIncludesVat) are optional: --default-non-nullable=false keeps openapi-typescript from making
// them required, as it does by default (for responses, where the server fills them in).

const ROOT = join(__dirname, '..', '..', '..');

const CLIENT = `
import { createHmac } from 'node:crypto';
import type { components, paths } from './api.js';

type ProcurementEvent = components['schemas']['ProcurementEvent'];
type Accepted = paths['/v1/procurement/events']['post']['responses'][202]['content']['application/json'];
type Problem = components['schemas']['Problem'];
type BatchResult = paths['/v1/procurement/events/batch']['post']['responses'][200]['content']['application/json'];

/** X-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>, as the security schemes say. */
function signedHeaders(clientId: string, secret: string, body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = 'v1=' + createHmac('sha256', secret).update(timestamp + '.' + body).digest('hex');
  return { 'content-type': 'application/json', 'x-client-id': clientId, 'x-timestamp': timestamp, 'x-signature': signature };
}

export async function recordEvent(baseUrl: string, clientId: string, secret: string, event: ProcurementEvent): Promise<Accepted | Problem> {
  const body = JSON.stringify(event);
  const res = await fetch(baseUrl + '/v1/procurement/events', { method: 'POST', headers: signedHeaders(clientId, secret, body), body });
  return (await res.json()) as Accepted | Problem;
}

export function describeEvent(event: ProcurementEvent): string {
  // The union is discriminated by type: each branch sees its own data.
  switch (event.type) {
    case 'ProjectRegistered':
      return event.data.name + ' (' + event.data.contractor.npwp + ', ' + String(event.data.contractValue) + ')';
    case 'WorkersReported':
      return event.data.workers.length + ' workers as of ' + event.data.asOf;
    case 'PaymentRequested':
      return 'termin ' + event.data.terminNumber + ': ' + String(event.data.amount);
    case 'ContractAmended':
    case 'ProjectCancelled':
      return event.data.reason;
    case 'WorkStarted':
      return event.data.startedAt;
    case 'ProjectCompleted':
      return event.data.completedAt;
  }
}

export function firstProblemCode(result: BatchResult): string | undefined {
  for (const item of result.results) if ('code' in item) return item.code + ' at ' + (item.errors[0]?.path ?? '');
  return undefined;
}

export const registration: ProcurementEvent = {
  eventId: 'spse-7307-10080116000-1',
  type: 'ProjectRegistered',
  occurredAt: '2025-04-23T08:00:00+08:00',
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
    ppk: { name: 'Ir. Andi Baso' },
  },
};
`;

/** Events the generated types must refuse, each with the reason. */
const WRONG: [string, string][] = [
  ['data of another type', `{ eventId: 'e', type: 'WorkStarted', occurredAt: 'x', projectRef: 'p', data: { completedAt: 'x' } }`],
  ['an unknown type', `{ eventId: 'e', type: 'ProjectDeleted', occurredAt: 'x', projectRef: 'p', data: { reason: 'x' } }`],
  ['a roster without its workers', `{ eventId: 'e', type: 'WorkersReported', occurredAt: 'x', projectRef: 'p', data: { asOf: '2025-05-31' } }`],
  ['a worker without a NIK', `{ eventId: 'e', type: 'WorkersReported', occurredAt: 'x', projectRef: 'p', data: { asOf: '2025-05-31', workers: [{ name: 'Baharuddin' }] } }`],
  ['no eventId', `{ type: 'ProjectCancelled', occurredAt: 'x', projectRef: 'p', data: { reason: 'x' } }`],
];

function compile(dir: string, files: string[]): string[] {
  const program = ts.createProgram(
    files.map((f) => join(dir, f)),
    {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
      skipLibCheck: true,
    },
  );
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('a client generated from openapi.json with openapi-typescript', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-openapi-client-'));
    const generated = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'openapi-typescript', 'bin', 'cli.js'), join(ROOT, 'openapi.json'), '--output', join(dir, 'api.d.ts'), '--default-non-nullable=false'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    if (generated.status !== 0) throw new Error(`openapi-typescript failed:\n${generated.stdout}\n${generated.stderr}`);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(join(dir, 'client.ts'), CLIENT);
  }, 60_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the procurement event as a union of one schema per type', () => {
    const types = readFileSync(join(dir, 'api.d.ts'), 'utf8');
    expect(types).toMatch(/ProcurementEvent: components\["schemas"\]\["ProjectRegisteredEvent"\] \| components\["schemas"\]\["ContractAmendedEvent"\]/);
    expect(types).toMatch(/Problem: \{/);
  });

  it('compiles a small ingest client against the generated types', () => {
    expect(compile(dir, ['client.ts'])).toEqual([]);
  }, 60_000);

  const typedEvent = (literal: string) => {
    writeFileSync(join(dir, 'event.ts'), `import type { components } from './api.js';\nimport { registration } from './client.js';\nexport const event: components['schemas']['ProcurementEvent'] = ${literal};\n`);
    return compile(dir, ['event.ts']);
  };

  it('takes a right event in the same harness (so the refusals below are about the event)', () => {
    expect(typedEvent('registration')).toEqual([]);
    expect(typedEvent(`{ eventId: 'e', type: 'ProjectCancelled', occurredAt: 'x', projectRef: 'p', data: { reason: 'Pemutusan kontrak' } }`)).toEqual([]);
  }, 60_000);

  it.each(WRONG)('refuses an event with %s at compile time', (_label, literal) => {
    const errors = typedEvent(literal);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toContain('event.ts');
  }, 60_000);
});
