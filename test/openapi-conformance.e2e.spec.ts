import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mintLocalToken, type SinergiClaims, signedHeaders } from '@sinergi/auth';
import type { SinergiConfig } from '@sinergi/common';
import {
  createMigratedDatabase,
  deleteKeysWithPrefix,
  type MigratedTestDatabase,
  projectRegistered,
  testConfig,
  testRedisUrl,
  uniqueQueuePrefix,
  workersReported,
} from '@sinergi/testing';
import { ProcurementClientRepository } from '../src/modules/procurement-clients/procurement-client.repository';
import { createApiApp } from '../src/api';
import { conformance, schemaOfAnswer } from './support/openapi-conformance';

// Real answers of the running API checked against the schemas openapi.json declares for them, so that a client
// generated from the document reads what the API sends: every field typed as documented, none undocumented.

const ROSTER = [{ nik: '7307051203850002', name: 'Baharuddin' }];
const doc = JSON.parse(readFileSync(join(__dirname, '..', 'openapi.json'), 'utf8'));

describe('answers conform to openapi.json', () => {
  let db: MigratedTestDatabase;
  let app: NestFastifyApplication;
  let config: SinergiConfig;
  let baseUrl: string;
  let prefix: string;
  let projectId: string;
  const client = { id: 'spse-conformance', secret: '' };
  const tokens: Record<'official' | 'admin' | 'auditor', string> = { official: '', admin: '', auditor: '' };

  beforeAll(async () => {
    db = await createMigratedDatabase('openapi_conformance_e2e');
    prefix = uniqueQueuePrefix('openapi-conformance');
    config = testConfig({ DATABASE_URL: db.url, QUEUE_PREFIX: prefix, RATE_LIMIT_PER_MINUTE: '100000' });
    app = await createApiApp(config);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    client.secret = (await app.get(ProcurementClientRepository).create({ id: client.id, name: 'Conformance', regionScopes: ['73.07'] })).secret;
    const mint = (claims: SinergiClaims) => mintLocalToken(config.jwt.secret!, claims);
    tokens.official = await mint({ sub: 'kadis-conformance', roles: ['official'], regions: ['73.07'], position: 'KEPALA_DINAS', agency: '1.03.0.00.0.00.01.0000' });
    tokens.admin = await mint({ sub: 'admin-conformance', roles: ['admin'], regions: ['73'] });
    tokens.auditor = await mint({ sub: 'auditor-conformance', roles: ['auditor'], regions: ['73'], permissions: ['pii:read'] });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await deleteKeysWithPrefix(testRedisUrl(), prefix);
  });

  /** Calls the API and checks the answer against the schema of `documented` (the path template) for its status. */
  async function expectConforming(
    method: string,
    url: string,
    documented: string,
    options: { as?: keyof typeof tokens | 'client'; body?: unknown; status?: number } = {},
  ): Promise<any> {
    const text = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = text === undefined ? {} : { 'content-type': 'application/json' };
    if (options.as === 'client') Object.assign(headers, signedHeaders(client.id, client.secret, text ?? ''));
    else headers.authorization = `Bearer ${tokens[options.as ?? 'admin']}`;
    const res = await fetch(`${baseUrl}${url}`, { method, headers, body: text });
    const body = await res.json();
    expect({ url, status: res.status }).toEqual({ url, status: options.status ?? 200 });
    const mediaType = (res.headers.get('content-type') ?? '').split(';')[0];
    expect({ url, problems: conformance(doc, schemaOfAnswer(doc, method, documented, res.status, mediaType), body) }).toEqual({ url, problems: [] });
    return body;
  }

  it('ingest: one event (recorded, repeated, held) and a batch with a refused item', async () => {
    const registered = await expectConforming('POST', '/v1/procurement/events', '/v1/procurement/events', { as: 'client', body: projectRegistered('conf-1'), status: 202 });
    projectId = registered.projectId;
    await expectConforming('POST', '/v1/procurement/events', '/v1/procurement/events', { as: 'client', body: projectRegistered('conf-1'), status: 200 });
    await expectConforming('POST', '/v1/procurement/events', '/v1/procurement/events', { as: 'client', body: workersReported('conf-early', ROSTER), status: 202 });
    const batch = await expectConforming('POST', '/v1/procurement/events/batch', '/v1/procurement/events/batch', {
      as: 'client',
      body: { events: [workersReported('conf-1', ROSTER, 2), { ...projectRegistered('conf-2'), data: { name: 'no more' } }] },
    });
    expect(batch.results.map((r: { status: number }) => r.status)).toEqual([202, 400]);
  });

  it('projects: read by a client and by an official, re-verified, listed', async () => {
    await expectConforming('GET', `/v1/projects/${projectId}`, '/v1/projects/{id}', { as: 'client' });
    await expectConforming('GET', `/v1/projects/${projectId}`, '/v1/projects/{id}', { as: 'official' });
    await expectConforming('POST', `/v1/projects/${projectId}/reverify`, '/v1/projects/{id}/reverify', { as: 'official', status: 202 });
    await expectConforming('GET', '/v1/projects?regionCode=73.07', '/v1/projects', { as: 'official' });
  });

  it('coverage: region, series, agencies, a target and a segment report', async () => {
    await expectConforming('PUT', '/v1/coverage/targets/73.07', '/v1/coverage/targets/{regionCode}', { body: { metric: 'projects', targetPercent: 80, deadline: '2030-12-31' } });
    await expectConforming('PUT', '/v1/coverage/segments/73.07/VILLAGE_OFFICIALS/2025-01', '/v1/coverage/segments/{regionCode}/{segment}/{period}', {
      body: { enrolled: 120, eligible: 200, source: 'ADMIN' },
    });
    await expectConforming('GET', '/v1/coverage/regions/73.07', '/v1/coverage/regions/{code}', { as: 'official' });
    await expectConforming('GET', '/v1/coverage/regions/73.07/series?from=2025-01&to=2025-06', '/v1/coverage/regions/{code}/series', { as: 'official' });
    await expectConforming('GET', '/v1/coverage/agencies?regionCode=73.07', '/v1/coverage/agencies', { as: 'official' });
  });

  it('escalation directory: officials and ladders', async () => {
    const created = await expectConforming('POST', '/v1/admin/officials', '/v1/admin/officials', {
      body: { name: 'Contoh Sekretaris Daerah', position: 'SEKDA', regionScope: '73.07', email: 'sekda@sinjaikab.example' },
      status: 201,
    });
    await expectConforming('GET', '/v1/admin/officials', '/v1/admin/officials');
    await expectConforming('GET', `/v1/admin/officials/${created.id}`, '/v1/admin/officials/{id}');
    await expectConforming('PATCH', `/v1/admin/officials/${created.id}`, '/v1/admin/officials/{id}', { body: { whatsapp: '+6281234567890', whatsappOptIn: true } });
    await expectConforming('DELETE', `/v1/admin/officials/${created.id}`, '/v1/admin/officials/{id}');
    await expectConforming('PUT', '/v1/admin/ladders/73.07.05', '/v1/admin/ladders/{regionCode}', {
      body: { levels: [{ level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: 'P3D' }, { level: 1, recipients: ['BUPATI'], waitBeforeNext: null }] },
    });
    await expectConforming('GET', '/v1/admin/ladders/73.07.05.2001', '/v1/admin/ladders/{regionCode}');
    await expectConforming('GET', '/v1/admin/ladders/73.07.05/versions', '/v1/admin/ladders/{regionCode}/versions');
  });

  it('cases and inbox', async () => {
    await expectConforming('GET', '/v1/cases?regionCode=73.07', '/v1/cases', { as: 'official' });
    await expectConforming('GET', '/v1/inbox', '/v1/inbox', { as: 'official' });
  });

  it('audit: history, search, project verification, a log verification job, checkpoints', async () => {
    await expectConforming('GET', `/v1/audit/projects/${projectId}/history`, '/v1/audit/projects/{id}/history', { as: 'auditor' });
    await expectConforming('GET', '/v1/audit/events?regionCode=73.07&limit=5', '/v1/audit/events', { as: 'auditor' });
    await expectConforming('GET', `/v1/audit/verify?projectId=${projectId}`, '/v1/audit/verify', { as: 'auditor' });
    const started = await expectConforming('GET', '/v1/audit/verify?regionCode=73.07', '/v1/audit/verify', { as: 'auditor', status: 202 });
    await expectConforming('GET', started.location, '/v1/audit/verifications/{id}', { as: 'auditor' });
    await expectConforming('GET', '/v1/audit/checkpoints', '/v1/audit/checkpoints', { as: 'auditor' });
  });

  it('operations: dead letters, parked events, connector rejects', async () => {
    await expectConforming('GET', '/v1/ops/dead-letters?status=all', '/v1/ops/dead-letters');
    await expectConforming('GET', '/v1/ops/parked-events', '/v1/ops/parked-events');
    await expectConforming('GET', '/v1/ops/connector-rejects?status=all', '/v1/ops/connector-rejects');
  });

  it('errors: a problem document as the Problem schema says', async () => {
    await expectConforming('GET', '/v1/projects/00000000-0000-4000-8000-000000000000', '/v1/projects/{id}', { as: 'official', status: 404 });
    await expectConforming('GET', '/v1/cases?status=NOPE', '/v1/cases', { as: 'official', status: 400 });
    await expectConforming('PUT', '/v1/coverage/targets/73.07', '/v1/coverage/targets/{regionCode}', { as: 'official', body: {}, status: 403 });
  });
});
