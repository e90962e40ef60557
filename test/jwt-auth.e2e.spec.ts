import { Controller, Get, Module, Post, UseGuards } from '@nestjs/common';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import {
  assertCanRead,
  assertCanWrite,
  AuthModule,
  CurrentPrincipal,
  JwtAuthGuard,
  mintLocalToken,
  type Principal,
  Roles,
  type SinergiClaims,
} from '@sinergi/auth';
import { SINERGI_CONFIG, type SinergiConfig } from '@sinergi/common';
import { testConfig } from '@sinergi/testing';
import { ProblemExceptionFilter } from '../src/platform/problem-exception.filter';

/** A project that lives in Sinjai Borong (73.07.05), to exercise the read and write scope rules. */
const PROJECT_REGION = '73.07.05';

@Controller('probe')
@UseGuards(JwtAuthGuard)
@Roles('official')
class ProbeController {
  @Get('me')
  me(@CurrentPrincipal() principal: Principal) {
    return principal;
  }

  @Get('projects/borong')
  readProject(@CurrentPrincipal() principal: Principal) {
    assertCanRead(principal, PROJECT_REGION, 'project');
    return { regionCode: PROJECT_REGION };
  }

  @Post('projects/borong/remind')
  remind(@CurrentPrincipal() principal: Principal) {
    assertCanWrite(principal, PROJECT_REGION, 'project');
    return { reminded: true };
  }
}

@Module({})
class TestConfigModule {}

describe('JWT authentication (booted app over HTTP)', () => {
  let app: NestFastifyApplication;
  let baseUrl: string;
  let config: SinergiConfig;

  const official = (regions: string[], extra: Partial<SinergiClaims> = {}): SinergiClaims => ({
    sub: `official-${regions.join('-')}`,
    name: 'Andi Official',
    roles: ['official'],
    regions,
    position: 'KEPALA_DINAS',
    ...extra,
  });
  const tokenFor = (claims: SinergiClaims) => mintLocalToken(config.jwt.secret!, claims);

  async function call(path: string, token?: string, method = 'GET') {
    const res = await fetch(`${baseUrl}${path}`, { method, headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: await res.json() };
  }

  beforeAll(async () => {
    config = testConfig({ DATABASE_URL: 'postgres://unused@127.0.0.1/x' });
    const moduleRef = await Test.createTestingModule({
      imports: [
        { module: TestConfigModule, global: true, providers: [{ provide: SINERGI_CONFIG, useValue: config }], exports: [SINERGI_CONFIG] },
        AuthModule,
      ],
      controllers: [ProbeController],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new ProblemExceptionFilter());
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers 401 missing_token without an Authorization header', async () => {
    const res = await call('/probe/me');
    expect(res.status).toBe(401);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, code: 'missing_token' });
  });

  it('answers 401 missing_token to a scheme other than Bearer', async () => {
    const res = await fetch(`${baseUrl}/probe/me`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 'missing_token' });
  });

  it('answers 401 invalid_token to a token signed with another secret, without echoing it', async () => {
    const forged = await mintLocalToken('a-secret-the-server-does-not-know-at-all', official(['73.07']));
    const res = await call('/probe/me', forged);
    expect(res.status).toBe(401);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, code: 'invalid_token' });
    expect(JSON.stringify(res.body)).not.toContain(forged);
  });

  it('answers 401 invalid_token to garbage', async () => {
    const res = await call('/probe/me', 'garbage');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ code: 'invalid_token' });
  });

  it('answers 403 forbidden_role to a principal without the route role', async () => {
    const auditor = await tokenFor({ sub: 'auditor-1', roles: ['auditor'], regions: ['73'] });
    const res = await call('/probe/me', auditor);
    expect(res.status).toBe(403);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 403, code: 'forbidden_role' });
  });

  it('answers 200 with the principal to a valid official token', async () => {
    const res = await call('/probe/me', await tokenFor(official(['73.07'], { agency: 'Dinas PUPR Sinjai', permissions: ['pii:read'] })));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      kind: 'user',
      sub: 'official-73.07',
      name: 'Andi Official',
      roles: ['official'],
      regions: ['73.07'],
      position: 'KEPALA_DINAS',
      agency: 'Dinas PUPR Sinjai',
      permissions: ['pii:read'],
    });
  });

  it('answers a read outside the official’s regions with 404, as if the project did not exist', async () => {
    const res = await call('/probe/projects/borong', await tokenFor(official(['73.08'])));
    expect(res.status).toBe(404);
    expect(res.contentType).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status: 404, code: 'not_found' });
  });

  it('answers a read inside the official’s regions with 200', async () => {
    const res = await call('/probe/projects/borong', await tokenFor(official(['73.07'])));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ regionCode: PROJECT_REGION });
  });

  it('answers a write outside the official’s regions with 403 region_out_of_scope', async () => {
    const outside = await call('/probe/projects/borong/remind', await tokenFor(official(['73.08'])), 'POST');
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({ status: 403, code: 'region_out_of_scope' });
    const inside = await call('/probe/projects/borong/remind', await tokenFor(official(['73.07'])), 'POST');
    expect(inside.status).toBe(201);
  });
});
