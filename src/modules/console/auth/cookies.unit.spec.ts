import { parseCookies, serializeCookie } from './cookies';

describe('console cookies', () => {
  it('reads the cookies of a request, the first of a repeated name winning', () => {
    const cookies = parseCookies('a=1; sinergi_console=abc%2Fdef; a=2; junk; b="q"');
    expect(cookies.get('a')).toBe('1');
    expect(cookies.get('sinergi_console')).toBe('abc/def');
    expect(cookies.get('b')).toBe('q');
    expect(parseCookies(undefined).size).toBe(0);
    expect(parseCookies('x=%E0%A4%A').has('x')).toBe(false);
  });

  it('writes an HttpOnly, SameSite=Lax cookie, Secure only when asked', () => {
    expect(serializeCookie('s', 'v', { path: '/console', maxAge: 3600, secure: false })).toBe('s=v; Path=/console; Max-Age=3600; HttpOnly; SameSite=Lax');
    expect(serializeCookie('s', 'v', { path: '/', maxAge: 60, secure: true })).toContain('; Secure');
    expect(serializeCookie('s', '', { path: '/console', maxAge: 0, secure: false })).toContain('Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  });
});
