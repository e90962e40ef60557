import { consoleOidcSettings } from './auth/oidc/console-oidc.settings';
import { safeBackPath } from './auth/oidc/console-sign-in.service';
import { canWaive, isOverdue } from './pages/cases/cases.page';
import { trendStart } from './pages/region-coverage/coverage.console.controller';
import { projectsToTarget } from './pages/region-coverage/coverage.page';
import { workingDaysLeft } from './view/console-format';
import type { Principal } from '@sinergi/auth';
import { addCalendarDays, dayOfWeek } from '@sinergi/domain';

const official = (position: Principal['position'], roles: Principal['roles'] = ['official']): Principal => ({
  kind: 'user',
  sub: 's',
  name: null,
  roles,
  regions: ['73.07'],
  position,
  agency: null,
  permissions: [],
});

describe('console rules', () => {
  it('returns only to console paths after sign-in', () => {
    expect(safeBackPath('/console/cases?status=OPEN')).toBe('/console/cases?status=OPEN');
    expect(safeBackPath('/console')).toBe('/console');
    for (const bad of ['https://evil.example/console', '//evil.example', '/consolex', '/console\\@evil', '/v1/cases', undefined, ['/console']]) {
      expect(safeBackPath(bad)).toBe('/console');
    }
  });

  it('counts the registered projects still missing to reach a target by project count', () => {
    // 60 % of 30 projects is 18; 12 are registered.
    expect(projectsToTarget(60, { projects: { total: 30, registered: 12 } } as never)).toBe(6);
    // 60 % of 4 is 2.4: three projects registered meet it.
    expect(projectsToTarget(60, { projects: { total: 4, registered: 1 } } as never)).toBe(2);
    expect(projectsToTarget(60, { projects: { total: 10, registered: 9 } } as never)).toBe(0);
  });

  it('offers waiving to heads of agency (their own agency’s cases) and above, on open cases, to officials only', () => {
    const PUPR = '1.03.0.00.0.00.01.0000';
    const kadis = (agency: string | null, roles: Principal['roles'] = ['official']) => ({ ...official('KEPALA_DINAS', roles), agency });
    const open = { status: 'OPEN' as const, agencyCode: PUPR };
    expect(canWaive(kadis(PUPR), open)).toBe(true);
    expect(canWaive(kadis('1.02.0.00.0.00.01.0000'), open)).toBe(false);
    expect(canWaive(kadis(null), open)).toBe(false);
    expect(canWaive(official('BUPATI'), open)).toBe(true);
    expect(canWaive(official('PPK'), open)).toBe(false);
    expect(canWaive(official('BPJS_BRANCH'), open)).toBe(false);
    expect(canWaive(kadis(PUPR), { ...open, status: 'WAIVED' as const })).toBe(false);
    expect(canWaive(kadis(PUPR, ['auditor']), open)).toBe(false);
  });

  it('calls an open case overdue once it climbed past its first notice', () => {
    expect(isOverdue({ status: 'OPEN', currentLevel: 0 })).toBe(false);
    expect(isOverdue({ status: 'OPEN', currentLevel: 1 })).toBe(true);
    expect(isOverdue({ status: 'RESOLVED', currentLevel: 3 })).toBe(false);
  });

  it('draws the trend over the 24 contract months up to this month in WITA', () => {
    expect(trendStart(new Date('2026-12-02T00:00:00Z'))).toBe('2025-01');
    // 31 December 16:30 UTC is already January in Sinjai.
    expect(trendStart(new Date('2026-12-31T16:30:00Z'))).toBe('2025-02');
  });

  it('counts working days left to a deadline, weekends excluded', () => {
    const weekdays = (d: string) => dayOfWeek(d) !== 0 && dayOfWeek(d) !== 6;
    // Friday 2025-05-16 → Friday 2025-05-23: Mon–Fri of the next week.
    expect(workingDaysLeft('2025-05-16', '2025-05-23', weekdays, addCalendarDays)).toBe(5);
    expect(workingDaysLeft('2025-05-23', '2025-05-16', weekdays, addCalendarDays)).toBe(0);
  });

  it('signs in against the region’s provider when configured, the local one in local and test mode, none otherwise', () => {
    expect(consoleOidcSettings({ mode: 'test' }, {})).toMatchObject({ kind: 'local', clientId: 'sinergi-console' });
    expect(consoleOidcSettings({ mode: 'production' }, {})).toMatchObject({ kind: 'none' });
    expect(consoleOidcSettings({ mode: 'production' }, { OIDC_ISSUER_URL: 'https://sso.sinjaikab.go.id/realms/pemda', OIDC_CLIENT_ID: 'sinergi' })).toMatchObject({
      kind: 'external',
      clientId: 'sinergi',
      clientSecret: null,
      scope: 'openid profile',
    });
    expect(() => consoleOidcSettings({ mode: 'production' }, { OIDC_ISSUER_URL: 'http://sso.example', OIDC_CLIENT_ID: 'x' })).toThrow('OIDC_ISSUER_URL must use https://');
    expect(() => consoleOidcSettings({ mode: 'production' }, { OIDC_ISSUER_URL: 'https://sso.example' })).toThrow('OIDC_CLIENT_ID is required');
  });
});
