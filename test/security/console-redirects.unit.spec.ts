import fc from 'fast-check';
import { safeBackPath } from '../../src/modules/console/auth/oidc/console-sign-in.service';
import { signInHref } from '../../src/modules/console/console-exception.filter';

if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });

const ORIGIN = 'https://sinergi.sinjaikab.example';

/** Return paths an attacker puts in `?kembali=` to be sent elsewhere after signing in. */
const hostileBack = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.tuple(fc.constantFrom('/console', '/console/', '//', '/\\', '\\\\', '/console/..', '/console/../..', '/console/%2e%2e', '/console/.%2E/', 'https:', '/console@', '/console?x=', '/console#'), fc.string({ maxLength: 40 })).map(([a, b]) => a + b),
  fc.tuple(fc.constantFrom('/console', ''), fc.constantFrom('//evil.example', '/\\evil.example', '\t//evil.example', '\n/evil', '%2F%2Fevil.example', '/..%2F..%2Fevil', '@evil.example', ':@evil.example')).map(([a, b]) => a + b),
);

describe('the console’s return paths after sign-in, property-based', () => {
  it('never lead off the console’s origin, nor off /console, whatever `kembali` says', () => {
    fc.assert(
      fc.property(hostileBack, (back) => {
        // The sign-in page reads its `kembali` through safeBackPath too: where a 401 sends a browser is checked the same way.
        for (const target of [safeBackPath(back), safeBackPath(new URL(signInHref(back), ORIGIN).searchParams.get('kembali'))]) {
          const url = new URL(target, ORIGIN);
          expect(url.origin).toBe(ORIGIN);
          expect(url.pathname === '/console' || url.pathname.startsWith('/console/')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
