import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The repository stands alone: every environment variable the code reads is documented in
 * docs/operations.md and listed in .env.example, and nothing points outside the repository.
 */
const ROOT = join(__dirname, '..');
const IGNORED = new Set(['node_modules', 'dist', '.git', '.local', 'coverage']);

function files(dir: string, keep: (path: string) => boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (IGNORED.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...files(path, keep));
    else if (keep(path)) out.push(path);
  }
  return out;
}

/** Names read from the environment: `env.X`, `process.env.X`, `env['X']`, and the config loader's `'X'` literals. */
function variablesRead(): Map<string, string> {
  const found = new Map<string, string>();
  const sources = ['src', 'libs', 'scripts'].flatMap((d) => files(join(ROOT, d), (p) => p.endsWith('.ts') && !/\.spec\.ts$/.test(p) && !p.includes('/testing/')));
  for (const file of sources) {
    const text = readFileSync(file, 'utf8');
    const add = (name: string) => found.has(name) || found.set(name, relative(ROOT, file));
    for (const m of text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) add(m[1]);
    for (const m of text.matchAll(/\benv\[['"]([A-Z][A-Z0-9_]+)['"]\]/g)) add(m[1]);
    for (const m of text.matchAll(/\b(?:int|url|pick|str|bool|list|duration|secret|required|optional)\(\s*(?:env,\s*)?['"]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)['"]/g)) add(m[1]);
  }
  for (const name of ['PATH', 'HOME', 'CI']) found.delete(name);
  for (const name of [...found.keys()]) if (name.startsWith('BENCH_') || name.startsWith('SINERGI_TEST_')) found.delete(name);
  return found;
}

describe('the repository documents itself', () => {
  const operations = readFileSync(join(ROOT, 'docs', 'operations.md'), 'utf8');
  const example = readFileSync(join(ROOT, '.env.example'), 'utf8');

  it('documents every environment variable the code reads in docs/operations.md', () => {
    const documented = (name: string) => operations.includes(name) || (name.startsWith('WHATSAPP_TEMPLATE_') && operations.includes('WHATSAPP_TEMPLATE_*'));
    const missing = [...variablesRead()].filter(([name]) => !documented(name)).map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it('lists every environment variable in .env.example', () => {
    const listed = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    // One template variable stands for its family (WHATSAPP_TEMPLATE_*), as the operations table says.
    const family = (name: string) => (name.startsWith('WHATSAPP_TEMPLATE_') ? 'WHATSAPP_TEMPLATE_CASE_ESCALATED' : name);
    expect([...variablesRead().keys()].filter((name) => !listed.has(family(name)))).toEqual([]);
  });

  it('points nowhere outside the repository: no ../shared, no design or domain notes that a clone does not have', () => {
    const texts = files(ROOT, (p) => /\.(md|ts|js|mjs|json|yml|yaml|sh)$/.test(p) || p.endsWith('.ci/run'));
    const outside = /\.\.\/shared\/|\b(DESIGN|DOMAIN)(\.md)? ?§|\b(DESIGN|DOMAIN|STYLE|STACK)\.md\b/;
    const offenders = texts.filter((p) => !p.endsWith('repository-docs.unit.spec.ts') && outside.test(readFileSync(p, 'utf8')));
    expect(offenders.map((p) => relative(ROOT, p))).toEqual([]);
  });
});
