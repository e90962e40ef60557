/**
 * Writes openapi.json, the API's OpenAPI document, from the app's controllers (no database or Redis needed).
 * Usage: npm run openapi            (rewrites openapi.json)
 *        npm run openapi -- --check (exits 1 when openapi.json differs from what the code declares)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createApiDocument } from '../src/openapi';
import { serializeOpenApiDocument } from '../src/platform/openapi/openapi-document';

const FILE = join(__dirname, '..', '..', 'openapi.json');

async function main(): Promise<void> {
  const text = serializeOpenApiDocument(await createApiDocument());
  if (process.argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(FILE, 'utf8');
    } catch {
      // missing: differs
    }
    if (committed !== text) {
      process.stderr.write('openapi.json is not what the controllers declare: run npm run openapi and commit openapi.json\n');
      process.exit(1);
    }
    process.stdout.write('openapi.json is up to date\n');
    return;
  }
  writeFileSync(FILE, text);
  process.stdout.write(`wrote ${FILE}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
