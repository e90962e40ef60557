import { callerOf } from './read-routing';

describe('callerOf (who wrote, for read-your-own-writes routing)', () => {
  it('tells procurement clients, bearers and console sessions apart, keeping no credential', () => {
    expect(callerOf({ 'x-client-id': 'spse-7307', 'x-signature': 'abc' })).toBe('client:spse-7307');
    const bearer = callerOf({ authorization: 'Bearer eyJhbGciOi.token.one' });
    expect(bearer).toMatch(/^bearer:[0-9a-f]{64}$/);
    expect(bearer).not.toContain('eyJ');
    expect(callerOf({ authorization: 'Bearer eyJhbGciOi.token.two' })).not.toBe(bearer);
    const session = callerOf({ cookie: 'theme=dark; sinergi_console=Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg' });
    expect(session).toMatch(/^console:[0-9a-f]{64}$/);
    expect(callerOf({ cookie: 'sinergi_console=Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg; theme=light' })).toBe(session);
  });

  it('has no caller for an anonymous request (its reads stay on the primary)', () => {
    expect(callerOf({})).toBeNull();
    expect(callerOf({ cookie: 'theme=dark', authorization: 'Basic dXNlcjpwdw==' })).toBeNull();
  });
});
