import { consoleSigningKey } from '../auth/console-secrets';
import { CASE_LINK_TTL_DAYS, caseLinkFor, mintCaseLinkToken, readCaseLinkToken } from './case-link-token';

const config = { secretsKey: Buffer.alloc(32, 7), publicBaseUrl: 'https://sinergi.sinjaikab.go.id/' };
const key = consoleSigningKey(config);
const CASE = '7f8c2a4e-1b2d-4c3e-9f00-0123456789ab';
const NOW = new Date('2025-05-16T01:00:00Z');

describe('signed single-case links', () => {
  it('reads back the case, the role and the expiry it was minted with', () => {
    const expiresAt = new Date('2025-06-15T01:00:00Z');
    const token = mintCaseLinkToken(key, { caseId: CASE, role: 'PPK', expiresAt });
    expect(token).toMatch(new RegExp(`^${CASE}\\.p\\.[0-9a-z]+\\.[A-Za-z0-9_-]{43}$`));
    expect(readCaseLinkToken(key, token, NOW)).toEqual({ ok: true, link: { caseId: CASE, role: 'PPK', expiresAt } });
  });

  it('builds the absolute link from PUBLIC_BASE_URL, valid for the link lifetime', () => {
    const link = caseLinkFor(config, CASE, 'CONTRACTOR', NOW);
    expect(link.url).toMatch(new RegExp(`^https://sinergi\\.sinjaikab\\.go\\.id/console/link\\?t=${CASE}\\.c\\.`));
    expect(Date.parse(link.expiresAt) - NOW.getTime()).toBe(CASE_LINK_TTL_DAYS * 86_400_000);
    const token = new URL(link.url).searchParams.get('t');
    expect(readCaseLinkToken(key, token, NOW)).toMatchObject({ ok: true, link: { caseId: CASE, role: 'CONTRACTOR' } });
  });

  it('refuses a tampered case, role or expiry, another key, and malformed input as invalid', () => {
    const token = mintCaseLinkToken(key, { caseId: CASE, role: 'CONTRACTOR', expiresAt: new Date('2025-06-15T01:00:00Z') });
    const [caseId, role, exp, sig] = token.split('.');
    const other = '7f8c2a4e-1b2d-4c3e-9f00-0123456789ac';
    for (const bad of [
      [other, role, exp, sig].join('.'),
      [caseId, 'p', exp, sig].join('.'),
      [caseId, role, (parseInt(exp, 36) + 86_400).toString(36), sig].join('.'),
      [caseId, role, exp, `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`].join('.'),
      mintCaseLinkToken(consoleSigningKey({ secretsKey: Buffer.alloc(32, 8) }), { caseId: CASE, role: 'CONTRACTOR', expiresAt: new Date('2025-06-15T01:00:00Z') }),
      '',
      'x',
      undefined,
      ['a'],
      `${token}.x`,
    ]) {
      expect(readCaseLinkToken(key, bad, NOW)).toEqual({ ok: false, reason: 'invalid' });
    }
  });

  it('says a genuine link past its expiry is expired', () => {
    const token = mintCaseLinkToken(key, { caseId: CASE, role: 'CONTRACTOR', expiresAt: new Date('2025-05-16T00:59:59Z') });
    expect(readCaseLinkToken(key, token, NOW)).toEqual({ ok: false, reason: 'expired' });
  });
});
