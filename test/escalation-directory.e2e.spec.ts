import { DEFAULT_SINJAI_LADDER } from '../src/modules/escalation/ladder/escalation-ladder';
import { LadderRepository } from '../src/modules/escalation/directory/ladder.repository';
import { OfficialsRepository } from '../src/modules/escalation/directory/officials.repository';
import { type RunningSystem, startSystem } from './support/running-system';

const PUPR = '1.03.0.00.0.00.01.0000';

describe('escalation ladders and officials directory (admin API over HTTP)', () => {
  let system: RunningSystem;
  let baseUrl: string;
  let admin: string;
  let otherAdmin: string;
  let official: string;

  beforeAll(async () => {
    system = await startSystem('escalation-directory');
    baseUrl = system.baseUrl;
    admin = await system.token({ sub: 'admin-sinjai', roles: ['admin'], regions: ['73.07'] });
    otherAdmin = await system.token({ sub: 'admin-bone', roles: ['admin'], regions: ['73.08'] });
    official = await system.token({ sub: 'sekda', roles: ['official'], regions: ['73.07'], position: 'SEKDA' });
  });

  afterAll(() => system?.stop());

  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type'), body: (text ? JSON.parse(text) : null) as any };
  };

  const fastLadder = [
    { level: 0, recipients: ['CONTRACTOR', 'PPK'], waitBeforeNext: 'P1D' },
    { level: 1, recipients: ['KEPALA_DINAS', 'BPJS_BRANCH', 'INSPEKTORAT'], waitBeforeNext: 'P2D' },
    { level: 2, recipients: ['SEKDA', 'BUPATI', 'WAKIL_BUPATI'], waitBeforeNext: null },
  ];

  describe('ladders', () => {
    it('serves the seeded Sinjai ladder as version 1', async () => {
      const res = await call('GET', '/v1/admin/ladders/73.07', admin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ regionCode: '73.07', version: 1, inherited: false, createdBy: 'seed' });
      expect(res.body.levels).toEqual(DEFAULT_SINJAI_LADDER.levels);
    });

    it('a district without its own ladder inherits its regency’s', async () => {
      const res = await call('GET', '/v1/admin/ladders/73.07.05', admin);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ regionCode: '73.07', appliesTo: '73.07.05', inherited: true });
      const own = await call('GET', '/v1/admin/ladders/73.07.05/versions', admin);
      expect(own.body.items).toEqual([]);
    });

    it('PUT stores a new version (never overwrites); GET returns it and versions lists both', async () => {
      const put = await call('PUT', '/v1/admin/ladders/73.07', admin, { levels: fastLadder });
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ regionCode: '73.07', version: 2, createdBy: 'admin-sinjai', levels: fastLadder });

      const latest = await call('GET', '/v1/admin/ladders/73.07', admin);
      expect(latest.body).toMatchObject({ version: 2, levels: fastLadder });

      const versions = await call('GET', '/v1/admin/ladders/73.07/versions', admin);
      expect(versions.status).toBe(200);
      expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([1, 2]);
      expect(versions.body.items[0].levels).toEqual(DEFAULT_SINJAI_LADDER.levels);

      const repo = system.api.get(LadderRepository);
      expect((await repo.effectiveLadder('73.07.05'))?.version).toBe(2);
      expect((await repo.version('73.07', 1))?.levels).toEqual(DEFAULT_SINJAI_LADDER.levels);
      // A region with no ladder of its own nor an ancestor's climbs the national default (region ID, seeded).
      expect(await repo.effectiveLadder('73.08')).toMatchObject({ regionCode: 'ID', version: 1 });
    });

    it('an invalid ladder is refused with a problem naming the path', async () => {
      const res = await call('PUT', '/v1/admin/ladders/73.07', admin, {
        levels: [
          { level: 0, recipients: ['PPK', 'CAMAT'], waitBeforeNext: 'P3D' },
          { level: 1, recipients: ['BUPATI'], waitBeforeNext: 'P1D' },
        ],
      });
      expect(res.status).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['levels[0].recipients[1]', 'levels[1].waitBeforeNext']));

      const unknown = await call('PUT', '/v1/admin/ladders/73.07', admin, { levels: fastLadder, colour: 'red' });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'colour', code: 'unknown_field' })]);

      const latest = await call('GET', '/v1/admin/ladders/73.07', admin);
      expect(latest.body.version).toBe(2);
    });

    it('a 73.08 admin may not write (403) nor see (404) Sinjai’s ladder; a non-admin gets 403', async () => {
      expect((await call('PUT', '/v1/admin/ladders/73.07', otherAdmin, { levels: fastLadder })).status).toBe(403);
      expect((await call('GET', '/v1/admin/ladders/73.07', otherAdmin)).status).toBe(404);
      expect((await call('PUT', '/v1/admin/ladders/73.07', official, { levels: fastLadder })).status).toBe(403);
      expect((await call('GET', '/v1/admin/ladders/73.07', official)).status).toBe(403);
      const own = await call('PUT', '/v1/admin/ladders/73.08', otherAdmin, { levels: fastLadder });
      expect(own).toMatchObject({ status: 200, body: { regionCode: '73.08', version: 1 } });
    });
  });

  describe('officials', () => {
    const newOfficial = {
      name: 'Contoh Camat Sinjai Utara',
      position: 'SEKDA',
      regionScope: '73.07.05',
      email: 'camat.sinjaiutara@sinjaikab.example',
      webhookUrl: 'https://93.184.216.34/sinergi-hook',
    };

    it('creates, lists, gets, patches and deactivates an official; the secret is shown once', async () => {
      const created = await call('POST', '/v1/admin/officials', admin, newOfficial);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ ...newOfficial, agencyCode: null, active: true, hasWebhookSecret: true });
      expect(created.body.webhookSecret).toEqual(expect.stringMatching(/^[A-Za-z0-9_-]{43}$/));
      const id = created.body.id as string;

      const list = await call('GET', '/v1/admin/officials?regionCode=73.07.05&position=SEKDA', admin);
      expect(list.status).toBe(200);
      expect(list.body.items.map((o: { id: string }) => o.id)).toEqual(expect.arrayContaining([id, '7307e5c0-0000-4000-8000-000000000005']));
      expect(JSON.stringify(list.body)).not.toContain(created.body.webhookSecret);
      expect(list.body.items.every((o: object) => !('webhookSecret' in o))).toBe(true);

      const got = await call('GET', `/v1/admin/officials/${id}`, admin);
      expect(got.status).toBe(200);
      expect(got.body).not.toHaveProperty('webhookSecret');
      expect(got.body.name).toBe(newOfficial.name);

      const patched = await call('PATCH', `/v1/admin/officials/${id}`, admin, { name: 'Contoh Camat (baru)', email: 'camat.baru@sinjaikab.example' });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'Contoh Camat (baru)', email: 'camat.baru@sinjaikab.example', webhookUrl: newOfficial.webhookUrl, hasWebhookSecret: true });
      expect(patched.body).not.toHaveProperty('webhookSecret');

      // The district's own Sekda-level official is nearer than the regency's.
      const recipients = system.api.get(OfficialsRepository);
      const nearest = await recipients.recipientsFor('73.07.05', ['SEKDA']);
      expect(nearest.map((r) => r.officialId)).toEqual([id]);
      expect(nearest[0].webhook).toEqual({ url: newOfficial.webhookUrl, secret: { keyId: `official:${id}`, secret: created.body.webhookSecret } });

      const removed = await call('DELETE', `/v1/admin/officials/${id}`, admin);
      expect(removed).toMatchObject({ status: 200, body: { id, active: false } });
      expect((await call('GET', `/v1/admin/officials/${id}`, admin)).body.active).toBe(false);
      expect((await recipients.recipientsFor('73.07.05', ['SEKDA'])).map((r) => r.officialId)).toEqual(['7307e5c0-0000-4000-8000-000000000005']);
    });

    it.each(['http://127.0.0.1/x', 'https://10.0.0.1/x', 'https://[::1]/x', 'https://169.254.169.254/latest'])('refuses the webhook URL %s', async (webhookUrl) => {
      const res = await call('POST', '/v1/admin/officials', admin, { ...newOfficial, webhookUrl });
      expect(res.status).toBe(400);
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body.code ?? res.body.errors?.[0]?.code).toBe('webhook_url_not_allowed');
    });

    it('refuses a private webhook URL on PATCH too', async () => {
      const res = await call('PATCH', '/v1/admin/officials/7307e5c0-0000-4000-8000-000000000007', admin, { webhookUrl: 'https://10.0.0.1/x' });
      expect(res.status).toBe(400);
    });

    it('validates the body: unknown fields, positions, e-mail, region scope, agency code for heads of agency', async () => {
      const res = await call('POST', '/v1/admin/officials', admin, {
        name: 'X',
        position: 'CAMAT',
        regionScope: '73.7',
        email: 'not-an-email',
        extra: true,
      });
      expect(res.status).toBe(400);
      const paths = res.body.errors.map((e: { path: string }) => e.path);
      expect(paths).toEqual(expect.arrayContaining(['position', 'regionScope', 'email', 'extra']));

      const head = await call('POST', '/v1/admin/officials', admin, { name: 'Kadis', position: 'KEPALA_DINAS', regionScope: '73.07' });
      expect(head.status).toBe(400);
      expect(head.body.errors.map((e: { path: string }) => e.path)).toEqual(['agencyCode']);
    });

    it('scopes officials to the admin’s regions; non-admins are refused', async () => {
      expect((await call('POST', '/v1/admin/officials', otherAdmin, { ...newOfficial, webhookUrl: undefined })).status).toBe(403);
      const list = await call('GET', '/v1/admin/officials', otherAdmin);
      expect(list).toMatchObject({ status: 200, body: { items: [] } });
      expect((await call('GET', '/v1/admin/officials/7307e5c0-0000-4000-8000-000000000001', otherAdmin)).status).toBe(404);
      // Writes on an official of another region answer like an unknown id: a 403 would confirm it exists.
      expect((await call('PATCH', '/v1/admin/officials/7307e5c0-0000-4000-8000-000000000001', otherAdmin, { name: 'x' })).status).toBe(404);
      expect((await call('DELETE', '/v1/admin/officials/7307e5c0-0000-4000-8000-000000000001', otherAdmin)).status).toBe(404);
      expect((await call('GET', '/v1/admin/officials', official)).status).toBe(403);
      expect((await call('POST', '/v1/admin/officials', official, newOfficial)).status).toBe(403);
      expect((await fetch(`${baseUrl}/v1/admin/officials`)).status).toBe(401);
    });

    it('lists the seeded Sinjai officials, one per directory position of the ladder', async () => {
      const list = await call('GET', '/v1/admin/officials?regionCode=73.07', admin);
      const seeded = list.body.items.filter((o: { id: string }) => o.id.startsWith('7307e5c0-'));
      expect(seeded.map((o: { position: string }) => o.position).sort()).toEqual(
        ['BPJS_BRANCH', 'BUPATI', 'INSPEKTORAT', 'KEPALA_DINAS', 'PPK', 'SEKDA', 'WAKIL_BUPATI'],
      );
      expect(seeded.every((o: { email: string }) => /@(sinjaikab|bpjs)\.example$/.test(o.email))).toBe(true);
    });

    it('recipientsFor gives level 1 its head of agency (by agency code) and BPJS branch', async () => {
      const repo = system.api.get(OfficialsRepository);
      const l1 = await repo.recipientsFor('73.07.05', ['KEPALA_DINAS', 'BPJS_BRANCH'], PUPR);
      expect(l1.map((r) => [r.position, r.email, r.agencyCode])).toEqual([
        ['KEPALA_DINAS', 'kadis.pupr@sinjaikab.example', PUPR],
        ['BPJS_BRANCH', 'kacab.sinjai@bpjs.example', null],
      ]);
      expect(l1.every((r) => r.webhook === null)).toBe(true);
      expect((await repo.recipientsFor('73.07.05', ['KEPALA_DINAS', 'BPJS_BRANCH'], '9.99.0.00.0.00.01.0000')).map((r) => r.position)).toEqual(['BPJS_BRANCH']);
      expect(await repo.recipientsFor('73.08.01', ['KEPALA_DINAS', 'BPJS_BRANCH'], PUPR)).toEqual([]);
      expect((await repo.recipientsFor('73.07', ['CONTRACTOR', 'PPK'])).map((r) => r.position)).toEqual(['PPK']);
    });
  });
});
