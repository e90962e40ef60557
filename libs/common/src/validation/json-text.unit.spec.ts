import { findUnsafeJsonText, MAX_JSON_DEPTH } from './json-text';

describe('findUnsafeJsonText', () => {
  it('names each path holding a NUL character or a lone surrogate, at any depth', () => {
    const errors = findUnsafeJsonText({ data: { name: 'A\u0000B', workers: [{ name: 'ok' }, { name: '\ud800x' }] }, note: 'fine' });
    expect(errors).toEqual([
      { path: 'data.name', code: 'invalid_character', message: 'data.name contains a NUL character (\\u0000)' },
      { path: 'data.workers[1].name', code: 'invalid_character', message: 'data.workers[1].name contains a lone UTF-16 surrogate' },
    ]);
  });

  it('accepts well-formed text, including characters outside the basic plane', () => {
    expect(findUnsafeJsonText({ name: 'Jalan Poros 🚧 Sinjai–Bulupoddo', list: ['é', '\ud83d\ude00'] })).toEqual([]);
  });

  it('refuses prototype names as unknown fields with their path', () => {
    const parsed = JSON.parse('{"data":{"__proto__":{"x":1},"constructor":{},"hasOwnProperty":1,"name":"ok"}}');
    expect(findUnsafeJsonText(parsed).map((e) => [e.path, e.code])).toEqual([
      ['data.__proto__', 'unknown_field'],
      ['data.constructor', 'unknown_field'],
      ['data.hasOwnProperty', 'unknown_field'],
    ]);
  });

  it('never echoes the value, and stops at its limit', () => {
    const errors = findUnsafeJsonText({ nik: '7307051203850002\u0000' });
    expect(JSON.stringify(errors)).not.toContain('7307051203850002');
    expect(findUnsafeJsonText(Array.from({ length: 100 }, () => '\u0000'), '', 5)).toHaveLength(5);
  });

  it('refuses nesting past MAX_JSON_DEPTH at the first value too deep, without reading further (100,000 levels do not exhaust the stack)', () => {
    const nest = (depth: number) => JSON.parse(`${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`);
    expect(findUnsafeJsonText(nest(MAX_JSON_DEPTH))).toEqual([]);
    const errors = findUnsafeJsonText({ data: nest(MAX_JSON_DEPTH) });
    expect(errors).toEqual([expect.objectContaining({ path: `data${'.a'.repeat(MAX_JSON_DEPTH)}`, code: 'too_deep' })]);
    expect(findUnsafeJsonText(nest(100_000))).toEqual([expect.objectContaining({ code: 'too_deep' })]);
    expect(findUnsafeJsonText(JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`))).toEqual([expect.objectContaining({ code: 'too_deep' })]);
  });
});
