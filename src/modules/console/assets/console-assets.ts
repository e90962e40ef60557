import { createHash } from 'node:crypto';
import { CONSOLE_CSS, CONSOLE_JS } from './console-bundle';

export interface ConsoleAsset {
  path: string;
  contentType: string;
  body: Buffer;
  etag: string;
}

function asset(name: string, ext: string, contentType: string, text: string): ConsoleAsset {
  const body = Buffer.from(text.trim(), 'utf8');
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  // The content hash is in the name: the file can be cached for a year, and a new release gets a new name.
  return { path: `/console/assets/${name}.${hash}.${ext}`, contentType, body, etag: `"${hash}"` };
}

export const CONSOLE_STYLESHEET = asset('console', 'css', 'text/css; charset=utf-8', CONSOLE_CSS);
export const CONSOLE_SCRIPT = asset('console', 'js', 'text/javascript; charset=utf-8', CONSOLE_JS);

export const CONSOLE_ASSETS = new Map([CONSOLE_STYLESHEET, CONSOLE_SCRIPT].map((a) => [a.path.split('/').pop()!, a]));
